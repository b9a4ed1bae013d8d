"""PURE: what a room tells its people about a verdict — what changed since the last version, what
to do now and by when, and the reasons in plain words (rule codes kept for the details view).

Values in (the verdict JSON of the assess contract, answers, `now`), values and text out; no
database, no chat, no clock reads.
"""

from app.briefing.changes import Change, change_lines, material_changes, questions_settled
from app.briefing.do_now import NextAction, Plan, do_now, do_now_lines
from app.briefing.progress import triage_progress
from app.briefing.reasons import detail_lines, plain_reasons

__all__ = [
    "Change", "NextAction", "Plan", "change_lines", "detail_lines", "do_now", "do_now_lines",
    "material_changes", "plain_reasons", "questions_settled", "triage_progress",
]  # fmt: skip
