"""Who runs the incident: its roles (incident lead, communications lead, legal/DPO, scribe), and
the incident lead's own severity call beside the policy's verdict — each change on the timeline.

The policy's verdict is never rewritten (`incidents.severity` stays the policy's); the legal
clocks come from the facts whatever the call. Status checks follow the more severe of the two
(app/incidents/schedule.py); statement approvals follow the policy's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.followups import settle_in
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.standing import SEVERITIES, holder
from app.incidents.tasks import task_data
from app.models import ActionItem, Followup, Incident
from app.vocabulary import ActionState, EventKind, FollowupState, Role

LEAD_PROMPT = "role:lead"  # the follow-up when a SEV1/SEV2 has no lead (app/triage/followups.py)
REASON_LIMIT = 1000


class Roles:
    """Roles and the severity call of an incident."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def assign_role(
        self, incident_id: int, role: str, user: str | None, actor: str
    ) -> tuple[Incident, bool]:
        """`user` now holds `role` (None: nobody); False when it already did."""
        if role not in tuple(Role):
            raise ServiceError("unknown_role", role)
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            roles = dict(incident.roles or {})
            previous = roles.get(role)
            if previous == user:
                return incident, False
            if user is None:
                roles.pop(role, None)
            else:
                roles[role] = user
            incident.roles = roles
            data = {"role": role, "user": user, "previous": previous}
            await self.ledger.append(session, incident, EventKind.ROLE_ASSIGNED, actor, data)
            if role == Role.LEAD and user is not None:
                await self._lead_found(session, incident, actor)
            if role == Role.COMMS and user is not None:
                await self._spokesperson_found(session, incident, user)
            return incident, True

    async def _spokesperson_found(
        self, session: AsyncSession, incident: Incident, user: str
    ) -> None:
        """A press conference's readiness items nobody owns yet go to the new comms lead (the
        role's own thread line already @mentions them)."""
        items = await session.execute(
            select(ActionItem).where(
                ActionItem.incident_id == incident.id,
                ActionItem.state == ActionState.OPEN,
                ActionItem.owner.is_(None),
                ActionItem.source.like("press:%"),
            )
        )
        for item in items.scalars():
            item.owner, item.updated_at = user, self.ledger.clock()
            data = {**task_data(item), "changed": ["owner"]}
            await self.ledger.append(session, incident, EventKind.TASK_CHANGED, "leakdesk", data)

    async def _lead_found(self, session: AsyncSession, incident: Incident, actor: str) -> None:
        """A posted "no incident lead yet" prompt is answered by the assignment."""
        row = (
            await session.execute(
                select(Followup).where(
                    Followup.incident_id == incident.id,
                    Followup.key == LEAD_PROMPT,
                    Followup.state == FollowupState.POSTED,
                )
            )
        ).scalar_one_or_none()
        if row is not None:
            await settle_in(self.ledger, session, incident, row, actor, FollowupState.DONE)

    async def call_severity(
        self, incident_id: int, severity: str, reason: str, actor: str
    ) -> Incident:
        """The incident lead's severity, with a required reason (masked); the same as the
        policy's withdraws an earlier call."""
        if severity not in SEVERITIES:
            raise ServiceError("unknown_severity", severity)
        masked = mask(" ".join(reason.split())[:REASON_LIMIT]).text
        if not masked:
            raise ServiceError("severity_reason_required")
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            lead = holder(incident, Role.LEAD)
            if lead is None:
                raise ServiceError("no_lead")
            if lead != actor:
                raise ServiceError("not_lead", lead)
            now = self.ledger.clock()
            call: dict[str, Any] | None = {
                "severity": severity,
                "reason": masked,
                "by": actor,
                "at": now.isoformat(),
            }
            if severity == incident.severity:
                call = None  # agreeing with the policy withdraws the call
            incident.severity_call = call
            data = {"severity": severity if call else None, "policy": incident.severity}
            await self.ledger.append(
                session, incident, EventKind.SEVERITY_CALLED, actor, data | {"reason": masked}
            )
            return incident
