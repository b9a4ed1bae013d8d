"""When a drafted statement may be approved and posted: the decisions, without the database.

* Until its first approval, a draft the bot wrote follows the latest verdict, and the answers
  that change its words, in place (``follows_verdict``); a PR lead's edit is never rewritten
  under them.
* Approval is refused while the statement is behind the latest verdict or still holds a
  placeholder (【要記入…】, [TO FILL IN…]) — unless the approving lead records an override, which
  goes on the timeline (``approval_blockers``).
* Two PR leads approve a SEV1's public words (the notice, the social post, the letter to the
  people concerned); one approves the Q&A, which is internal (``approvals_needed``).
* A statement held for the investigators (``hold_for_investigators``) is not posted until a PR
  lead has recorded that the timing was agreed (``needs_agreed_timing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.statements.checker import unfilled_placeholders
from app.statements.draft import announcement_for

__all__ = [
    "BEHIND_VERDICT",
    "TIMING_NOT_AGREED",
    "UNFILLED",
    "approval_blockers",
    "approvals_needed",
    "follows_verdict",
    "needs_agreed_timing",
]

BEHIND_VERDICT = "statement_behind_verdict"
UNFILLED = "statement_unfilled"
TIMING_NOT_AGREED = "timing_not_agreed"


def approvals_needed(severity: str | None, kind: str = "notice") -> int:
    """How many PR leads approve a statement of `kind` for an incident of `severity`."""
    if kind == "qa":
        return 1
    return 2 if severity == "SEV1" else 1


def follows_verdict(status: str, approvals: int, author: str, bot: str) -> bool:
    """A draft still the bot's own and not yet approved by anyone is redrafted in place."""
    return status == "draft" and approvals == 0 and author == bot


def approval_blockers(
    texts: Mapping[str, str], verdict_version: int | None, latest_verdict: int | None
) -> list[str]:
    """Why approving these texts now would publish something stale or unfinished."""
    blockers = []
    if latest_verdict is not None and (verdict_version or 0) < latest_verdict:
        blockers.append(BEHIND_VERDICT)
    if any(unfilled_placeholders(text) for text in texts.values()):
        blockers.append(UNFILLED)
    return blockers


def needs_agreed_timing(
    answers: Mapping[str, Any] | None, verdict: Mapping[str, Any] | None
) -> bool:
    """The police asked that the announcement wait for a timing agreed with them."""
    return announcement_for(dict(answers or {}), dict(verdict or {})) == "hold_for_investigators"
