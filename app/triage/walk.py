"""Which triage questions come next: those still open, in the bank's order."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from app.triage.models import Answers
from app.triage.policy import Policy
from app.triage.question_types import Decides, Question
from app.triage.questions import QUESTIONS
from app.triage.unknowns import deciding


def next_question(
    answers: Answers, asked: set[str] | frozenset[str] = frozenset(), policy: Policy | None = None
) -> Question | None:
    """The first question still unanswered (and not asked) whose answer could change the verdict."""
    return next(open_questions(answers, asked, policy), None)


def open_questions(
    answers: Answers, asked: Collection[str] = frozenset(), policy: Policy | None = None
) -> Iterator[Question]:
    """The questions still to ask, in order (`is_open` of each); the answers are read into the
    verdict's facts once for the walk (a card asks it of every question it counts)."""
    decides = deciding(answers, policy)
    return (q for q in QUESTIONS if is_open(q, answers, asked, policy, decides))


def is_open(
    q: Question,
    answers: Answers,
    asked: Collection[str],
    policy: Policy | None = None,
    decides: Decides | None = None,
) -> bool:
    """Still to ask: not asked, unanswered, and needed. Awareness always has a value (the report's
    time until answered): whether it was asked is told by `asked` alone."""
    unanswered = q.kind == "datetime" or getattr(answers, q.id) is None
    return q.id not in asked and unanswered and q.needed(answers, policy, decides)
