"""The work table's hot statements and how they run: the due rows a worker may take, taking
them under a lease, completing a row with a fence, and completing one row and taking the next
ones in a single statement (PostgreSQL) — the worker's share of an incident's round trips.

Each statement is built once, in SQLAlchemy Core with named parameters, and run with its
values: building and keying a statement per call cost more CPU than running it, and the ORM's
unit of work adds nothing to an UPDATE … RETURNING."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Executable,
    Integer,
    Select,
    Update,
    all_,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.models import Incident, WorkItem, WorkStatus
from app.postgres import Lane
from app.work.items import Claimed, DeadHook

WORK = WorkItem.__table__
# What a handler is given of a row it claimed, in the order of `Claimed`'s fields.
CLAIMED = (
    WORK.c.id,
    WORK.c.kind,
    WORK.c.incident_id,
    WORK.c.payload,
    WORK.c.due_at,
    WORK.c.attempts,
    WORK.c.max_attempts,
    WORK.c.created_at,
)


@dataclass(frozen=True)
class Due:
    """Which rows a claim may take: due at `now` (or their lease run out by then), of the
    `kinds` this worker runs, none of the `busy` incidents (their next rows wait in the table,
    not in a slot, for the one running here), oldest first, at most `limit`."""

    now: datetime
    limit: int
    kinds: list[str]
    busy: list[int]

    def params(self) -> dict[str, Any]:
        return {"now": self.now, "limit": self.limit, "kinds": self.kinds, "busy": self.busy}


@cache
def due(postgresql: bool, busy: bool, but: bool = False) -> Select[Any]:
    """The ids `Due` describes (`but`: not row :but, completed in the same statement), locked
    on PostgreSQL with SKIP LOCKED (another worker's claim in progress: take other rows)."""
    if postgresql:  # arrays: one statement whatever the lists hold
        kinds = WORK.c.kind == any_(bindparam("kinds", type_=ARRAY(WORK.c.kind.type)))
        others = WORK.c.incident_id != all_(bindparam("busy", type_=ARRAY(BigInteger)))
    else:
        kinds = WORK.c.kind.in_(bindparam("kinds", expanding=True))
        others = WORK.c.incident_id.not_in(bindparam("busy", expanding=True))
    now = bindparam("now", type_=WORK.c.due_at.type)
    query = (
        select(WORK.c.id)
        .where(
            or_(
                and_(WORK.c.status == WorkStatus.PENDING, WORK.c.due_at <= now),
                and_(WORK.c.status == WorkStatus.CLAIMED, WORK.c.lease_until < now),
            ),
            kinds,
        )
        .order_by(WORK.c.due_at, WORK.c.id)
        .limit(bindparam("limit"))
    )
    if busy or postgresql:
        query = query.where(or_(WORK.c.incident_id.is_(None), others))
    if but:  # a statement may not update one row twice
        query = query.where(WORK.c.id != bindparam("but"))
    return query.with_for_update(skip_locked=True) if postgresql else query


@cache
def taking(postgresql: bool, busy: bool, but: bool = False) -> Update:
    """`take` of `due`, built once: the claim of the tick and of every poke (building and
    keying it each time was 40 % of an empty claim's CPU: 900 → 560 µs)."""
    return take(due(postgresql, busy, but))


def take(ids: Select[Any]) -> Update:
    """Claims the rows `ids` selects for :worker until :lease_end, one more attempt each,
    returning them as `Claimed` reads them."""
    return (
        update(WORK)
        .where(WORK.c.id.in_(ids.scalar_subquery()))
        .values(
            status=WorkStatus.CLAIMED,
            claimed_by=bindparam("worker"),
            lease_until=bindparam("lease_end"),
            attempts=WORK.c.attempts + 1,
        )
        .returning(*CLAIMED)
    )


def holds(item: Claimed, worker: str) -> ColumnElement[bool]:
    """The fence: `item`'s row, still claimed by `worker` in the same attempt (the attempt is
    the fencing token: a worker whose lease ran out and was taken over changes nothing)."""
    return and_(
        WORK.c.id == item.id,
        WORK.c.claimed_by == worker,
        WORK.c.attempts == item.attempt,
        WORK.c.status == WorkStatus.CLAIMED,
    )


SHOWN_AGAIN = "deferred: its incident moved on while it showed it"
# Whether the row's incident moved past :shown on its timeline, the oldest state an edit of this
# run showed (NULL, as for a row that showed none: the comparison is NULL, and false). Its own
# event right after that state does not count (`Claimed.wrote`); and once only, whatever moved
# it: a row that moved its incident on each time would run for ever.
_BEHIND = and_(
    select(Incident.timeline_seq).where(Incident.id == WORK.c.incident_id).scalar_subquery()
    > bindparam("shown", type_=Integer),
    func.coalesce(WORK.c.last_error, "") != SHOWN_AGAIN,
)
_NOW = bindparam("now", type_=WORK.c.completed_at.type)

DONE = (
    update(WORK)
    .where(
        WORK.c.id == bindparam("done"),
        WORK.c.claimed_by == bindparam("worker"),
        WORK.c.attempts == bindparam("attempt"),
        WORK.c.status == WorkStatus.CLAIMED,
    )
    .values(
        status=case((_BEHIND, WorkStatus.PENDING), else_=WorkStatus.DONE),
        completed_at=case((_BEHIND, null()), else_=_NOW),
        attempts=case((_BEHIND, WORK.c.attempts - 1), else_=WORK.c.attempts),
        due_at=case((_BEHIND, _NOW), else_=WORK.c.due_at),
        lease_until=None,
        last_error=case((_BEHIND, SHOWN_AGAIN), else_=null()),
    )
    .returning(WORK.c.status)
)
"""Marks row :done done if :worker still holds it in :attempt (`holds`, with parameters),
returning its status: `done`, or `pending` when its incident moved past what the row showed
(:shown) while it showed it. Two replicas can run two rows of one incident at once, and an edit
of an older state can land after a newer one; a row whose incident has moved on since it read
it may have done so, and runs again at once (its attempt given back, like a deferred row's),
from the state as it is now. A row that read a newer state reads it after the change, so
before the older row's completion: that completion sees it."""


@cache
def done_and_take() -> CompoundSelect:
    """PostgreSQL: `DONE` and `take` in one statement (two data-modifying CTEs, one round
    trip). Its rows are the claimed ones (their last column NULL) and, if the fence held, one
    row with the completed row's id and its status (`DONE`'s) last."""
    completed = DONE.returning(WORK.c.id, WORK.c.status).cte("completed")
    taken = take(due(True, True, but=True)).cte("taken")
    return union_all(
        select(*(taken.c[c.name] for c in CLAIMED), cast(null(), WORK.c.status.type)),
        select(completed.c.id, *(null() for _ in CLAIMED[1:]), completed.c.status),
    )


async def any_due(reads: async_sessionmaker[AsyncSession], rows: Due) -> bool:
    """SQLite: whether a claim would find a row, read without the write lock."""
    async with reads() as session:
        found = await session.execute(due(False, bool(rows.busy)), rows.params())
        return found.first() is not None


async def backlog(
    reads: async_sessionmaker[AsyncSession], now: datetime
) -> tuple[int, datetime | None]:
    """How many rows are due and not taken, and the due time of the oldest of them."""
    async with reads() as session:
        query = select(func.count(), func.min(WORK.c.due_at)).where(
            WORK.c.status == WorkStatus.PENDING, WORK.c.due_at <= now
        )
        count, oldest = (await session.execute(query)).one()
    return int(count), oldest


async def falling_due(
    reads: async_sessionmaker[AsyncSession], after: datetime, until: datetime, limit: int
) -> list[datetime]:
    """The due times of pending rows that fall due after `after` and by `until`, the earliest
    `limit` of them (the backstop tick's look ahead: rows any process wrote for later)."""
    async with reads() as session:
        query = (
            select(WORK.c.due_at)
            .where(
                WORK.c.status == WorkStatus.PENDING,
                WORK.c.due_at > after,
                WORK.c.due_at <= until,
            )
            .order_by(WORK.c.due_at)
            .limit(limit)
        )
        return list((await session.execute(query)).scalars())


class Writer:
    """Runs the queue's statements: on PostgreSQL the claim and completion each in autocommit
    on asyncpg directly (`app.postgres.Lane`: one statement is its own transaction, no BEGIN
    and COMMIT round trips, no ORM session or pooled SQLAlchemy connection), on SQLite in a
    transaction (its one writer connection is handed out requests first, app.db). Only the
    latter waits for a gap in the requests (`transaction`); the queue lets PostgreSQL's wait
    before it takes its claim lock (`WorkQueue.gap`)."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], worker: str, lane: Lane | None = None
    ) -> None:
        self.sessions = sessions
        self.worker = worker
        bind = sessions.kw.get("bind")
        self.postgresql = bind is not None and bind.dialect.name == "postgresql"
        # (the runtime's lane, which it closes; else, on PostgreSQL, one of its own)
        self._own_lane = lane is None and self.postgresql
        self.lane = Lane(bind) if self._own_lane else lane

    async def close(self) -> None:
        if self._own_lane and self.lane is not None:
            await self.lane.close()

    async def claim(self, rows: Due, lease_until: datetime) -> list[Claimed]:
        """Claims the rows `rows` describes."""
        statement = taking(self.postgresql, self._busy(rows))
        params = {**rows.params(), "worker": self.worker, "lease_end": lease_until}
        return [Claimed(*row) for row in await self._run(statement, params)]

    async def complete(self, item: Claimed, now: datetime) -> str | None:
        """Marks `item` done if this worker still holds it (`DONE`): its status then (`done`,
        or `pending` to run again), None when another worker took it over."""
        params = self._done(item, now)
        if self.lane is None:
            async with transaction(self.sessions) as session:
                return (await session.execute(DONE, params)).scalar_one_or_none()
        found = await self.lane.rows(DONE, params)
        return found[0][0] if found else None

    async def complete_and_claim(
        self, item: Claimed, rows: Due, lease_until: datetime
    ) -> tuple[str | None, list[Claimed]]:
        """`complete`, then `claim` (leaving `item` out): one statement on PostgreSQL, one
        transaction on SQLite. `item`'s status as `complete` gives it, and the rows claimed."""
        params = {
            **rows.params(),
            **self._done(item, rows.now),
            "but": item.id,
            "lease_end": lease_until,
        }
        if self.lane is None:
            async with transaction(self.sessions) as session:
                status = (await session.execute(DONE, params)).scalar_one_or_none()
                taken = await session.execute(taking(False, self._busy(rows), True), params)
                return status, [Claimed(*row) for row in taken.all()]
        result = await self._run(done_and_take(), params)
        claimed = [Claimed(*row[:-1]) for row in result if row[-1] is None]
        return next((row[-1] for row in result if row[-1] is not None), None), claimed

    def _done(self, item: Claimed, now: datetime) -> dict[str, Any]:
        return {
            "done": item.id,
            "worker": self.worker,
            "attempt": item.attempt,
            "now": now,
            "shown": item.shown,
        }

    async def dead(
        self, item: Claimed, error: str, now: datetime, on_dead: DeadHook | None
    ) -> None:
        """Marks `item` dead (if this worker still holds it) and runs `on_dead` on its row in
        the same transaction."""
        async with transaction(self.sessions) as session:
            result = await session.execute(
                self.fenced(item)
                .values(
                    status=WorkStatus.DEAD,
                    last_error=error[:2000],
                    lease_until=None,
                    completed_at=now,
                )
                .returning(WorkItem)
            )
            row = result.scalar_one_or_none()
            if row is not None and on_dead is not None:
                await on_dead(session, row, now)

    async def retry(self, item: Claimed, error: str, due_at: datetime) -> None:
        """Gives `item` back to the table, to be tried again from `due_at`."""
        async with transaction(self.sessions) as session:
            await session.execute(
                self.fenced(item).values(
                    status=WorkStatus.PENDING,
                    last_error=error[:2000],
                    lease_until=None,
                    due_at=due_at,
                )
            )

    async def defer(
        self, item: Claimed, reason: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> bool:
        """`retry` from `due_at` without spending the attempt (a wait, not a failure); with
        `payload`, the row's payload from then on."""
        values: dict[str, Any] = {
            "status": WorkStatus.PENDING,
            "attempts": WorkItem.attempts - 1,
            "last_error": f"deferred: {reason}"[:2000],
            "lease_until": None,
            "due_at": due_at,
        }
        if payload is not None:
            values["payload"] = payload
        async with transaction(self.sessions) as session:
            result = await session.execute(self.fenced(item).values(**values))
            return result.rowcount == 1

    def fenced(self, item: Claimed) -> Update:
        """An UPDATE of `item`'s row that changes nothing unless this worker still holds it."""
        return (
            update(WorkItem)
            .where(holds(item, self.worker))
            .execution_options(synchronize_session=False)
        )

    def _busy(self, rows: Due) -> bool:
        """Whether the statement names busy incidents (on PostgreSQL it always does: an empty
        array is a value, not another statement)."""
        return self.postgresql or bool(rows.busy)

    async def _run(self, statement: Executable, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        if self.lane is None:
            async with transaction(self.sessions) as session:
                return list((await session.execute(statement, params)).all())
        return await self.lane.rows(statement, params)
