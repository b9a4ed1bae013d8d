"""A click on a follow-up prompt (Done / Snooze / Not needed), the same on every platform."""

from __future__ import annotations

from app.incidents.service import IncidentService
from app.rooms.texts import settled_line

DONE, SNOOZE, NOT_NEEDED = "followup_done", "followup_snooze", "followup_not_needed"
VERBS = (DONE, SNOOZE, NOT_NEEDED)


async def settle(
    service: IncidentService,
    verb: str,
    followup_id: int,
    user: str,
    *,
    lang: str,
    tz: str,
    hours: int = 0,
    reason: str = "",
) -> str:
    """Records the click (the service refuses a settled prompt) and returns what to tell the
    person who clicked; the prompt itself is updated for everyone by the room's sync handler."""
    if verb == SNOOZE:
        row = await service.followup_snooze(followup_id, hours, user)
        return settled_line(row, "snoozed", user, lang, tz, until=row.due_at)
    if verb == NOT_NEEDED:
        row, _ = await service.followup_not_needed(followup_id, reason, user)
        return settled_line(row, "not_needed", user, lang, tz)
    row, _ = await service.followup_done(followup_id, user)
    return settled_line(row, "done", user, lang, tz)
