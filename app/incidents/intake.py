"""Intake: a report becomes an incident — recorded by the ack, taken by the worker (storm check
first: a probable repeat joins the open incident instead), or opened at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Update, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import NotFound, ServiceError
from app.incidents.ledger import Ledger, dialect
from app.incidents.masking import Masked, mask
from app.incidents.reports import Report
from app.incidents.similarity import WINDOW as STORM_WINDOW
from app.incidents.similarity import Candidate, CandidateCache, same_leak
from app.incidents.timeline import GENESIS
from app.models import (
    Incident,
    IncidentStatus,
    TimelineEvent,
    WorkItem,
    WorkStatus,
)
from app.vocabulary import EventKind
from app.work.queue import WorkSpec, add_work


class Intake:
    """Opening incidents from reports, the storm check, and later reporters joining."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._storm_cache = CandidateCache()

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
        self._remember(incident)
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
    ) -> Masked:
        """The acknowledgement's one write: the report (masked), as a work row of `kind` whose
        handler calls `take_report`. One INSERT, nothing read: the floor for an ack that loses
        nothing, whatever the storm check and the incident will cost."""
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
            await session.execute(
                _INSERT_WORK,
                {
                    "kind": kind,
                    "payload": report.payload(),
                    "due_at": now,
                    "max_attempts": self.ledger.config.max_attempts,
                    "created_at": now,
                },
            )
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
        async with self.ledger.write() as session:
            same = None
            if not (report.drill or report.separate):
                # Reports of one workspace are taken one at a time, so two of the same leak
                # cannot both miss the other (SQLite's BEGIN IMMEDIATE already serialises).
                if dialect(session) == "postgresql":
                    await session.execute(_REPORT_LOCK, {"key": f"report:{report.workspace_id}"})
                found = await self._similar(
                    session, report.title, report.source.get("link"), report.workspace_id, now
                )
                if found is not None:  # (closed since? then this fails, and the retry opens)
                    same = await self.ledger.lock(session, found, open_only=True)
            if same is not None:
                await self._similar_report(session, same, report, now)
            incident = same or await self._open(
                session, report, now, discovered_at=report.reported_at
            )
            for spec in replies(incident, same is None):
                add_work(session, spec, incident_id=None, now=now)
            taken = await session.execute(
                fence.values(incident_id=incident.id, payload={"taken": incident.key})
            )
            if taken.rowcount != 1:
                raise ServiceError("lost_claim", "another worker took this report over")
        if same is None:
            self._remember(incident)
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
    ) -> Incident:
        """The incident of a (masked) report, its first timeline event and the work it implies."""
        number = await self.ledger.next_counter(
            session, f"{'drill' if report.drill else 'leak'}:{now.year}"
        )
        prefix = "DRILL" if report.drill else "LEAK"
        incident = Incident(
            key=f"{prefix}-{now.year}-{number:04d}",
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
        data = {
            "title": incident.title,
            "reporter": report.reporter,
            "platform": report.platform,
            "drill": report.drill,
            "discovered_at": incident.discovered_at.isoformat(),
        }
        if report.masked:
            data["masked"] = list(report.masked)
        # The first event is chained before the row is written: one INSERT, no UPDATE.
        opened = self.ledger.chain(incident, EventKind.INCIDENT_OPENED, report.reporter, data, now)
        session.add(incident)
        await session.flush()
        await self.ledger.record(session, incident, opened)
        return incident

    def _remember(self, incident: Incident) -> None:
        """The next report's storm check need not read this incident back."""
        if not incident.is_drill:
            self._storm_cache.put(
                incident.id,
                Candidate(
                    incident.id, incident.title, incident.created_at, incident.source.get("link")
                ),
            )

    async def similar_open_incident(
        self, title: str, link: str | None, workspace_id: str | None
    ) -> Incident | None:
        """An open incident this report probably repeats (a report storm), or None."""
        async with self.ledger.reads() as session:
            found = await self._similar(
                session, mask(title).text, link, workspace_id, self.ledger.clock()
            )
            return await session.get(Incident, found) if found else None

    async def _similar(
        self,
        session: AsyncSession,
        title: str,
        link: str | None,
        workspace_id: str | None,
        now: datetime,
    ) -> int | None:
        """The id of the open incident a (masked) report probably repeats, or None."""
        query = _RECENT_OPEN_IDS if workspace_id else _RECENT_OPEN_IDS_ANY_WORKSPACE
        params: dict[str, Any] = {"since": now - STORM_WINDOW}
        if workspace_id:
            params["workspace"] = workspace_id
        recent = (await session.execute(query, params)).scalars().all()
        missing = [incident_id for incident_id in recent if incident_id not in self._storm_cache]
        if missing:  # titles never change while open: read (and decrypt) each one once
            rows = await session.execute(
                select(Incident.id, Incident.title, Incident.source, Incident.created_at).where(
                    Incident.id.in_(missing)
                )
            )
            for incident_id, incident_title, source, created_at in rows.all():
                self._storm_cache.put(
                    incident_id,
                    Candidate(incident_id, incident_title, created_at, (source or {}).get("link")),
                )
        candidates = [c for incident_id in recent if (c := self._storm_cache.get(incident_id))]
        found = same_leak(title, link, candidates, now, window=STORM_WINDOW)
        return found.incident_id if found else None

    async def _similar_report(
        self, session: AsyncSession, incident: Incident, report: Report, now: datetime
    ) -> int:
        """Puts a probable repeat on the open incident's timeline (the room is asked to let its
        reporter in); returns the event's seq, which the reporter's offer carries."""
        event = await self.ledger.append(
            session,
            incident,
            EventKind.REPORT_SIMILAR,
            report.reporter,
            {
                "reporter": report.reporter,
                "report": report.title,
                "link": report.source.get("link"),
            },
            now,
        )
        return event.seq

    async def note_similar_report(
        self,
        incident_id: int,
        *,
        title: str,
        reporter_id: str,
        platform: str,
        workspace_id: str | None = None,
        link: str | None = None,
    ) -> int:
        """A probable repeat reported where it is handled at once (Teams): on the open
        incident's timeline, like a recorded one the worker takes."""
        now = self.ledger.clock()
        report = masked_report(
            title, reporter_id, platform, workspace_id, {"link": link}, drill=False, at=now
        )
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            return await self._similar_report(session, incident, report, now)

    async def similar_report(self, incident_id: int, seq: int, user: str) -> Report:
        """The report a later reporter made (event `seq` of the incident they were offered), to
        open it separately: only its own reporter may, and nothing of the incident is shown."""
        async with self.ledger.reads() as session:
            event = (
                await session.execute(
                    select(TimelineEvent).where(
                        TimelineEvent.incident_id == incident_id,
                        TimelineEvent.seq == seq,
                        TimelineEvent.kind == EventKind.REPORT_SIMILAR,
                    )
                )
            ).scalar_one_or_none()
        data = (event.data or {}) if event is not None else {}
        if event is None or data.get("reporter") != user:
            raise NotFound(f"report {incident_id}/{seq}")
        return Report(
            title=str(data.get("report") or ""),
            reporter=user,
            platform="",
            workspace_id=None,
            source={"link": data.get("link")},
            reported_at=event.at,
            separate=True,
        )

    async def admit(self, incident_id: int, user: str, actor: str) -> Incident:
        """Someone in the room lets a later reporter of the same leak in. The adapter has
        checked that `actor` pressed it in the incident's own room; the service checks that
        `user` reported this leak (a `report.similar` on its timeline) and is not in yet."""
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            rows = await session.execute(
                select(TimelineEvent.kind, TimelineEvent.data).where(
                    TimelineEvent.incident_id == incident_id,
                    TimelineEvent.kind.in_(("report.similar", "reporter.joined")),
                )
            )
            events = [(kind, data or {}) for kind, data in rows.all()]
            if any(kind == "reporter.joined" and d.get("user") == user for kind, d in events):
                raise ServiceError("already_joined", incident.key)
            reports = [d for kind, d in events if kind == "report.similar"]
            theirs = [d for d in reports if d.get("reporter") == user]
            if not theirs or actor == user:
                raise NotFound(f"report of {user} on {incident.key}")
            await self.ledger.append(
                session,
                incident,
                EventKind.REPORTER_JOINED,
                actor,
                {"user": user, "admitted_by": actor, "report": theirs[-1].get("report", "")},
            )
            return incident


def masked_report(
    title: str,
    reporter_id: str,
    platform: str,
    workspace_id: str | None,
    source: dict[str, Any] | None,
    *,
    drill: bool,
    at: datetime,
    separate: bool = False,
) -> Report:
    """A report as it may be stored: its title and source passed through the masker."""
    masked = mask(title.strip())
    return Report(
        title=masked.text,
        reporter=reporter_id,
        platform=platform,
        workspace_id=workspace_id,
        drill=drill,
        separate=separate,
        source={k: mask(v).text if isinstance(v, str) else v for k, v in (source or {}).items()},
        masked=masked.kinds,
        reported_at=at,
    )


# Built once: the acknowledgement path runs these for every report.
_RECENT_OPEN_IDS_ANY_WORKSPACE = (
    select(Incident.id)
    .where(
        Incident.status == IncidentStatus.OPEN,
        Incident.is_drill.is_(False),
        Incident.created_at >= bindparam("since"),
    )
    .order_by(Incident.id.desc())
    .limit(200)
)
_RECENT_OPEN_IDS = _RECENT_OPEN_IDS_ANY_WORKSPACE.where(
    Incident.workspace_id == bindparam("workspace")
)
_INSERT_WORK = insert(WorkItem).values(
    kind=bindparam("kind"),
    payload=bindparam("payload", type_=WorkItem.__table__.c.payload.type),
    due_at=bindparam("due_at"),
    status=WorkStatus.PENDING,
    attempts=0,
    max_attempts=bindparam("max_attempts"),
    created_at=bindparam("created_at"),
)
_REPORT_LOCK = select(func.pg_advisory_xact_lock(func.hashtext(bindparam("key"))))
