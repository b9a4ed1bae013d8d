"""Lifecycle: notes, closing, retention (purge), and the work's own milestones on the timeline
(an effect done, work scheduled by hand, a row given up on)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import Masked, mask
from app.incidents.timeline import rechain, verify_chain
from app.models import Incident, IncidentStatus, Statement, TimelineEvent, WorkItem, WorkStatus
from app.vocabulary import EventKind
from app.work.queue import WorkSpec

PURGED = "(purged)"


class Lifecycle:
    """What happens to an incident besides triage and statements, until its text is purged."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def record_effect(
        self, incident_id: int, kind: str, data: dict[str, Any], actor: str = "leakdesk"
    ) -> int:
        """Puts an outbound milestone (room ready, verdict posted, statement published) on the
        timeline; returns its place there (the incident's `timeline_seq` with it)."""
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id)
            await self.ledger.append_now(session, incident, kind, actor, data)
            return incident.timeline_seq

    async def add_note(self, incident_id: int, text: str, actor: str) -> Masked:
        masked = mask(text.strip())
        if not masked.text:
            raise ServiceError("empty_note")
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            data: dict[str, Any] = {"text": masked.text}
            if masked.changed:
                data["masked"] = list(masked.kinds)
            await self.ledger.append(session, incident, EventKind.NOTE_ADDED, actor, data)
        return masked

    async def close(self, incident_id: int, actor: str, resolution: str = "") -> Incident:
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            cancelled = await session.execute(
                update(WorkItem)
                .where(
                    WorkItem.incident_id == incident.id,
                    WorkItem.status == WorkStatus.PENDING,
                    WorkItem.kind.like("followup.%"),
                )
                .values(status=WorkStatus.CANCELLED, completed_at=now)
                .execution_options(synchronize_session=False)
            )
            incident.status = IncidentStatus.CLOSED
            incident.closed_at = now
            incident.resolution = mask(resolution).text or None
            await self.ledger.append(
                session,
                incident,
                EventKind.INCIDENT_CLOSED,
                actor,
                {
                    "resolution": incident.resolution,
                    "cancelled_work": cancelled.rowcount,
                },
                now,
            )
            return incident

    async def rekey_chains(self) -> tuple[int, list[str]]:
        """Moves every timeline to the newest chain key (after setting or rotating
        LEAKDESK_CHAIN_KEY): each chain is first verified as it stands (unkeyed, or under any
        configured key), then re-hashed. Returns (re-keyed count, keys of chains refused as
        broken: those are left as they are, for someone to look at)."""
        keys = self.ledger.config.chain_keys
        if not keys:
            raise ServiceError("no_chain_key", "set LEAKDESK_CHAIN_KEY first")
        async with self.ledger.reads() as session:
            ids = list((await session.execute(select(Incident.id).order_by(Incident.id))).scalars())
        done, refused = 0, []
        for incident_id in ids:
            async with self.ledger.write() as session:
                incident = await self.ledger.lock(session, incident_id)
                events = list(
                    (
                        await session.execute(
                            select(TimelineEvent)
                            .where(TimelineEvent.incident_id == incident_id)
                            .order_by(TimelineEvent.seq)
                        )
                    ).scalars()
                )
                if verify_chain(incident.key, events, keys[:1]) is None:
                    continue  # already under the newest key
                if verify_chain(incident.key, events, keys, legacy=True) is not None:
                    refused.append(incident.key)
                    continue
                incident.timeline_head = rechain(incident.key, events, keys[0])
                done += 1
        return done, refused

    async def purge_closed(self, older_than: timedelta) -> int:
        """Drops the free text of incidents closed before the cutoff; hashes keep verifying."""
        now = self.ledger.clock()
        async with self.ledger.reads() as session:
            ids = list(
                (
                    await session.execute(
                        select(Incident.id).where(
                            Incident.status == IncidentStatus.CLOSED,
                            Incident.closed_at < now - older_than,
                            Incident.purged_at.is_(None),
                        )
                    )
                ).scalars()
            )
        for incident_id in ids:
            async with self.ledger.write() as session:
                incident = await self.ledger.lock(session, incident_id)
                events = await session.execute(
                    update(TimelineEvent)
                    .where(TimelineEvent.incident_id == incident_id)
                    .values(data=None)
                    .execution_options(synchronize_session=False)
                )
                await session.execute(
                    update(Statement)
                    .where(Statement.incident_id == incident_id)
                    .values(texts={}, findings={}, facts=None)
                    .execution_options(synchronize_session=False)
                )
                incident.title, incident.source, incident.resolution = PURGED, {}, None
                incident.purged_at = now
                await self.ledger.append(
                    session,
                    incident,
                    EventKind.INCIDENT_PURGED,
                    "leakdesk",
                    {"events": events.rowcount, "older_than_days": older_than.days},
                    now,
                )
        return len(ids)

    async def schedule(
        self,
        incident_id: int,
        specs: Sequence[WorkSpec],
        actor: str,
        kind: str = EventKind.WORK_SCHEDULED,
    ) -> None:
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id)
            now = self.ledger.clock()
            for spec in specs:
                self.ledger.add_work(session, spec, incident.id, now)
            await self.ledger.append(
                session, incident, kind, actor, {"kinds": [s.kind for s in specs]}, now
            )

    async def on_work_dead(self, session: AsyncSession, item: WorkItem, now: datetime) -> None:
        """The queue's hook: a row that will not be tried again is on its incident's timeline
        (rows that run apart from their incident's order, webhooks, name it in their payload)."""
        incident_id = item.incident_id or (item.payload or {}).get("incident_id")
        if incident_id is None:
            return
        incident = await self.ledger.lock(session, int(incident_id))
        await self.ledger.append(
            session,
            incident,
            EventKind.WORK_DEAD,
            "leakdesk",
            {
                "work_id": item.id,
                "kind": item.kind,
                "attempts": item.attempts,
                "error": (item.last_error or "")[:500],
            },
            now,
        )
