"""A room's name, the same rule on every platform."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import tzinfo

from app.incidents.service import IncidentService, room_slug
from app.models import Incident


async def room_names(
    service: IncidentService,
    incident: Incident,
    tz: tzinfo,
    limit: int,
    before: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIterator[str]:
    """Names to try for an incident's room, `leak-YYYYMMDD-NNN-slug` (`drill-…` for drills) cut
    to the platform's `limit`; each is reserved on the incident before it is tried, so a retry
    after a lost answer can adopt the room it made. `before` runs ahead of each (pacing)."""
    prefix = "drill" if incident.is_drill else "leak"
    day = incident.created_at.astimezone(tz).strftime("%Y%m%d")
    slug = room_slug(incident)
    for _ in range(20):
        if before is not None:
            await before()
        yield await service.reserve_room_name(
            incident.id, day, lambda n: f"{prefix}-{day}-{n:03d}-{slug}"[:limit].rstrip("-")
        )
