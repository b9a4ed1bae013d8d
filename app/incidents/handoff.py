"""Handing the technical questions to the security responders (issue 25, item 3): one press in
the room gives them encryption, key safety, log evidence (was it accessed), a possible wrongful
act and containment; the triage goes on with the rest; their answers come back into the verdict
like any answer. The hand-off is on the timeline."""

from __future__ import annotations

from collections.abc import Sequence

from app.incidents import queries
from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.reads import latest_answers
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


async def _handed(session, incident_id: int) -> dict | None:  # type: ignore[no-untyped-def]
    return (
        await session.execute(queries.HANDED, {"incident_id": incident_id})
    ).scalar_one_or_none()
