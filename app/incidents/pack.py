"""The notice series and the pack drafted from it: what the next report would say changed, and
(once a report is approved) its pieces — the social post, the letter to the people concerned,
the internal Q&A — each a statement of its own kind, approved like the notice.

Pieces are drafted from the APPROVED notice in the transaction of its final approval (and again
for every later report), checked against it (app.statements.pack), and go on the timeline with
their kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.ledger import Ledger
from app.incidents.reads import last_approved_notice
from app.incidents.snapshot import Snapshot
from app.incidents.statements import BOT, Statements, facts_of, finding_json
from app.models import Incident, Statement, Verdict
from app.statements.gate import follows_verdict
from app.statements.series import update_points
from app.vocabulary import EventKind, StatementKind, StatementStatus


@dataclass(frozen=True)
class NextReport:
    """The report a room can offer next: its number and what changed since the last one."""

    series: int
    points: tuple[str, ...]


class Pack:
    """The series' next report and the pieces of each approved one."""

    def __init__(self, ledger: Ledger, statements: Statements) -> None:
        self.ledger = ledger
        self.statements = statements

    async def next_report(self, snap: Snapshot, lang: str) -> NextReport | None:
        """What changed in the facts since the last approved report, when nothing else offers
        the next one: no later draft exists and the verdict did not change (a changed verdict's
        note in the room offers it). None when there is nothing to offer (decided from `snap`,
        without a read)."""
        latest, approved, verdict = snap.statement, snap.approved, snap.verdict
        if latest is None or approved is None or latest.id != approved.id or verdict is None:
            return None
        if verdict.version != approved.verdict_version:
            return None
        async with self.ledger.reads() as session:
            report = await self.statements.last_report(session, snap.incident.id)
        assert report is not None
        tz = self.ledger.config.tz
        current = facts_of(snap.incident, snap.values)
        points = update_points(report.facts, report.verdict, current, verdict.data, lang, tz)
        return NextReport(approved.series + 1, tuple(points)) if points else None

    def edit_overtaken(self, snap: Snapshot, lang: str) -> tuple[str, ...]:
        """What changed in the facts since the draft was written, in the words of the series'
        update points (empty when nothing did), for a draft the facts do not rewrite: a PR
        lead's edit or redraft, or one that has approvals already. The bot's own unapproved
        draft follows the facts (`Statements.follow`), an approved notice is offered the next
        report, and a draft behind the verdict is offered a redraft by the verdict's change
        note; such a draft is left as it is, so the room tells its PR leads instead."""
        latest, verdict = snap.statement, snap.verdict
        if latest is None or verdict is None or latest.facts is None:
            return ()
        if latest.status not in (StatementStatus.DRAFT, StatementStatus.CHANGES_REQUESTED):
            return ()
        if follows_verdict(latest.status, len(latest.approvals), latest.author, BOT):
            return ()
        if latest.verdict_version != verdict.version:
            return ()
        current = facts_of(snap.incident, snap.values)
        tz = self.ledger.config.tz
        return tuple(update_points(latest.facts, verdict.data, current, verdict.data, lang, tz))

    # ----- the pieces ---------------------------------------------------------------------------

    async def draft(
        self,
        session: AsyncSession,
        incident: Incident,
        notice: Statement,
        verdict: Verdict,
        current: dict[str, Any],
        now: datetime,
    ) -> list[Statement]:
        """Each piece the verdict calls for, drafted from the approved `notice` (both
        languages) with the checker's findings, as a new version of its kind."""
        from app.statements import pack

        config = self.ledger.config
        answers = facts_of(incident, current)
        drafted = []
        for kind in pack.pieces_for(answers, verdict.data):
            texts = {
                lang: pack.draft_piece(
                    kind,
                    notice=notice.texts.get(lang, ""),
                    answers=answers,
                    verdict=verdict.data,
                    company=config.company,
                    lang=lang,
                    now=now,
                    tz=config.tz,
                )
                for lang in ("ja", "en")
            }
            findings = self.check(kind, texts, notice, answers, now)
            drafted.append(
                await self.statements.add_statement(
                    session,
                    incident,
                    texts,
                    findings,
                    None,
                    BOT,
                    now,
                    notice.verdict_version,
                    kind=EventKind.STATEMENT_DRAFTED,
                    statement_kind=kind,
                    series=notice.series,
                    facts=answers,
                )
            )
        return drafted

    def check(
        self,
        kind: str,
        texts: dict[str, str],
        notice: Statement,
        answers: dict[str, Any],
        now: datetime,
    ) -> dict[str, list[dict[str, Any]]]:
        """The consistency check of a piece against the approved notice, per language."""
        from app.statements import pack

        return {
            lang: [
                finding_json(f)
                for f in pack.check_piece(
                    kind,
                    text,
                    notice=notice.texts.get(lang, ""),
                    answers=answers,
                    lang=lang,
                    now=now,
                )
            ]
            for lang, text in texts.items()
        }

    async def findings(
        self,
        session: AsyncSession,
        incident: Incident,
        piece: Statement,
        texts: dict[str, str],
        answers: dict[str, Any],
        now: datetime,
    ) -> dict[str, Any]:
        """A lead's edit of a piece, checked against the notice it was drafted from."""
        notice = await last_approved_notice(session, incident.id)
        if notice is None or piece.kind == StatementKind.NOTICE:
            return {lang: [] for lang in texts}
        return self.check(piece.kind, texts, notice, answers, now)
