"""How far triage has come: 「質問 4/8」 (the total is an estimate: answers change which
questions still matter)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from app.triage import Question


def triage_progress(asked: Collection[str], still_open: Sequence[Question]) -> tuple[int, int]:
    """(the number of the question on the card, how many the room will probably be asked), from
    the questions asked and those still open (`open_questions` of the same answers)."""
    done = len(set(asked))
    return done + 1, done + max(len(still_open), 1)
