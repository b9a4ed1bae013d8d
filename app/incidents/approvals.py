"""A PR lead's review of a statement: changes requested, approvals (two for SEV1), the gate that
refuses a stale or unfinished statement (`app.statements.gate`) unless overridden on the timeline,
publication, and the timing agreed with the investigators before a held statement goes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.reads import latest_answers, latest_statement, latest_verdict
from app.models import Approval, Incident, Statement, TimelineEvent, Verdict
from app.statements.gate import approval_blockers, approvals_needed, needs_agreed_timing
from app.vocabulary import EventKind, StatementKind, StatementStatus

if TYPE_CHECKING:  # the pack is drafted by app.incidents.pack at a report's final approval
    from app.incidents.pack import Pack

PIECE_UNFILLED = "piece_unfilled"


@dataclass(frozen=True)
class ApprovalResult:
    statement: Statement
    approved_now: bool
    already: bool
    needed: int
    # Approved, but held until a PR lead records that the timing was agreed with the police.
    awaiting_timing: bool = False


class Approvals:
    """Approving, sending back and publishing; only PR leads may approve public words."""

    def __init__(self, ledger: Ledger, pieces: Pack | None = None) -> None:
        self.ledger = ledger
        self.pieces = pieces

    def approvals_needed(self, severity: str | None, kind: str = StatementKind.NOTICE) -> int:
        """Two PR leads for a SEV1's public words; the internal Q&A needs one."""
        return approvals_needed(severity, kind)

    async def _statement_for_lead(
        self,
        session: AsyncSession,
        incident_id: int,
        version: int,
        actor: str,
        groups: Sequence[str],
        kind: str = StatementKind.NOTICE,
    ) -> tuple[Incident, Statement]:
        """The latest statement of `kind`, if `version` is it and `actor` is a PR lead; else
        refuses."""
        if not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        incident = await self.ledger.lock(session, incident_id, open_only=True)
        statement = await latest_statement(session, incident.id, kind)
        if statement is None or statement.version != version:
            raise ServiceError("stale_version", f"version {version} is not the latest")
        return incident, statement

    async def approve(
        self,
        incident_id: int,
        version: int,
        approver: str,
        groups: Sequence[str] = (),
        override: str | None = None,
        kind: str = StatementKind.NOTICE,
    ) -> ApprovalResult:
        """One PR lead's approval. Refused (`statement_behind_verdict`, `statement_unfilled`)
        while the statement is behind the latest verdict or holds a placeholder, unless the lead
        gives `override`, a reason recorded on the timeline. The notice's final approval
        publishes the report and drafts the pack from it."""
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident, statement = await self._statement_for_lead(
                session, incident_id, version, approver, groups, kind
            )
            needed = self.approvals_needed(incident.severity, statement.kind)
            if any(a.approver == approver for a in statement.approvals):
                return ApprovalResult(statement, False, True, needed)
            if statement.status == StatementStatus.APPROVED:
                return ApprovalResult(statement, False, True, needed)
            verdict = await latest_verdict(session, incident.id)
            await self._pass_gate(session, incident, statement, verdict, approver, override, now)
            session.add(Approval(statement_id=statement.id, approver=approver, created_at=now))
            await session.flush()
            await session.refresh(statement, ["approvals"])
            count = len(statement.approvals)
            approved = count >= needed
            if approved:
                statement.status = StatementStatus.APPROVED
            await self.ledger.append(
                session,
                incident,
                EventKind.STATEMENT_APPROVED,
                approver,
                {
                    "kind": statement.kind,
                    "series": statement.series,
                    "version": version,
                    "approvals": count,
                    "needed": needed,
                    "final": approved,
                },
                now,
            )
            if not approved:
                return ApprovalResult(statement, False, False, needed)
            if statement.kind != StatementKind.NOTICE:
                return ApprovalResult(statement, True, False, needed)
            current = await latest_answers(session, incident.id)
            held = needs_agreed_timing(current, verdict.data if verdict else None)
            waiting = held and not await self._timing_agreed(session, incident.id)
            if not waiting:
                await self._publish(session, incident, statement, approver, now)
            if self.pieces is not None and verdict is not None:
                # The pack is drafted from the approved report (held or not: it is prepared).
                await self.pieces.draft(session, incident, statement, verdict, current, now)
            return ApprovalResult(statement, True, False, needed, awaiting_timing=waiting)

    async def _pass_gate(
        self,
        session: AsyncSession,
        incident: Incident,
        statement: Statement,
        verdict: Verdict | None,
        approver: str,
        override: str | None,
        now: datetime,
    ) -> None:
        """Refuses a stale or unfinished statement, or records the lead's override of it."""
        latest_version = verdict.version if verdict else None
        if statement.kind != StatementKind.NOTICE:
            # A piece follows the approved notice, not the verdict (the next report redrafts
            # it); only its blanks stop it, and they are filled in with Edit.
            if approval_blockers(statement.texts, None, None):
                raise ServiceError(PIECE_UNFILLED)
            return
        blockers = approval_blockers(statement.texts, statement.verdict_version, latest_version)
        if not blockers:
            return
        reason = mask((override or "").strip()).text
        if not reason:
            raise ServiceError(blockers[0], ", ".join(blockers))
        await self.ledger.append(
            session,
            incident,
            EventKind.STATEMENT_OVERRIDE,
            approver,
            {
                "kind": statement.kind,
                "version": statement.version,
                "blockers": blockers,
                "verdict_version": statement.verdict_version,
                "latest_verdict": latest_version,
                "reason": reason,
            },
            now,
        )

    async def _publish(
        self,
        session: AsyncSession,
        incident: Incident,
        statement: Statement,
        actor: str,
        now: datetime,
    ) -> None:
        await self.ledger.append(
            session,
            incident,
            EventKind.STATEMENT_PUBLISHED,
            actor,
            {
                "kind": statement.kind,
                "series": statement.series,
                "version": statement.version,
                "approvers": [a.approver for a in statement.approvals],
                "next_update_at": statement.next_update_at.isoformat()
                if statement.next_update_at
                else None,
            },
            now,
        )

    async def _timing_agreed(self, session: AsyncSession, incident_id: int) -> bool:
        found = await session.execute(
            select(TimelineEvent.id)
            .where(
                TimelineEvent.incident_id == incident_id,
                TimelineEvent.kind == EventKind.STATEMENT_TIMING_AGREED,
            )
            .limit(1)
        )
        return found.first() is not None

    async def record_timing_agreed(
        self, incident_id: int, actor: str, note: str, groups: Sequence[str] = ()
    ) -> Statement | None:
        """A PR lead records that the timing of the announcement was agreed with the
        investigators; an approved statement waiting for it is published now."""
        if not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        text = mask(note.strip()).text
        if not text:
            raise ServiceError("timing_note_required")
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            await self.ledger.append(
                session, incident, EventKind.STATEMENT_TIMING_AGREED, actor, {"note": text}, now
            )
            statement = await latest_statement(session, incident.id)
            if statement is None or statement.status != StatementStatus.APPROVED:
                return None
            published = await session.execute(
                select(TimelineEvent.data).where(
                    TimelineEvent.incident_id == incident.id,
                    TimelineEvent.kind == EventKind.STATEMENT_PUBLISHED,
                )
            )
            if any(
                (data or {}).get("version") == statement.version
                and (data or {}).get("kind", StatementKind.NOTICE) == StatementKind.NOTICE
                for (data,) in published
            ):
                return None
            await self._publish(session, incident, statement, actor, now)
            return statement

    async def request_changes(
        self,
        incident_id: int,
        version: int,
        actor: str,
        comment: str,
        groups: Sequence[str] = (),
        kind: str = StatementKind.NOTICE,
    ) -> Statement:
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident, statement = await self._statement_for_lead(
                session, incident_id, version, actor, groups, kind
            )
            statement.status = StatementStatus.CHANGES_REQUESTED
            await self.ledger.append(
                session,
                incident,
                EventKind.STATEMENT_CHANGES_REQUESTED,
                actor,
                {"kind": statement.kind, "version": version, "comment": mask(comment).text},
                now,
            )
            return statement
