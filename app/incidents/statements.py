"""Statements: the holding statement drafted from the verdict and edited by a PR lead, each version
on the timeline — the notice series (after an approved report the next draft is the next report,
opening with what changed since) and, by `kind`, the pieces drafted from it. Until its first
approval the bot's own draft follows each new verdict, and each answer that changes its words,
in place (`app.statements.gate`); the review (changes requested, approvals, the gate,
publication) is `app.incidents.approvals`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.reads import (
    last_approved_notice,
    latest_answers,
    latest_statement,
    latest_verdict,
)
from app.models import Incident, Statement, Verdict
from app.statements import check_statement, default_next_update, draft_statement
from app.statements.gate import (
    follows_verdict,
)
from app.statements.series import update_points, with_updates
from app.vocabulary import EventKind, StatementKind, StatementStatus

if TYPE_CHECKING:  # the pack drafts through this module's writers
    from app.incidents.pack import Pieces

BOT = "leakdesk"
PIECE_UNFILLED = "piece_unfilled"


@dataclass(frozen=True)
class Report:
    """The last approved report of the series: what the next one says changed since."""

    series: int
    at: datetime
    facts: dict[str, Any]
    verdict: dict[str, Any] | None


def facts_of(incident: Incident, current: dict[str, Any]) -> dict[str, Any]:
    """The answers a text is drafted from, with the time of awareness."""
    return {**current, "discovered_at": incident.discovered_at.isoformat()}


class Statements:
    """Drafts, edits and approvals; only PR leads may change or approve public words."""

    def __init__(self, ledger: Ledger, pieces: Pieces | None = None) -> None:
        self.ledger = ledger
        self.pieces = pieces

    def draft_texts(
        self,
        incident: Incident,
        verdict: Verdict,
        current: dict[str, Any],
        now: datetime,
        previous: Report | None = None,
        *,
        next_update: datetime | None = None,
    ) -> tuple[dict[str, str], datetime]:
        """The notice in both languages; after an approved report (`previous`), the next one,
        numbered (第2報) and opening with what changed since it (「前回からの更新点」).
        `next_update`: the time it promises (else the severity's default from `now`)."""
        config = self.ledger.config
        answers = facts_of(incident, current)
        next_update = next_update or default_next_update(verdict.severity, now, config.tz)
        series = previous.series + 1 if previous is not None else 1
        texts = {}
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
                edition=series,
            )
            text = draft.text
            if previous is not None:
                points = update_points(
                    previous.facts, previous.verdict, answers, verdict.data, lang, config.tz
                )
                text = with_updates(text, points, previous.at, lang, config.tz)
            texts[lang] = text
        return texts, next_update

    async def last_report(self, session: AsyncSession, incident_id: int) -> Report | None:
        """The last approved report (a new draft is the one after it), with what it said."""
        previous = await last_approved_notice(session, incident_id)
        if previous is None:
            return None
        found = await session.execute(
            select(Verdict).where(
                Verdict.incident_id == incident_id,
                Verdict.version == (previous.verdict_version or 1),
            )
        )
        verdict = found.scalar_one_or_none()
        # A report drafted before the series kept no facts of its own: its verdict's answers.
        facts = previous.facts if previous.facts is not None else None
        if facts is None:
            facts = dict(verdict.answers) if verdict is not None else {}
        data = verdict.data if verdict is not None else None
        return Report(previous.series, previous.approved_at, facts, data)

    async def add_draft(
        self,
        session: AsyncSession,
        incident: Incident,
        verdict: Verdict,
        current: dict[str, Any],
        actor: str,
        now: datetime,
        *,
        first: bool = False,
    ) -> Statement:
        """A new draft from `verdict`, in the caller's transaction (the incident is locked):
        after an approved report, the next one in the series (`first`: the incident's first
        verdict, before which nothing was drafted: there is nothing to read)."""
        previous = None if first else await self.last_report(session, incident.id)
        texts, next_update = self.draft_texts(incident, verdict, current, now, previous)
        return await self.add_statement(
            session,
            incident,
            texts,
            _notice_findings(
                texts, facts_of(incident, current), verdict, now, self.ledger.config.tz
            ),
            next_update,
            actor,
            now,
            verdict.version,
            kind=EventKind.STATEMENT_DRAFTED,
            series=previous.series + 1 if previous is not None else 1,
            facts=facts_of(incident, current),
            first=first,
        )

    async def follow(
        self,
        session: AsyncSession,
        incident: Incident,
        verdict: Verdict,
        current: dict[str, Any],
        now: datetime,
        *,
        reissued: bool,
    ) -> Statement | None:
        """Rewrites the bot's own unapproved draft in place (same version), so nobody approves
        words the facts have overtaken; a PR lead's edit is left to them. For a re-issued verdict
        (`reissued`) always; for an answer that leaves the verdict as it is (the cause, the
        police consulted, the data found on a leak site) when its words change, keeping the
        next update it promised: a draft that still said "we are investigating whether data was
        taken" once the data is on a leak site would be approved as written."""
        latest = await latest_statement(session, incident.id)
        if latest is None or not follows_verdict(
            latest.status, len(latest.approvals), latest.author, BOT
        ):
            return None
        facts = facts_of(incident, current)
        if not reissued and latest.facts == facts:
            return None
        # A draft of the first report has no approved report before it to read.
        previous = None if latest.series == 1 else await self.last_report(session, incident.id)
        kept = None if reissued else latest.next_update_at
        texts, next_update = self.draft_texts(
            incident, verdict, current, now, previous, next_update=kept
        )
        if not reissued and texts == latest.texts:
            return None
        findings = _notice_findings(texts, facts, verdict, now, self.ledger.config.tz)
        latest.texts, latest.findings = texts, findings
        latest.next_update_at, latest.verdict_version = next_update, verdict.version
        latest.facts = facts
        await self.ledger.append(
            session,
            incident,
            EventKind.STATEMENT_DRAFTED,
            BOT,
            {
                "kind": latest.kind,
                "series": latest.series,
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
        kind: str = StatementKind.NOTICE,
    ) -> Statement:
        """A PR lead's edit of `version` (the one the editor was opened on): a new version that
        voids every earlier approval. An edit of a version that is no longer the latest is
        refused, as an approval is: saving it would silently overwrite the newer text."""
        if not self.ledger.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            latest = await latest_statement(session, incident.id, kind)
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
            findings = await self.findings_for(
                session, incident, latest, merged, current, verdict, now
            )
            return await self.add_statement(
                session,
                incident,
                merged,
                findings,
                latest.next_update_at,
                actor,
                now,
                latest.verdict_version,
                kind=EventKind.STATEMENT_EDITED,
                statement_kind=latest.kind,
                series=latest.series,
                facts=latest.facts,
            )

    async def findings_for(
        self,
        session: AsyncSession,
        incident: Incident,
        statement: Statement,
        texts: dict[str, str],
        current: dict[str, Any],
        verdict: Verdict | None,
        now: datetime,
    ) -> dict[str, Any]:
        """The checker's findings on edited texts (a piece is held to the approved notice)."""
        answers = facts_of(incident, current)
        if statement.kind != StatementKind.NOTICE and self.pieces is not None:
            return await self.pieces.findings(session, incident, statement, texts, answers, now)
        return _notice_findings(texts, answers, verdict, now, self.ledger.config.tz)

    async def add_statement(
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
        statement_kind: str = StatementKind.NOTICE,
        series: int = 1,
        facts: dict[str, Any] | None = None,
        first: bool = False,
    ) -> Statement:
        latest = None if first else await latest_statement(session, incident.id, statement_kind)
        if latest is not None and latest.status in (
            StatementStatus.DRAFT,
            StatementStatus.CHANGES_REQUESTED,
        ):
            latest.status = StatementStatus.SUPERSEDED
        statement = Statement(
            incident_id=incident.id,
            kind=statement_kind,
            series=series,
            facts=facts,
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
        await session.flush()  # (with what the transaction changed before: its rows come first)
        voided = (
            len(latest.approvals)
            if latest is not None and latest.status != StatementStatus.APPROVED
            else 0
        )
        # Its event changes nothing else: Core statements (one on PostgreSQL), no flush at commit.
        await self.ledger.append_now(
            session,
            incident,
            kind,
            actor,
            {
                "kind": statement.kind,
                "series": statement.series,
                "version": statement.version,
                "texts": texts,
                "findings": sum(len(f) for f in findings.values()),
                "voided_approvals": voided,
            },
            at=now,
        )
        return statement


def _notice_findings(
    texts: dict[str, str],
    answers: dict[str, Any],
    verdict: Verdict | None,
    now: datetime,
    tz: str,
) -> dict[str, list[dict[str, Any]]]:
    """The checker's findings on a notice's texts, per language."""
    data = verdict.data if verdict else None
    return {
        lang: [
            finding_json(f)
            for f in check_statement(text, lang, answers=answers, verdict=data, now=now, tz=tz)
        ]
        for lang, text in texts.items()
    }


def finding_json(finding: Any) -> dict[str, Any]:
    """A checker's finding as a statement stores it (both languages' messages)."""
    return {
        "code": finding.code,
        "level": finding.level,
        "ja": finding.message_ja,
        "en": finding.message_en,
        "excerpt": finding.excerpt,
    }
