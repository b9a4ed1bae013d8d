"""Intake: a report becomes an incident — recorded by the ack, taken by the worker (storm check
first: a probable repeat joins the open incident instead), or opened at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Update, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from app.incidents import opening, rows
from app.incidents.company import FROM_SETTINGS, taken_facts
from app.incidents.ledger import Ledger, dialect
from app.incidents.masking import Masked
from app.incidents.reactions import Event
from app.incidents.reports import Report, masked_report
from app.incidents.storms import Storms
from app.incidents.timeline import GENESIS
from app.models import Incident, IncidentStatus, WorkItem
from app.vocabulary import EventKind
from app.work.queue import WorkSpec


class Intake:
    """Opening incidents from reports, after the storm check (`storms.py`)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.storms = Storms(ledger)
        self._look_first = ledger.sessions.kw["bind"].dialect.name == "sqlite"

    async def open_incident(
        self,
        *,
        title: str,
        reporter_id: str,
        platform: str,
        workspace_id: str | None = None,
        source: dict[str, Any] | None = None,
        is_drill: bool = False,
        discovered_at: datetime | None = None,
        language: str | None = None,
    ) -> tuple[Incident, Masked]:
        """Records a new incident and the work it implies, in one transaction."""
        now = self.ledger.clock()
        report = masked_report(
            title, reporter_id, platform, workspace_id, source, drill=is_drill, at=now
        )
        async with self.ledger.write() as session:
            incident = await self._open(
                session, report, now, discovered_at=discovered_at, language=language
            )
        self.storms.remember(incident)
        return incident, Masked(report.title, report.masked)

    async def record_report(
        self,
        kind: str,
        *,
        title: str,
        reporter_id: str,
        platform: str,
        workspace_id: str | None = None,
        source: dict[str, Any] | None = None,
        is_drill: bool = False,
        separate: bool = False,
        delivery: str | None = None,
    ) -> Masked | None:
        """The acknowledgement's one write: the report (masked), as a work row of `kind` whose
        handler calls `take_report`. One INSERT, nothing read: the floor for an ack that loses
        nothing, whatever the storm check and the incident will cost. With `delivery` (a signed
        request's once-only id) it is the row's dedupe key, and a replay stores nothing and gets
        None: one statement per report, the replay check in it."""
        now = self.ledger.clock()
        report = masked_report(
            title,
            reporter_id,
            platform,
            workspace_id,
            source,
            drill=is_drill,
            separate=separate,
            at=now,
        )
        async with self.ledger.write() as session:
            values = {
                "kind": kind,
                "payload": report.payload(),
                "due_at": now,
                "max_attempts": self.ledger.config.max_attempts,
                "created_at": now,
                "dedupe_key": delivery,  # a replay of the signed request writes no second row
            }
            # (written claimed when this process's worker can take it at once: app.work.at_once)
            if await rows.write_work(session, values, None, once=delivery is not None) is None:
                return None
        return Masked(report.title, report.masked)

    async def take_report(
        self,
        report: Report,
        fence: Update,
        replies: Callable[[Incident, bool], Sequence[WorkSpec]],
    ) -> tuple[Incident, bool]:
        """Turns a recorded report into its incident (True) or, when it probably repeats an open
        one (a report storm), puts it on that incident's timeline (False); `replies(incident,
        opened)` is what the reporter is sent. One transaction, which also updates the report's
        work row through `fence` (the queue's fenced update of the claimed row): a report is
        taken once, even by a worker that dies half-way."""
        now = self.ledger.clock()
        check = not (report.drill or report.separate)
        link, workspace = report.source.get("link"), report.workspace_id
        found, seen = None, 0
        if check and self._look_first:
            # SQLite: the storm check's read goes before the transaction, on a reader: the one
            # writer holds the event loop while it writes (app.sqlite_writer), and this read
            # was a third of the take, which an acknowledgement arriving meanwhile waited for.
            # Inside, only incidents opened since (a higher id) are looked at.
            async with self.ledger.reads() as read:
                found, seen = await self.storms.similar(read, report.title, link, workspace, now)
        async with self.ledger.write() as session:
            same = None
            if check:
                # Reports of one workspace are taken one at a time, so two of the same leak
                # cannot both miss the other (SQLite's BEGIN IMMEDIATE already serialises).
                if dialect(session) == "postgresql":
                    await session.execute(_REPORT_LOCK, {"key": f"report:{workspace}"})
                if found is None:
                    found, _ = await self.storms.similar(
                        session, report.title, link, workspace, now, after=seen
                    )
                if found is not None:  # (closed since? then this fails, and the retry opens)
                    same = await self.ledger.lock(session, found, open_only=True)
            if same is None:
                incident = await self._open(
                    session,
                    report,
                    now,
                    discovered_at=report.reported_at,
                    replies=lambda opened: replies(opened, True),
                    fence=fence,
                )
            else:
                await self.storms.note_report(session, same, report, now)
                for spec in replies(same, False):
                    self.ledger.add_work(session, spec, None, now)
                if (await session.execute(_taken(fence, same))).rowcount != 1:
                    raise opening.lost_claim()
                incident = same
        if same is None:
            self.storms.remember(incident)
        return incident, same is None

    async def rescue_dead_report(
        self, session: AsyncSession, item: WorkItem, now: datetime
    ) -> None:
        """The queue's dead hook for a report's row: an acknowledged report is never lost. Its
        incident is opened as a separate one (whatever failed may have been the storm offer),
        so its room is made and the reporter told; the row then names it (the text leaves it)."""
        report = Report.from_payload(item.payload or {})
        if report is None:
            return
        incident = await self._open(
            session, replace(report, separate=True), now, discovered_at=report.reported_at
        )
        item.incident_id = incident.id
        item.payload = {"taken": incident.key, "rescued": True}

    async def _open(
        self,
        session: AsyncSession,
        report: Report,
        now: datetime,
        *,
        discovered_at: datetime | None = None,
        language: str | None = None,
        replies: Callable[[Incident], Sequence[WorkSpec]] = lambda incident: (),
        fence: Update | None = None,
    ) -> Incident:
        """The incident of a (masked) report, its first timeline event, the company facts it
        takes as answers, the work they imply and the `replies` to its reporter, and (with
        `fence`) the report's own row taken: in Core statements, no unit of work
        (app.incidents.opening). The hooks of its events run after, on the incident as written
        (none of them changes its row)."""
        ledger = self.ledger
        number, drawn, stored = await opening.draw(
            session, f"{'drill' if report.drill else 'leak'}:{now.year}", report.workspace_id
        )
        incident = self._incident(report, number, drawn, now, discovered_at, language)
        facts = taken_facts(ledger.config, stored)
        # Chained before the row is written: the row has its head, and nothing updates it.
        firsts = _first_events(report, incident, facts)
        events, specs = [], []
        for kind, actor, data in firsts:
            events.append(ledger.chained(incident, kind, actor, data, now))
            specs += ledger.reactions(Event(incident, kind, actor, data, now))
        row = {c: getattr(incident, c) for c in opening.INCIDENT_COLUMNS}
        if drawn is None:  # SQLite: the INSERT gives the id
            incident.id = await opening.insert_incident(session, row)

        def work(spec: WorkSpec, incident_id: int | None) -> rows.Row:
            values = rows.work_values(spec, now, ledger.config.max_attempts)
            return rows.work_row(session, values, incident_id)

        works = [work(s, incident.id) for s in specs] + [work(s, None) for s in replies(incident)]
        answers = [
            {
                "incident_id": incident.id,
                "field": field,
                "value": value,
                "actor": FROM_SETTINGS,
                "answered_at": now,
            }
            for field, value in facts.items()
        ]
        await opening.write(
            session,
            opening.Opening(
                row,
                [{"incident_id": incident.id, **event} for event in events],
                answers,
                works,
                _taken(fence, incident) if fence is not None else None,
            ),
        )
        for event, (kind, actor, data) in zip(events, firsts, strict=True):
            incident.timeline_seq, incident.timeline_head = event["seq"], event["hash"]
            for hook in ledger.reactions.hooks(kind):
                await hook(session, Event(incident, kind, actor, data, now))
        make_transient_to_detached(incident)  # as if read back: nothing for a flush to write
        return incident

    def _incident(
        self,
        report: Report,
        number: int,
        drawn: int | None,
        now: datetime,
        discovered_at: datetime | None,
        language: str | None,
    ) -> Incident:
        """The incident of a report, its key from its `number`, not written yet."""
        return opening.new_incident(
            id=drawn,
            key=f"{'DRILL' if report.drill else 'LEAK'}-{now.year}-{number:04d}",
            title=report.title or "(no summary)",
            status=IncidentStatus.OPEN,
            platform=report.platform,
            workspace_id=report.workspace_id,
            reporter_id=report.reporter,
            discovered_at=discovered_at or now,
            is_drill=report.drill,
            language=language or self.ledger.config.language,
            source=report.source,
            created_at=now,
            updated_at=now,
            timeline_seq=0,
            timeline_head=GENESIS,
        )


