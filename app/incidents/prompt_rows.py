"""The follow-ups a plan adds and the work rows that post them, in Core statements with every id
drawn first: a work row's payload names its follow-up and the follow-up names its work row
(`work_id`), so neither waits for the other's INSERT and no UPDATE links them after (three a
verdict, with the unit of work around them, in the load test). PostgreSQL draws the ids from
the tables' sequences and writes the rows in one statement (data-modifying CTEs); SQLite, whose
writer holds the write lock from BEGIN IMMEDIATE, takes the ids after the largest written and
writes each table in one statement."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.rows import WORK, WORK_COLUMNS, Row, named, written
from app.models import Followup, WorkItem

FOLLOWUPS = Followup.__table__
FOLLOWUP_COLUMNS = tuple(c.name for c in FOLLOWUPS.columns)  # the id included: drawn first
WORK_WITH_ID = ("id", *WORK_COLUMNS)


def new_followup(**columns: Any) -> Followup:
    """A follow-up about to be written by `write`, every column set (None where not given)."""
    return Followup(**{**dict.fromkeys(FOLLOWUP_COLUMNS), "snoozes": 0, **columns})


def _serial(table: Any) -> Any:
    return func.nextval(func.pg_get_serial_sequence(table.name, "id"))


_step = func.generate_series(1, bindparam("works")).column_valued("n")
# PostgreSQL: a row per work row, with its id and, for the first `followups` rows, a
# follow-up's id (a CASE evaluates nextval only where it is taken).
_DRAW_SERIAL = select(case((_step <= bindparam("followups"), _serial(FOLLOWUPS))), _serial(WORK))
# SQLite: the largest ids written (its INSERTs would take the next ones too).
_LAST_IDS = select(
    select(func.coalesce(func.max(FOLLOWUPS.c.id), 0)).scalar_subquery(),
    select(func.coalesce(func.max(WORK.c.id), 0)).scalar_subquery(),
)


async def draw(session: AsyncSession, followups: int, works: int) -> tuple[list[int], list[int]]:
    """Ids for `followups` new follow-ups and `works` work rows, to be written by `write` in
    this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        params = {"followups": followups, "works": works}
        drawn = (await session.execute(_DRAW_SERIAL, params)).all()
        return [int(f) for f, _ in drawn[:followups]], [int(w) for _, w in drawn]
    # (rows of either table still in the unit of work would take the same ids at its flush)
    pending = [o for o in session.new if isinstance(o, Followup | WorkItem)]
    if pending:
        await session.flush(pending)
    last_followup, last_work = (await session.execute(_LAST_IDS)).one()
    return (
        list(range(last_followup + 1, last_followup + 1 + followups)),
        list(range(last_work + 1, last_work + 1 + works)),
    )


async def write(
    session: AsyncSession, followups: list[Followup], works: list[Row], work_ids: list[int]
) -> None:
    """Writes `followups` (their ids and `work_id`s drawn) and the work rows (`rows.work_row`)
    with their drawn `work_ids`."""
    values = [{c: getattr(row, c) for c in FOLLOWUP_COLUMNS} for row in followups]
    with_ids = [{"id": work_id, **work} for work, work_id in zip(works, work_ids, strict=True)]
    if session.get_bind().dialect.name == "postgresql":
        params: Row = {}
        for prefix, rows in (("f", values), ("w", with_ids)):
            params.update(
                {f"{prefix}{n}_{k}": v for n, row in enumerate(rows) for k, v in row.items()}
            )
        await session.execute(_written_at_once(len(values), len(with_ids)), params)
    else:
        if values:
            await session.execute(_INSERT_FOLLOWUP, values)
        await session.execute(_INSERT_WORK, with_ids)
    for work, work_id in zip(works, work_ids, strict=True):
        written(session, work, work_id)


_INSERT_FOLLOWUP = insert(FOLLOWUPS).values(named(FOLLOWUPS, FOLLOWUP_COLUMNS))
_INSERT_WORK = insert(WORK).values(named(WORK, WORK_WITH_ID))


@cache
def _written_at_once(followups: int, works: int) -> Any:
    """PostgreSQL: the rows' INSERTs in one statement, a row each (a multi-row VALUES has no
    cache key), with parameters `f0_…` for each follow-up and `w0_…` for each work row."""
    inserts = [
        insert(FOLLOWUPS).values(named(FOLLOWUPS, FOLLOWUP_COLUMNS, f"f{n}_"))
        for n in range(followups)
    ] + [insert(WORK).values(named(WORK, WORK_WITH_ID, f"w{n}_")) for n in range(works)]
    *ctes, last = inserts
    return last.add_cte(*(s.cte(f"row{n}") for n, s in enumerate(ctes)))
