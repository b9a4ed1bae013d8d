"""Statements: the holding statement drafted from the verdict and edited by a PR lead, each version
on the timeline. Until its first approval the bot's own draft follows each new verdict in place
(`app.statements.gate`); the review (changes requested, approvals, the gate, publication) is
`app.incidents.approvals`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.reads import latest_answers, latest_statement, latest_verdict
from app.models import Incident, Statement, Verdict
from app.statements import check_statement, default_next_update, draft_statement
from app.statements.gate import follows_verdict
from app.vocabulary import EventKind, StatementStatus

BOT = "leakdesk"


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
            findings[lang] = _findings(draft.text, lang, answers, verdict.data, now, config.tz)
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

    async def follow_verdict(
        self,
        session: AsyncSession,
        incident: Incident,
        verdict: Verdict,
        current: dict[str, Any],
        now: datetime,
    ) -> Statement | None:
        """A re-issued verdict rewrites the bot's own unapproved draft in place (same version), so
        nobody approves words the facts have overtaken; a PR lead's edit is left to them."""
        latest = await latest_statement(session, incident.id)
        if latest is None or not follows_verdict(
            latest.status, len(latest.approvals), latest.author, BOT
        ):
            return None
        texts, findings, next_update = self.draft_texts(incident, verdict, current, now)
        latest.texts, latest.findings = texts, findings
        latest.next_update_at, latest.verdict_version = next_update, verdict.version
        await self.ledger.append(
            session,
            incident,
            EventKind.STATEMENT_DRAFTED,
            BOT,
            {
                "version": latest.version,
                "texts": texts,
                "findings": sum(len(f) for f in findings.values()),
                "voided_approvals": 0,
                "verdict_version": verdict.version,
                "in_place": True,
            },
            now,
        )
        return latest

    async def redraft(
        self, incident_id: int, actor: str, groups: Sequence[str] = (), *, system: bool = False
    ) -> Statement:
        """A new draft from the current facts: a PR lead's call (it voids the latest version's
        approvals), or the system's (`system`: a drill run from the terminal)."""
        if not system and not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            verdict = await latest_verdict(session, incident.id)
            if verdict is None:
                raise ServiceError("no_verdict")
            current = await latest_answers(session, incident.id)
            return await self.add_draft(session, incident, verdict, current, actor, now)

    async def edit_statement(
        self,
        incident_id: int,
        texts: dict[str, str],
        actor: str,
        groups: Sequence[str] = (),
        *,
        version: int | None = None,
    ) -> Statement:
        """A PR lead's edit of `version` (the one the editor was opened on): a new version that
        voids every earlier approval. An edit of a version that is no longer the latest is
        refused, as an approval is: saving it would silently overwrite the newer text."""
        if not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            latest = await latest_statement(session, incident.id)
            if latest is None:
                raise ServiceError("no_statement")
            if version is not None and latest.version != version:
                raise ServiceError("stale_version", f"version {version} is not the latest")
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
            tz = self.ledger.config.tz
            findings = {
                lang: _findings(text, lang, answers, verdict.data if verdict else None, now, tz)
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


def _findings(
    text: str,
    lang: str,
    answers: dict[str, Any],
    verdict: dict[str, Any] | None,
    now: datetime,
    tz: str,
) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code,
            "level": f.level,
            "ja": f.message_ja,
            "en": f.message_en,
            "excerpt": f.excerpt,
        }
        for f in check_statement(text, lang, answers=answers, verdict=verdict, now=now, tz=tz)
    ]