def _first_events(
    report: Report, incident: Incident, facts: dict[str, Any]
) -> list[tuple[str, str, dict[str, Any]]]:
    """A new incident's first events (kind, actor, data): opened, then the company facts it
    takes (if any) as answers from the settings."""
    data = {
        "title": incident.title,
        "reporter": report.reporter,
        "platform": report.platform,
        "drill": report.drill,
        "discovered_at": incident.discovered_at.isoformat(),
    }
    if report.masked:
        data["masked"] = list(report.masked)
    if report.reported_at is not None:  # the ack's time: response measures start there
        data["reported_at"] = report.reported_at.isoformat()
    firsts = [(EventKind.INCIDENT_OPENED.value, report.reporter, data)]
    if facts:
        answered = {"facts": facts, "source": FROM_SETTINGS}
        firsts.append((EventKind.ANSWERS_FROM_SETTINGS.value, FROM_SETTINGS, answered))
    return firsts


def _taken(fence: Update, incident: Incident) -> Update:
    """The report's row, through the queue's fence, naming the incident it became; its text
    leaves it. (A Core UPDATE on the fence's condition: the ORM's bulk update path costs more
    than the statement.)"""
    return (
        update(rows.WORK)
        .where(fence.whereclause)
        .values(incident_id=incident.id, payload={"taken": incident.key})
    )


# Built once: every report's take runs it on PostgreSQL.
_REPORT_LOCK = select(func.pg_advisory_xact_lock(func.hashtext(bindparam("key"))))
