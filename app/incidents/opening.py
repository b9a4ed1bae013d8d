"""An incident's opening in Core statements, no unit of work (the report's take holds SQLite's
one writer on the event loop while it writes): the incident's number drawn with the company
facts it takes, then the incident, its first events, those facts as answers, the work rows
they imply and the report's fenced row — one statement on PostgreSQL (data-modifying CTEs; a
work row beyond the first, a reply, is its own, as in `Ledger.append_now`), a statement each
on SQLite."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, func, insert, null, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.rows import (
    ANSWER_COLUMNS,
    ANSWERS,
    EVENT_COLUMNS,
    EVENTS,
    INCIDENTS,
    INSERT_ANSWER,
    INSERT_EVENT,
    INSERT_WORK,
    WORK,
    WORK_COLUMNS,
    Row,
    named,
    prefixed,
    written,
)
from app.models import CompanySetting, Counter, Incident

INCIDENT_COLUMNS = tuple(c.name for c in INCIDENTS.columns)


@dataclass
class Opening:
    """What opening one incident writes: its row (written here on PostgreSQL, with the id
    drawn first; on SQLite first, by `insert_incident`, which gives the id), its events and
    answers in order, its work rows (`rows.work_row`) and the report's fenced UPDATE."""

    incident: Row
    events: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    works: list[Row] = field(default_factory=list)
    fence: Update | None = None


def new_incident(**columns: Any) -> Incident:
    """An incident about to be written, every column set (None where not given)."""
    return Incident(**{**dict.fromkeys(INCIDENT_COLUMNS), **columns})


def _drawing(dialect_insert: Any, next_id: Any) -> Any:
    counters, settings = Counter.__table__, CompanySetting.__table__  # Core: no ORM insert
    facts = select(settings.c.facts).where(settings.c.workspace_id == bindparam("workspace"))
    return (
        dialect_insert(counters)
        .values(name=bindparam("name"), value=1)
        .on_conflict_do_update(
            index_elements=[counters.c.name], set_={"value": counters.c.value + 1}
        )
        .returning(counters.c.value, next_id, facts.scalar_subquery())
    )


# The counter's next value, the incident's id (PostgreSQL: drawn from its sequence, so its rows
# can be written with it in one statement; SQLite: None, its INSERT gives it) and the
# workspace's stored company facts (or None), in one statement.
_DRAW = {
    "sqlite": _drawing(sqlite.insert, null()),
    "postgresql": _drawing(
        postgresql.insert, func.nextval(func.pg_get_serial_sequence("incidents", "id"))
    ),
}
INSERT_INCIDENT = (
    insert(INCIDENTS).values(named(INCIDENTS, INCIDENT_COLUMNS)).returning(INCIDENTS.c.id)
)


async def draw(
    session: AsyncSession, counter: str, workspace_id: str | None
) -> tuple[int, int | None, dict[str, Any] | None]:
    """The next number of `counter`, the new incident's id where it is drawn first (else None)
    and the facts the workspace stored (None if it stored none)."""
    statement = _DRAW[session.get_bind().dialect.name]
    params = {"name": counter, "workspace": workspace_id or ""}
    number, incident_id, facts = (await session.execute(statement, params)).one()
    return int(number), incident_id, facts


async def insert_incident(session: AsyncSession, incident: Row) -> int:
    """SQLite: the incident's row, written first; returns its id for its events and rows."""
    return int((await session.execute(INSERT_INCIDENT, incident)).scalar_one())


async def write(session: AsyncSession, opening: Opening) -> None:
    """Writes the opening (on SQLite the incident's row is already written); raises
    `ServiceError("lost_claim")` when the fence finds the report's row taken over."""
    if session.get_bind().dialect.name == "postgresql":
        await _write_at_once(session, opening)
        return
    await session.execute(INSERT_EVENT, opening.events)
    if opening.answers:
        await session.execute(INSERT_ANSWER, opening.answers)
    for work in opening.works:
        written(session, work, int((await session.execute(INSERT_WORK, work)).scalar_one()))
    if opening.fence is not None:
        taken = (await session.execute(opening.fence)).rowcount
        if taken != 1:
            raise lost_claim()


def lost_claim() -> ServiceError:
    return ServiceError("lost_claim", "another worker took this report over")


async def _write_at_once(session: AsyncSession, opening: Opening) -> None:
    first, more = opening.works[:1], opening.works[1:]
    ctes, ids = _ctes(len(opening.events), len(opening.answers), bool(first))
    taken = null()
    if opening.fence is not None:
        fence = opening.fence.returning(WORK.c.id).cte("taken")
        ctes = (*ctes, fence)
        taken = select(func.count()).select_from(fence).scalar_subquery()
    statement = select(*ids, taken).add_cte(*ctes)
    params = prefixed("i_", opening.incident) | prefixed("w_", first[0] if first else {})
    for prefix, rows in (("e", opening.events), ("a", opening.answers)):
        params.update(_numbered(prefix, rows))
    *row_ids, count = (await session.execute(statement, params)).one()
    if opening.fence is not None and count != 1:
        raise lost_claim()
    for work, row_id in zip(first, row_ids, strict=True):
        written(session, work, int(row_id))
    for work in more:  # (a reply beside the room's row: its own statement, as `append_now`)
        written(session, work, int((await session.execute(INSERT_WORK, work)).scalar_one()))


@cache
def _ctes(events: int, answers: int, work: bool) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """PostgreSQL: the opening's INSERTs as data-modifying CTEs, a row each (a multi-row
    VALUES has no cache key: it would be compiled on every call), with parameters `i_…`, then
    `e0_…` and `a0_…` for each event and answer, and `w_…` for one `work` row (named as
    `rows.written_at_once` names its one); and that row's id."""
    ctes = [_inserted("incident", INCIDENTS, INCIDENT_COLUMNS, "i_")]
    for prefix, table, columns, count in (
        ("e", EVENTS, EVENT_COLUMNS, events),
        ("a", ANSWERS, ANSWER_COLUMNS, answers),
    ):
        ctes += [_inserted(f"{prefix}{n}", table, columns, f"{prefix}{n}_") for n in range(count)]
    if not work:
        return tuple(ctes), ()
    ctes.append(_inserted("work", WORK, WORK_COLUMNS, "w_"))
    return tuple(ctes), (select(ctes[-1].c.id).scalar_subquery(),)


def _inserted(name: str, table: Any, columns: tuple[str, ...], prefix: str) -> Any:
    return insert(table).values(named(table, columns, prefix)).returning(table.c.id).cte(name)


def _numbered(prefix: str, rows: list[Row]) -> Row:
    return {f"{prefix}{n}_{name}": v for n, row in enumerate(rows) for name, v in row.items()}
