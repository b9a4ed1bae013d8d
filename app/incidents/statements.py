"""Statements: the holding statement drafted from the verdict, edited by a PR lead, sent back
or approved (two approvals for SEV1) and published — each version on the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.reads import latest_answers, latest_statement, latest_verdict
from app.models import Approval, Incident, Statement, Verdict
from app.statements import check_statement, default_next_update, draft_statement
from app.vocabulary import EventKind, StatementStatus


@dataclass(frozen=True)
class ApprovalResult:
    statement: Statement
    approved_now: bool
    already: bool
    needed: int


class Statements:
    """Drafts, edits and approvals; only PR leads may change or approve public words."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def draft_texts(
        self, incident: Incident, verdict: Verdict, current: dict[str, Any], now: datetime
    ) -> tuple[dict[str, str], dict[str, Any], datetime]:
        config = self.ledger.config
        answers = {**current, "discovered_at": incident.discovered_at.isoformat()}
        next_update = default_next_update(verdict.severity, now, config.tz)
        texts, findings = {}, {}
        for lang in ("ja", "en"):
            draft = draft_statement(
                answers,
                verdict.data,
                lang,
                company=config.company,
                now=now,
                tz=config.tz,
                next_update_at=next_update,
                template_dir=config.templates_dir,
            )
            texts[lang] = draft.text
            findings[lang] = _findings(draft.text, lang, answers, verdict.data)
        return texts, findings, next_update

    async def add_draft(
        self,
        session: AsyncSession,
        incident: Incident,
        verdict: Verdict,
        current: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> Statement:
        """A new draft from `verdict`, in the caller's transaction (the incident is locked)."""
        texts, findings, next_update = self.draft_texts(incident, verdict, current, now)
        return await self._add_statement(
            session,
            incident,
            texts,
            findings,
            next_update,
            actor,
            now,
            verdict.version,
            kind=EventKind.STATEMENT_DRAFTED,
        )

    async def redraft(self, incident_id: int, actor: str) -> Statement:
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            verdict = await latest_verdict(session, incident.id)
            if verdict is None:
                raise ServiceError("no_verdict")
            current = await latest_answers(session, incident.id)
            return await self.add_draft(session, incident, verdict, current, actor, now)

    async def edit_statement(
        self, incident_id: int, texts: dict[str, str], actor: str, groups: Sequence[str] = ()
    ) -> Statement:
        """A PR lead's edit: a new version that voids every earlier approval."""
        if not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            latest = await latest_statement(session, incident.id)
            if latest is None:
                raise ServiceError("no_statement")
            # Only what the lead changed is new text from chat: the rest is our own draft.
            merged = {
                lang: mask(texts[lang]).text
                if lang in texts and texts[lang] != latest.texts.get(lang)
                else latest.texts.get(lang, "")
                for lang in ("ja", "en")
            }
            verdict = await latest_verdict(session, incident.id)
            current = await latest_answers(session, incident.id)
            answers = {**current, "discovered_at": incident.discovered_at.isoformat()}
            findings = {
                lang: _findings(text, lang, answers, verdict.data if verdict else None)
                for lang, text in merged.items()
            }
            return await self._add_statement(
                session,
                incident,
                merged,
                findings,
                latest.next_update_at,
                actor,
                now,
                latest.verdict_version,
                kind=EventKind.STATEMENT_EDITED,
            )

    async def _add_statement(
        self,
        session: AsyncSession,
        incident: Incident,
        texts: dict[str, str],
        findings: dict[str, Any],
        next_update: datetime | None,
        actor: str,
        now: datetime,
        verdict_version: int | None,
        *,
        kind: EventKind,
    ) -> Statement:
        latest = await latest_statement(session, incident.id)
        if latest is not None and latest.status in (
            StatementStatus.DRAFT,
            StatementStatus.CHANGES_REQUESTED,
        ):
            latest.status = StatementStatus.SUPERSEDED
        statement = Statement(
            incident_id=incident.id,
            version=(latest.version + 1) if latest else 1,
            verdict_version=verdict_version,
            status=StatementStatus.DRAFT,
            texts=texts,
            findings=findings,
            next_update_at=next_update,
            author=actor,
            created_at=now,
        )
        session.add(statement)
        await session.flush()
        voided = (
            len(latest.approvals)
            if latest is not None and latest.status != StatementStatus.APPROVED
            else 0
        )
        await self.ledger.append(
            session,
            incident,
            kind,
            actor,
            {
                "version": statement.version,
                "texts": texts,
                "findings": sum(len(f) for f in findings.values()),
                "voided_approvals": voided,
            },
            now,
        )
        return statement

    def approvals_needed(self, severity: str | None) -> int:
        return 2 if severity == "SEV1" else 1

    async def _statement_for_lead(
        self,
        session: AsyncSession,
        incident_id: int,
        version: int,
        actor: str,
        groups: Sequence[str],
    ) -> tuple[Incident, Statement]:
        """The latest statement, if `version` is it and `actor` is a PR lead; else refuses."""
        if not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        incident = await self.ledger.lock(session, incident_id, open_only=True)
        statement = await latest_statement(session, incident.id)
        if statement is None or statement.version != version:
            raise ServiceError("stale_version", f"version {version} is not the latest")
        return incident, statement

    async def approve(
        self, incident_id: int, version: int, approver: str, groups: Sequence[str] = ()
    ) -> ApprovalResult:
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident, statement = await self._statement_for_lead(
                session, incident_id, version, approver, groups
            )
            needed = self.approvals_needed(incident.severity)
            if any(a.approver == approver for a in statement.approvals):
                return ApprovalResult(statement, False, True, needed)
            if statement.status == StatementStatus.APPROVED:
                return ApprovalResult(statement, False, True, needed)
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
                    "version": version,
                    "approvals": count,
                    "needed": needed,
                    "final": approved,
                },
                now,
            )
            if approved:
                await self.ledger.append(
                    session,
                    incident,
                    EventKind.STATEMENT_PUBLISHED,
                    approver,
                    {
                        "version": version,
                        "approvers": [a.approver for a in statement.approvals],
                        "next_update_at": statement.next_update_at.isoformat()
                        if statement.next_update_at
                        else None,
                    },
                    now,
                )
            return ApprovalResult(statement, approved, False, needed)

    async def request_changes(
        self, incident_id: int, version: int, actor: str, comment: str, groups: Sequence[str] = ()
    ) -> Statement:
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident, statement = await self._statement_for_lead(
                session, incident_id, version, actor, groups
            )
            statement.status = StatementStatus.CHANGES_REQUESTED
            await self.ledger.append(
                session,
                incident,
                EventKind.STATEMENT_CHANGES_REQUESTED,
                actor,
                {"version": version, "comment": mask(comment).text},
                now,
            )
            return statement


def _findings(
    text: str, lang: str, answers: dict[str, Any], verdict: dict[str, Any] | None
) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code,
            "level": f.level,
            "ja": f.message_ja,
            "en": f.message_en,
            "excerpt": f.excerpt,
        }
        for f in check_statement(text, lang, answers=answers, verdict=verdict)
    ]
