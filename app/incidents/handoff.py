"""Handing the technical questions to the security responders (issue 25, item 3): one press in
the room gives them encryption, key safety, log evidence (was it accessed), a possible wrongful
act and containment; the triage goes on with the rest; their answers come back into the verdict
like any answer. The hand-off is on the timeline."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.reads import latest_answers
from app.models import TimelineEvent
from app.triage import QUESTIONS, TECHNICAL
from app.vocabulary import EventKind


class HandOff:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def hand_off(self, incident_id: int, actor: str, to: Sequence[str]) -> list[str]:
        """Hands the technical questions not yet answered to `to`; returns them. Refused when
        nobody is configured to take them, or when they were handed off already."""
        if not to:
            raise ServiceError("no_security_responders")
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            if await _handed(session, incident_id):
                raise ServiceError("handed_off_already")
            answers = await latest_answers(session, incident.id)
            fields = [q.id for q in QUESTIONS if q.id in TECHNICAL and q.id not in answers]
            if not fields:
                raise ServiceError("nothing_to_hand_off")
            data = {"fields": fields, "to": list(to)}
            await self.ledger.append(
                session, incident, EventKind.TRIAGE_HANDED_OFF, actor, data, now
            )
            return fields

    async def handed_off(self, incident_id: int) -> tuple[list[str], list[str]]:
        """(the fields handed off, to whom); empty lists when nothing was."""
        async with self.ledger.reads() as session:
            data = await _handed(session, incident_id)
        return (list(data.get("fields") or []), list(data.get("to") or [])) if data else ([], [])


async def _handed(session, incident_id: int) -> dict | None:  # type: ignore[no-untyped-def]
    return (
        await session.execute(
            select(TimelineEvent.data)
            .where(
                TimelineEvent.incident_id == incident_id,
                TimelineEvent.kind == EventKind.TRIAGE_HANDED_OFF,
            )
            .limit(1)
        )
    ).scalar_one_or_none()
