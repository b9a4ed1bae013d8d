"""Core statements for the rows an ordinary write adds (a timeline event, an answer, a work row)
and the move of the incident's chain head: each built once, run with its values, no unit of
work (its flush at commit was the largest of our frames in the load test's profile)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Answer, Incident, TimelineEvent, WorkItem, WorkStatus
from app.work import at_once
from app.work.queue import WorkSpec

Row = dict[str, Any]


def named(table: Table, columns: tuple[str, ...], prefix: str = "") -> dict[str, Any]:
    """Named parameters for `columns` of `table` (`prefix` + the column's name), typed as they are."""
    return {c: bindparam(prefix + c, type_=table.c[c].type) for c in columns}


def _insert(table: Table, columns: tuple[str, ...]) -> Any:
    return insert(table).values(named(table, columns))


EVENTS, ANSWERS = TimelineEvent.__table__, Answer.__table__
EVENT_COLUMNS = (
    "incident_id",
    "seq",
    "at",
    "actor",
    "kind",
    "data",
    "data_hash",
    "prev_hash",
    "hash",
)
ANSWER_COLUMNS = ("incident_id", "field", "value", "actor", "answered_at")
INSERT_EVENT = _insert(EVENTS, EVENT_COLUMNS)
INSERT_ANSWER = _insert(ANSWERS, ANSWER_COLUMNS)

WORK = WorkItem.__table__
WORK_COLUMNS = (
    "incident_id",
    "kind",
    "payload",
    "due_at",
    "dedupe_key",
    "status",
    "attempts",
    "claimed_by",
    "lease_until",
    "max_attempts",
    "created_at",
)
INSERT_WORK = _insert(WORK, WORK_COLUMNS).returning(WORK.c.id)


def _insert_once(dialect_insert: Any) -> Any:
    return (
        dialect_insert(WORK)
        .values(named(WORK, WORK_COLUMNS))
        .on_conflict_do_nothing(index_elements=[WORK.c.dedupe_key])
        .returning(WORK.c.id)
    )


# A row written once per dedupe key: a second one writes nothing and returns no id.
INSERT_WORK_ONCE = {
    "sqlite": _insert_once(sqlite.insert),
    "postgresql": _insert_once(postgresql.insert),
}
UNCLAIMED = {"status": WorkStatus.PENDING, "attempts": 0, "claimed_by": None, "lease_until": None}

INCIDENTS = Incident.__table__
MOVE_HEAD = (
    update(INCIDENTS)
    # (an UPDATE's parameters may not be named as its table's columns)
    .where(INCIDENTS.c.id == bindparam("of_incident"))
    .values(
        timeline_seq=bindparam("new_seq"),
        timeline_head=bindparam("new_head"),
        updated_at=bindparam("moved_at", type_=INCIDENTS.c.updated_at.type),
    )
)
"""The incident's chain head after an event (`:new_seq`, `:new_head`, `:moved_at`)."""


async def write_work(
    session: AsyncSession, values: dict[str, Any], incident_id: int | None, *, once: bool = False
) -> int | None:
    """Writes one work row from `values` (its kind, payload, due_at, max_attempts, created_at
    and dedupe key), claimed for this process's worker when it can take it at once (as
    `app.work.items.add_work` does for a row added to the unit of work); returns its id. With
    `once`, a row whose dedupe key was written before is not written again: None."""
    row = work_row(session, values, incident_id)
    statement = INSERT_WORK_ONCE[session.get_bind().dialect.name] if once else INSERT_WORK
    row_id = (await session.execute(statement, row)).scalar_one_or_none()
    if row_id is None:  # written before (its slot, if claimed, is given back at commit)
        return None
    written(session, row, int(row_id))
    return int(row_id)


def work_row(session: AsyncSession, values: dict[str, Any], incident_id: int | None) -> Row:
    """The columns of a work row to write: pending, or claimed by this process's worker when
    it can take the row at once (then call `written` once it is)."""
    claim = at_once.claiming(session, incident_id, values["due_at"])
    return {"incident_id": incident_id, "dedupe_key": None, **values, **(claim or UNCLAIMED)}


def written(session: AsyncSession, row: Row, row_id: int) -> None:
    if row["status"] == WorkStatus.CLAIMED:  # this process's worker takes it as the commit ends
        at_once.took(session, WorkItem(id=row_id, **row))


def work_values(spec: WorkSpec, now: datetime, max_attempts: int) -> dict[str, Any]:
    """A work row's own columns for `spec`, as `app.work.items.add_work` writes them."""
    return {
        "kind": spec.kind,
        "payload": spec.payload,
        "due_at": spec.due_at or now,
        "dedupe_key": spec.dedupe_key,
        "max_attempts": spec.max_attempts or max_attempts,
        "created_at": now,
    }


@cache
def move_head(changed: tuple[str, ...] = ()) -> Any:
    """`MOVE_HEAD`, also setting the incident's `changed` columns (parameters `set_…`)."""
    if not changed:
        return MOVE_HEAD
    return MOVE_HEAD.values({c: bindparam(f"set_{c}", type_=INCIDENTS.c[c].type) for c in changed})


@cache
def written_at_once(changed: tuple[str, ...], answer: bool, work: bool) -> Any:
    """PostgreSQL: an event's writes in one statement — the head's UPDATE (with the incident's
    `changed` columns), the event, an `answer` and one `work` row if given, each but the last a
    data-modifying CTE; it returns the work row's id (else the event's). Its parameters are
    `move_head`'s, then the event's, the answer's and the row's columns named `e_…`, `a_…` and
    `w_…`. (SQLite has no such CTEs: there they are a statement each.)"""
    head = move_head(changed).returning(INCIDENTS.c.id).cte("head")
    event = insert(EVENTS).values(named(EVENTS, EVENT_COLUMNS, "e_")).returning(EVENTS.c.id)
    ctes = [head]
    if answer:
        values = named(ANSWERS, ANSWER_COLUMNS, "a_")
        ctes.append(insert(ANSWERS).values(values).returning(ANSWERS.c.id).cte("answer"))
    if not work:
        return event.add_cte(*ctes)
    row = insert(WORK).values(named(WORK, WORK_COLUMNS, "w_")).returning(WORK.c.id)
    return row.add_cte(event.cte("event"), *ctes)


def prefixed(prefix: str, values: Row) -> Row:
    return {prefix + name: value for name, value in values.items()}
