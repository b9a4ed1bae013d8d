"""Read-only queries the ops pages, API and exports need beyond the incident service's readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.incidents.deadlines import next_deadline
from app.models import Answer, Incident, Statement, Verdict
from app.triage.clocks import legal_clocks


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
    # Bounds past these filter nothing (no incident is older or newer), and at year 1 or 9999 a
    # day in a timezone would overflow datetime when it is moved to UTC.
    start = end = None
    if first and first > EARLIEST:
        start = datetime.combine(min(first, LATEST), time(), zone)
    if last and last < LATEST:
        end = datetime.combine(max(last, EARLIEST) + timedelta(days=1), time(), zone)
    return start, end


EARLIEST, LATEST = date(1970, 1, 2), date(9999, 12, 30)


SORTS = ("opened", "deadline")
MAX_ID = 2**63 - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Incident, Verdict | None]]
    next_cursor: str | None


async def list_incidents(
    sessions: async_sessionmaker[AsyncSession],
    where: IncidentFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
    sort: str = "opened",
) -> Page:
    """Incidents with their verdict, `limit` at a time after `cursor` (the previous page's
    `next_cursor`; one that does not parse starts from the top), either newest first
    (`opened`) or by the earliest legal clock not yet met (`deadline`: overdue first, then
    soonest; incidents with no clock running last, newest first)."""
    query = select(Incident).limit(limit + 1)
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
    by_deadline = sort == "deadline"
    after = _parse_cursor(cursor, by_deadline)
    if by_deadline:
        query = query.order_by(
            Incident.deadline_at.is_(None), Incident.deadline_at, Incident.id.desc()
        )
        if after is not None:
            at, last_id = after
            tail = and_(Incident.deadline_at.is_(None), Incident.id < last_id)
            query = query.where(
                tail
                if at is None
                else or_(
                    Incident.deadline_at > at,
                    and_(Incident.deadline_at == at, Incident.id < last_id),
                    Incident.deadline_at.is_(None),
                )
            )
    else:
        query = query.order_by(Incident.id.desc())
        if after is not None:
            query = query.where(Incident.id < after[1])
    async with sessions() as session:
        incidents = list((await session.execute(query)).scalars())
        more = len(incidents) > limit
        incidents = incidents[:limit]
        verdicts = await latest_verdicts(session, [i.id for i in incidents])
    last = incidents[-1] if more and incidents else None
    return Page([(i, verdicts.get(i.id)) for i in incidents], _cursor(last, by_deadline))


def _cursor(last: Incident | None, by_deadline: bool) -> str | None:
    if last is None:
        return None
    if not by_deadline:
        return str(last.id)
    at = last.deadline_at
    return f"{(at - EPOCH) // MICROSECOND if at else 'n'}.{last.id}"


def _parse_cursor(text: str | None, by_deadline: bool) -> tuple[datetime | None, int] | None:
    """(deadline, id) from a cursor `_cursor` made; None for anything else (the first page)."""
    if not text:
        return None
    if not by_deadline:
        return (None, int(text)) if is_id(text) else None
    head, dot, tail = text.rpartition(".")
    if not dot or not is_id(tail):
        return None
    if head == "n":
        return None, int(tail)
    if not (head.isascii() and head.isdigit()) or len(head) > 17:
        return None
    return EPOCH + int(head) * MICROSECOND, int(tail)


def valid_cursor(text: str, sort: str) -> bool:
    """Whether `text` is a cursor `list_incidents` could have made for `sort`."""
    return _parse_cursor(text, sort == "deadline") is not None


def is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID


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


def clocks(verdict: dict[str, Any] | None) -> list[tuple[str, datetime]]:
    """The verdict's legal dates as (label key under `ops.clock.`, when), soonest first: each
    clock's due date, and the earlier day to aim for where the rules give one."""
    found = []
    for clock in legal_clocks(verdict):
        found.append((clock.name, clock.due))
        if clock.target is not None:
            found.append((f"{clock.name}.target", clock.target))
    return sorted(found, key=lambda pair: pair[1])


def deadline_of(incident: Incident, verdict: Verdict | None) -> tuple[str | None, datetime] | None:
    """The incident's earliest legal clock not yet met (overdue or not) as (clock name, due)."""
    clock = next_deadline(incident, verdict.data if verdict else None)
    return (clock.name or None, clock.due) if clock else None
