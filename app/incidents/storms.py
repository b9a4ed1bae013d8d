"""Report storms: an open incident a new report probably repeats (same link, or a similar title
within the window), the repeat noted on that incident's timeline (its room is asked to let the
reporter in), the reporter's own report given back to open separately, and admitting them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import NotFound, ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.reports import Report, masked_report
from app.incidents.similarity import WINDOW as STORM_WINDOW
from app.incidents.similarity import Candidate, CandidateCache, same_leak
from app.models import Incident, IncidentStatus, TimelineEvent
from app.vocabulary import EventKind


class Storms:
    """The storm check and later reporters joining; the open incidents' titles cached once."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._cache = CandidateCache()

    def remember(self, incident: Incident) -> None:
        """The next report's storm check need not read this incident back."""
        if not incident.is_drill:
            self._cache.put(
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
            found, _ = await self.similar(
                session, mask(title).text, link, workspace_id, self.ledger.clock()
            )
            return await session.get(Incident, found) if found else None

    async def similar(
        self,
        session: AsyncSession,
        title: str,
        link: str | None,
        workspace_id: str | None,
        now: datetime,
        *,
        after: int = 0,
    ) -> tuple[int | None, int]:
        """The id of the open incident a (masked) report probably repeats, or None, and the
        newest incident id it looked at (`after` if none: with `after`, only incidents newer
        than that are looked at). An incident opened later has a higher id, so a second look
        can be at those alone."""
        query = _RECENT_OPEN_IDS if workspace_id else _RECENT_OPEN_IDS_ANY_WORKSPACE
        params: dict[str, Any] = {"since": now - STORM_WINDOW, "after": after}
        if workspace_id:
            params["workspace"] = workspace_id
        recent = (await session.execute(query, params)).scalars().all()
        missing = [incident_id for incident_id in recent if incident_id not in self._cache]
        if missing:  # titles never change while open: read (and decrypt) each one once
            rows = await session.execute(
                select(Incident.id, Incident.title, Incident.source, Incident.created_at).where(
                    Incident.id.in_(missing)
                )
            )
            for incident_id, incident_title, source, created_at in rows.all():
                self._cache.put(
                    incident_id,
                    Candidate(incident_id, incident_title, created_at, (source or {}).get("link")),
                )
        candidates = [c for incident_id in recent if (c := self._cache.get(incident_id))]
        found = same_leak(title, link, candidates, now, window=STORM_WINDOW)
        return (found.incident_id if found else None), max(recent, default=after)

    async def note_report(
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
            return await self.note_report(session, incident, report, now)

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


# Built once: the acknowledgement path runs these for every report.
_RECENT_OPEN_IDS_ANY_WORKSPACE = (
    select(Incident.id)
    .where(
        Incident.status == IncidentStatus.OPEN,
        Incident.is_drill.is_(False),
        Incident.created_at >= bindparam("since"),
        Incident.id > bindparam("after"),
    )
    .order_by(Incident.id.desc())
    .limit(200)
)
_RECENT_OPEN_IDS = _RECENT_OPEN_IDS_ANY_WORKSPACE.where(
    Incident.workspace_id == bindparam("workspace")
)
