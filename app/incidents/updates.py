"""Stakeholder updates: a status update for the internal update channel, drafted in the room and
approved there by the incident lead or the communications lead — never for a drill. The text is
the room's (app/rooms/updates.py: status, severity, deadline, statement; no detail of the leaked
data), plus an optional note, masked like every free text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.standing import holder
from app.models import TimelineEvent
from app.vocabulary import EventKind, Role

APPROVERS = (Role.LEAD, Role.COMMS)
UPDATE_EVENTS = (EventKind.UPDATE_DRAFTED, EventKind.UPDATE_APPROVED, EventKind.UPDATE_POSTED)


@dataclass(frozen=True)
class StakeholderUpdate:
    version: int
    text: str
    approved_by: str | None = None
    posted_to: str | None = None


class Updates:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def draft_update(self, incident_id: int, text: str, actor: str) -> StakeholderUpdate:
        """A new draft (version n+1); refused for a drill."""
        masked = mask(text.strip())
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id)
            if incident.is_drill:
                raise ServiceError("drill_update")
            drafts = await _updates(session, incident.id)
            version = len(drafts) + 1
            data: dict[str, Any] = {"version": version, "text": masked.text}
            if masked.changed:
                data["masked"] = list(masked.kinds)
            await self.ledger.append(session, incident, EventKind.UPDATE_DRAFTED, actor, data)
        return StakeholderUpdate(version, masked.text)

    async def approve_update(
        self, incident_id: int, version: int, actor: str
    ) -> tuple[StakeholderUpdate, bool]:
        """The incident lead's or the communications lead's approval of the latest draft; False
        when it was approved already."""
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id)
            if incident.is_drill:
                raise ServiceError("drill_update")
            if actor not in {holder(incident, role) for role in APPROVERS}:
                raise ServiceError("not_update_approver")
            drafts = await _updates(session, incident.id)
            if not drafts or drafts[-1].version != version:
                raise ServiceError("stale_version", f"update {version} is not the latest")
            update = drafts[-1]
            if update.approved_by is not None:
                return update, False
            data = {"version": version, "text": update.text}
            await self.ledger.append(session, incident, EventKind.UPDATE_APPROVED, actor, data)
        return StakeholderUpdate(version, update.text, actor), True

    async def stakeholder_update(self, incident_id: int, version: int) -> StakeholderUpdate:
        async with self.ledger.reads() as session:
            found = [u for u in await _updates(session, incident_id) if u.version == version]
        if not found:
            raise ServiceError("not_found", f"update {version}")
        return found[0]


async def _updates(session: AsyncSession, incident_id: int) -> list[StakeholderUpdate]:
    """Every draft of the incident, oldest first, with who approved it and where it went."""
    rows = await session.execute(
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident_id, TimelineEvent.kind.in_(UPDATE_EVENTS))
        .order_by(TimelineEvent.seq)
    )
    found: dict[int, StakeholderUpdate] = {}
    for event in rows.scalars():
        data = event.data or {}
        version = int(data.get("version", 0))
        if event.kind == EventKind.UPDATE_DRAFTED:
            found[version] = StakeholderUpdate(version, str(data.get("text", "")))
        elif version in found and event.kind == EventKind.UPDATE_APPROVED:
            found[version] = StakeholderUpdate(version, found[version].text, event.actor)
        elif version in found:
            old = found[version]
            found[version] = StakeholderUpdate(
                version, old.text, old.approved_by, data.get("channel")
            )
    return list(found.values())
