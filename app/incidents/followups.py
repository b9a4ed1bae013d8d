"""Follow-ups as the room answers them: a prompt posted, done, not needed (with a reason) or
snoozed — each on the timeline. (What is due when: app/triage/followups.py, app/incidents/schedule.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import NotFound, ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.schedule import LIVE as LIVE_FOLLOWUPS
from app.incidents.schedule import cancel_work, enqueue_prompt, followups_of, prompt_ref
from app.models import Followup, FollowupState, Incident
from app.vocabulary import EventKind

SNOOZE_HOURS = (1, 24)


class Followups:
    """The room's answers to its prompts; a settled prompt stays settled."""

    SNOOZE_HOURS = SNOOZE_HOURS

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def followup(self, followup_id: int) -> tuple[Followup, Incident]:
        async with self.ledger.reads() as session:
            row = await session.get(Followup, followup_id)
            incident = await session.get(Incident, row.incident_id) if row else None
            if row is None or incident is None:
                raise NotFound(f"follow-up {followup_id}")
            return row, incident

    async def followups(self, incident_id: int) -> list[Followup]:
        async with self.ledger.reads() as session:
            return await followups_of(session, incident_id)

    async def followup_posted(self, followup_id: int, work_id: int, ref: str) -> bool:
        """The worker posted a prompt; a row whose follow-up has moved on records nothing."""
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            row, incident = await self._locked(session, followup_id, open_only=False)
            if row.work_id != work_id or row.state not in LIVE_FOLLOWUPS:
                return False
            row.state, row.updated_at = FollowupState.POSTED, now
            await self.ledger.append(
                session, incident, EventKind.FOLLOWUP_POSTED, "leakdesk", _data(row, ref), now
            )
            return True

    async def followup_done(self, followup_id: int, actor: str) -> tuple[Followup, bool]:
        """Done (or "no change" on a status check): who and when are kept with the prompt."""
        return await self._settle(followup_id, actor, FollowupState.DONE)

    async def followup_not_needed(
        self, followup_id: int, reason: str, actor: str
    ) -> tuple[Followup, bool]:
        masked = mask(reason.strip()).text
        if not masked:
            raise ServiceError("reason_required")
        return await self._settle(followup_id, actor, FollowupState.NOT_NEEDED, masked)

    async def followup_snooze(self, followup_id: int, hours: int, actor: str) -> Followup:
        """Posts the prompt again in `hours` (1 or 24) as a new message."""
        if hours not in SNOOZE_HOURS:
            raise ServiceError("invalid_snooze", str(hours))
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            row, incident = await self._locked(session, followup_id)
            if row.state not in (*LIVE_FOLLOWUPS, FollowupState.POSTED):
                raise ServiceError("followup_settled", row.state)
            shown = prompt_ref(row)
            await cancel_work(session, row)
            row.snoozes += 1
            row.state, row.due_at, row.updated_at = (
                FollowupState.SNOOZED,
                now + timedelta(hours=hours),
                now,
            )
            await enqueue_prompt(
                session,
                row,
                platform=incident.platform,
                due_at=row.due_at,
                now=now,
                max_attempts=self.ledger.config.max_attempts,
            )
            data = {**_data(row, shown), "until": row.due_at.isoformat(), "hours": hours}
            await self.ledger.append(
                session, incident, EventKind.FOLLOWUP_SNOOZED, actor, data, now
            )
            return row

    async def _settle(
        self, followup_id: int, actor: str, state: FollowupState, reason: str | None = None
    ) -> tuple[Followup, bool]:
        async with self.ledger.write() as session:
            row, incident = await self._locked(session, followup_id)
            if row.state in (FollowupState.DONE, FollowupState.NOT_NEEDED):
                return row, False
            if row.state == FollowupState.CANCELLED:
                raise ServiceError("followup_settled", row.state)
            await settle_in(self.ledger, session, incident, row, actor, state, reason)
            return row, True

    async def _locked(
        self, session: AsyncSession, followup_id: int, *, open_only: bool = True
    ) -> tuple[Followup, Incident]:
        incident_id = (
            await session.execute(select(Followup.incident_id).where(Followup.id == followup_id))
        ).scalar_one_or_none()
        if incident_id is None:
            raise NotFound(f"follow-up {followup_id}")
        incident = await self.ledger.lock(session, incident_id, open_only=open_only)
        row = (
            await session.execute(
                select(Followup)
                .where(Followup.id == followup_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return row, incident


async def settle_in(
    ledger: Ledger,
    session: AsyncSession,
    incident: Incident,
    row: Followup,
    actor: str,
    state: FollowupState,
    reason: str | None = None,
) -> None:
    """Settles a prompt inside the caller's transaction (the incident locked), on the timeline;
    the room shows who settled it. Settling a prompt settles what it prompted (a hook)."""
    now = ledger.clock()
    shown = prompt_ref(row)
    await cancel_work(session, row)
    row.state, row.done_by, row.done_at, row.reason = state, actor, now, reason
    row.updated_at = now
    data = _data(row, shown)
    if reason:
        data["reason"] = reason
    await ledger.append(session, incident, EventKind(f"followup.{state}"), actor, data, now)


def _data(row: Followup, ref: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "key": row.key,
        "kind": row.kind,
        "ref": ref,
        "deadline": row.deadline_at.isoformat() if row.deadline_at else None,
    }
