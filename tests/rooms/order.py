"""The order a new room's first messages read in (docs/architecture.md, "Opening a room")."""

from __future__ import annotations


def opening(refs: list[str]) -> bool:
    """The first question and the summary go out together, right after the room is made (their
    order may vary); the welcome note follows them."""
    return set(refs[:2]) == {"summary", "triage"} and refs[2:3] == ["welcome"]
