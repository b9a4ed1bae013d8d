"""Which legal clock an open incident must meet next: kept on the incident row (`deadline_at`)
inside the transaction of every event that can change it, so ops can sort by it, and read one
way everywhere (`next_deadline`: the room's topic and summary, the ops list and API)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import t
from app.incidents.issued import current_verdict
from app.incidents.reactions import Event, Reactions
from app.models import Incident, IncidentStatus, TimelineEvent
from app.triage.clocks import LegalClock, legal_clocks
from app.vocabulary import EventKind

# The events by which a room records a clock as met: its prompt marked done, or a note naming it.
MET_BY = (EventKind.FOLLOWUP_DONE, EventKind.NOTE_ADDED)
CHANGED_BY = (
    EventKind.VERDICT_ISSUED,
    EventKind.INCIDENT_DISCOVERED_AT_CHANGED,
    EventKind.INCIDENT_CLOSED,
    *MET_BY,
)


def next_deadline(incident: Incident, verdict: Mapping[str, Any] | None) -> LegalClock | None:
    """The incident's next deadline: its earliest legal clock not yet met, overdue or not (an
    overdue 速報 stays shown until the room records it as met); None when closed or none runs.

    `verdict` is the incident's current verdict data, whose clocks `deadline_at` was set from."""
    at = incident.deadline_at
    if at is None:
        return None
    return next((c for c in legal_clocks(verdict) if c.due == at), LegalClock("", at))


def clock_names(clock: str) -> set[str]:
    """How a note may name a clock: its key, or its label in either language."""
    return {clock.lower()} | {
        t(f"followup.deadline.{clock}", lang).lower() for lang in ("ja", "en")
    }


def met_at(events: Iterable[TimelineEvent], clock: str) -> datetime | None:
    """When the room first recorded `clock` as met, or None."""
    names = clock_names(clock)
    for event in events:
        data = event.data or {}
        if event.kind == EventKind.FOLLOWUP_DONE and data.get("kind") == clock:
            return event.at
        if event.kind == EventKind.NOTE_ADDED and any(
            n in str(data.get("text", "")).lower() for n in names
        ):
            return event.at
    return None


async def refresh(session: AsyncSession, incident: Incident) -> None:
    """Sets `incident.deadline_at` to its earliest legal clock not yet met (None when closed)."""
    if incident.status != IncidentStatus.OPEN:
        incident.deadline_at = None
        return
    verdict = await current_verdict(session, incident.id)
    clocks = legal_clocks(verdict.data if verdict else None)
    if not clocks:
        incident.deadline_at = None
        return
    events = list(
        (
            await session.execute(
                select(TimelineEvent)
                .where(TimelineEvent.incident_id == incident.id, TimelineEvent.kind.in_(MET_BY))
                .order_by(TimelineEvent.seq)
            )
        ).scalars()
    )
    unmet = (c for c in clocks if met_at(events, c.name) is None)  # soonest first
    incident.deadline_at = next((c.due for c in unmet), None)


async def _on_event(session: AsyncSession, event: Event) -> None:
    if event.kind == EventKind.NOTE_ADDED and event.incident.deadline_at is None:
        return  # no clock running: a note cannot meet one
    await refresh(session, event.incident)


def register(reactions: Reactions) -> None:
    reactions.within(*CHANGED_BY)(_on_event)
