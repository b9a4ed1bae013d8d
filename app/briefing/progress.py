"""How far triage has come: 「質問 4/8」 (the total is an estimate: answers change which
questions still matter)."""

from __future__ import annotations

from collections.abc import Collection

from app.triage import QUESTIONS, Answers, Policy, is_open


def triage_progress(
    answers: Answers, asked: Collection[str], policy: Policy | None = None
) -> tuple[int, int]:
    """(the number of the question on the card, how many the room will probably be asked)."""
    remaining = sum(1 for q in QUESTIONS if is_open(q, answers, asked, policy))
    done = len(set(asked))
    return done + 1, done + max(remaining, 1)
