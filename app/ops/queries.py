"""Read-only queries the ops pages, API and exports need beyond the incident service's readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.models import Answer, Incident, Statement, Verdict


@dataclass(frozen=True)
class IncidentFilter:
    status: str | None = None
    severity: str | None = None
    drill: bool | None = None
    workspace_id: str | None = None
    opened_from: datetime | None = None
    opened_before: datetime | None = None


def day_range(
    first: date | None, last: date | None, tz: str
) -> tuple[datetime | None, datetime | None]:
    """Whole local days `first`..`last` (inclusive) as a half-open range of aware datetimes."""
    zone = ZoneInfo(tz)
    start = datetime.combine(first, time(), zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
    return start, end


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Incident, Verdict | None]]
    next_cursor: int | None


async def list_incidents(
    sessions: async_sessionmaker[AsyncSession],
    where: IncidentFilter,
    *,
    cursor: int | None = None,
    limit: int = 50,
) -> Page:
    """Incidents by id, newest first, `limit` at a time after `cursor` (an id), with their verdict."""
    query = select(Incident).order_by(Incident.id.desc()).limit(limit + 1)
    if where.status:
        query = query.where(Incident.status == where.status)
    if where.severity:
        query = query.where(Incident.severity == where.severity)
    if where.drill is not None:
        query = query.where(Incident.is_drill.is_(where.drill))
    if where.workspace_id:
        query = query.where(Incident.workspace_id == where.workspace_id)
    if where.opened_from:
        query = query.where(Incident.created_at >= where.opened_from)
    if where.opened_before:
        query = query.where(Incident.created_at < where.opened_before)
    if cursor is not None:
        query = query.where(Incident.id < cursor)
    async with sessions() as session:
        incidents = list((await session.execute(query)).scalars())
        more = len(incidents) > limit
        incidents = incidents[:limit]
        verdicts = await latest_verdicts(session, [i.id for i in incidents])
    return Page(
        [(i, verdicts.get(i.id)) for i in incidents],
        incidents[-1].id if more and incidents else None,
    )


async def latest_verdicts(session: AsyncSession, ids: Sequence[int]) -> dict[int, Verdict]:
    if not ids:
        return {}
    rows = await session.execute(
        select(Verdict).where(Verdict.incident_id.in_(ids)).order_by(Verdict.version)
    )
    return {v.incident_id: v for v in rows.scalars()}


async def answers(sessions: async_sessionmaker[AsyncSession], incident_id: int) -> list[Answer]:
    """Every answer ever given, in order (the latest per field is the current one)."""
    async with sessions() as session:
        rows = await session.execute(
            select(Answer).where(Answer.incident_id == incident_id).order_by(Answer.id)
        )
        return list(rows.scalars())


async def statements(
    sessions: async_sessionmaker[AsyncSession], incident_id: int
) -> list[Statement]:
    """Every statement version with its approvals, oldest first."""
    async with sessions() as session:
        rows = await session.execute(
            select(Statement)
            .where(Statement.incident_id == incident_id)
            .order_by(Statement.version)
        )
        return list(rows.scalars())


CLOCKS: tuple[tuple[str, str], ...] = (
    ("appi", "preliminary_target"),
    ("appi", "preliminary_due"),
    ("appi", "final_due"),
    ("gdpr", "authority_due"),
)


def clocks(verdict: dict[str, Any] | None) -> list[tuple[str, datetime]]:
    """The verdict's legal due dates, as (name, when), soonest first."""
    if not verdict:
        return []
    found = []
    for section, name in CLOCKS:
        value = (verdict.get(section) or {}).get(name)
        if value:
            found.append((f"{section}.{name}", datetime.fromisoformat(value)))
    return sorted(found, key=lambda pair: pair[1])


def next_deadline(
    incident: Incident, verdict: Verdict | None, now: datetime
) -> tuple[str, datetime] | None:
    """The first legal due date still ahead of an open incident."""
    if incident.status != "open" or verdict is None:
        return None
    return next(((n, at) for n, at in clocks(verdict.data) if at >= now), None)
