"""The durable work table: enqueue in the caller's transaction, claim with a lease, fence completion.

Long because one object keeps a worker's slots: the claims, the runs, their outcomes and the
wake-ups (pokes, rows falling due) all read and change the same slot counts under one lock;
the statements are in app.work.claims, the timers in app.work.due."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import foreground, in_background, outside_transactions, transaction
from app.models import WorkItem, WorkStatus, utcnow
from app.postgres import Lane
from app.work import at_once
from app.work.claims import SHOWN_AGAIN, Due, Writer, any_due, backlog, falling_due
from app.work.due import DueTimer
from app.work.items import (  # callers import these from here as well
    Claimed,
    DeadHook,
    Defer,
    Handler,
    Permanent,
    Retry,
    WorkSpec,
    add_work,
    backoff,
    default_worker_id,
)
from app.work.items import waiting_on as waiting_on

log = logging.getLogger(__name__)


LOOK_AHEAD_ROWS = 1000  # rows falling due within one backstop tick that a look ahead expects


class WorkQueue:
    """Claims due rows, runs their handler by kind, and records the outcome with a fence."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        worker_id: str | None = None,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 32,
        concurrency: int = 16,
        clock: Callable[[], datetime] = utcnow,
        on_dead: DeadHook | None = None,
        backoff_cap: float = 900.0,
        reads: async_sessionmaker[AsyncSession] | None = None,
        lane: Lane | None = None,
    ) -> None:
        self.sessions = sessions
        self.reads = reads or sessions
        self.worker_id = worker_id or default_worker_id()
        self.lease = lease
        self.batch = batch
        self.clock = clock
        self.on_dead = on_dead
        self.backoff_cap = backoff_cap
        self.handlers: dict[str, Handler] = {}
        self.concurrency = concurrency
        self._limit = asyncio.Semaphore(concurrency)
        self._in_flight = 0
        self._busy: Counter[int] = Counter()  # incidents with rows running here, and how many
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._poking = False
        self.closed = False
        self.notifier: Any = None  # app.work.wake.Notifier (PostgreSQL): tells other processes
        self._poke_pending = False
        self._poke_again = False  # poked while a poke's claim ran: claim once more after it
        self._later = DueTimer(self.poke)  # rows written or put off here for later
        self._missed = False  # a due row written here was not taken at once (`reserve`)
        self._found_work = False  # the last claim took rows (see `claim`)
        self._ran = 0  # rows run by this queue (`drain` counts them)
        self.shown_again = 0  # rows run again, their incident moved on as they showed it
        self.writer = Writer(sessions, self.worker_id, lane)

    @property
    def poking(self) -> bool:
        """Whether this process runs the worker (its tick started): requests poke it, and the
        due rows written here are run here at once (app.work.at_once)."""
        return self._poking

    @poking.setter
    def poking(self, on: bool) -> None:
        self._poking = on
        (at_once.run_here if on else at_once.stop_running_here)(self)

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self.handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self.handlers[kind] = handler

    def handler(self, kind: str) -> Callable[[Handler], Handler]:
        def decorate(fn: Handler) -> Handler:
            self.register(kind, fn)
            return fn

        return decorate

    async def enqueue(self, spec: WorkSpec, *, incident_id: int | None = None) -> None:
        """Adds one row in its own transaction (for work that follows no state change)."""
        async with transaction(self.sessions) as session:
            add_work(session, spec, incident_id=incident_id, now=self.clock())
        self.wrote()

    def wrote(self) -> None:
        """After a request or a row that may have written work: `poke`, unless every due row
        written here since was taken at once by this process's worker (app.work.at_once)."""
        if self.poking and not self._missed:
            return
        self._missed = False
        if self.poking and self._in_flight >= self.concurrency and self.notifier is not None:
            self.notifier.notify()  # no slot free here: another worker process may have one
        self.poke()

    def poke(self) -> None:
        """Runs a batch soon instead of at the next tick (new work should not wait)."""
        # One poke at a time: a burst of requests causes one claim, and one more after it
        # (rows written while it ran may have committed too late for it), not one each; none
        # while every slot is busy (a slot that finishes claims the due rows as it completes).
        # Without a worker here, the worker processes are told instead (PostgreSQL NOTIFY).
        if not self.poking and self.notifier is not None and not self.closed:
            self.notifier.notify()
            return
        if not self.poking or self._in_flight >= self.concurrency:
            return
        if self._poke_pending:
            self._poke_again = True
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._poke_pending = True
        task = loop.create_task(self._poked())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def expect(self, due: list[datetime]) -> None:
        """Rows written or put off here fall due at these times: a claim runs then, not at the
        next tick (where processes tell each other of their rows, only a backstop: 5 s)."""
        if self.poking and not self.closed and due:
            self._later.expect(due, self.clock())

    async def look_ahead(self, seconds: float) -> None:
        """Expects the rows any process wrote that fall due within `seconds` (the backstop
        tick's next interval): each is claimed as it falls due, not at the tick after."""
        now = self.clock()
        until = now + timedelta(seconds=seconds)
        self.expect(await falling_due(self.reads, now, until, LOOK_AHEAD_ROWS))

    async def _poked(self) -> None:
        try:
            again = True
            while again and not self.closed:
                self._poke_again = False
                await self.dispatch(look=False)  # rows were just written: no look first
                again = self._poke_again
        except Exception:
            log.exception("work batch failed")
        finally:
            self._poke_pending = False

    async def claim(
        self, now: datetime | None = None, *, limit: int | None = None, look: bool = True
    ) -> list[Claimed]:
        """Atomically takes up to `limit` (default `batch`) due rows (and rows whose lease ran
        out). `look=False` when rows are known to be waiting (a poke after our own enqueue)."""
        now = now or self.clock()
        if not self.writer.postgresql and look and not self._found_work:
            # SQLite, idle most of the time: look before taking the one write lock. (PostgreSQL
            # needs no look: a claim that finds nothing is one statement, as the look is.)
            if not await any_due(self.reads, self._due(now, 1)):
                return []
        claimed = await self.writer.claim(self._due(now, limit or self.batch), now + self.lease)
        # While claims find work the next one goes straight to its UPDATE (a look first would
        # be one more round trip that finds rows); an empty claim makes the next one look.
        self._found_work = bool(claimed)
        return claimed

    def _due(self, now: datetime, limit: int) -> Due:
        """The rows due now (and rows whose lease ran out) that this worker can run."""
        return Due(now, limit, list(self.handlers), list(self._busy))

    async def backlog(self, now: datetime | None = None) -> tuple[int, datetime | None]:
        """How many rows are due and not taken, and the due time of the oldest of them."""
        return await backlog(self.reads, now or self.clock())

    async def complete(self, item: Claimed) -> bool:
        """Marks the row done if we still hold it; False when another worker took it over. A
        row whose incident moved past what it showed runs again instead (`claims.DONE`)."""
        now = self.clock()
        return self._completed(item, await self.writer.complete(item, now), now)

    async def complete_and_claim(self, item: Claimed, limit: int) -> tuple[bool, list[Claimed]]:
        """`complete`, then `claim` without a look, in one round trip on PostgreSQL (one
        transaction on SQLite): a slot that finishes its row takes the next due ones."""
        now = self.clock()
        rows = self._due(now, limit)
        status, items = await self.writer.complete_and_claim(item, rows, now + self.lease)
        return self._completed(item, status, now), items

    def _completed(self, item: Claimed, status: str | None, now: datetime) -> bool:
        if status == WorkStatus.PENDING:  # to show its incident as it is now: due at once
            log.debug("work %s (%s) runs again: %s", item.id, item.kind, SHOWN_AGAIN)
            self.shown_again += 1
            self.expect([now])
        return status is not None

    async def fail(
        self, item: Claimed, error: str, *, after: float | None = None, permanent: bool = False
    ) -> str:
        """Schedules a retry with backoff, or marks the row dead after its last attempt."""
        now = self.clock()
        if permanent or item.attempt >= item.max_attempts:
            await self.writer.dead(item, error, now, self.on_dead)
            return WorkStatus.DEAD
        delay = after if after is not None else backoff(item.attempt, cap=self.backoff_cap)
        due = now + timedelta(seconds=delay)
        await self.writer.retry(item, error, due)
        self.expect([due])
        return WorkStatus.PENDING

    async def defer(
        self, item: Claimed, reason: str, after: float, *, payload: dict[str, Any] | None = None
    ) -> bool:
        """Releases the row until `after` seconds from now and gives its attempt back (with
        `payload`, its payload from then on)."""
        due = self.clock() + timedelta(seconds=after)
        deferred = await self.writer.defer(item, reason, due, payload)
        self.expect([due])
        return deferred

    def fenced(self, item: Claimed) -> Update:
        """An UPDATE of `item`'s row that changes nothing unless this worker still holds it."""
        return self.writer.fenced(item)

    async def run_once(self, now: datetime | None = None) -> int:
        """Claims what the free slots can take and runs it; returns how many rows were run."""
        items = await self._claim_free(now)
        await self._run_claimed(items, chain=False)
        return len(items)

    async def dispatch(self, *, look: bool = True) -> int:
        """Claims what the free slots can take and starts it without waiting for it (the tick
        and pokes): a slow Slack call holds one slot, never the next claim. A slot that
        finishes these rows claims the next due ones as it completes its last (`_run_in_order`)."""
        items = await self._claim_free(None, look=look)
        if items:
            self._spawn(self._run_claimed(items, chain=True))
        return len(items)

    async def _claim_free(self, now: datetime | None, *, look: bool = True) -> list[Claimed]:
        # Claiming is one at a time, and never more than the free slots: a claimed row that
        # waited for a slot could outlive its lease.
        await self.gap()
        async with self._lock:
            free = self.concurrency - self._in_flight
            if free <= 0 or self.closed:
                return []
            with in_background():  # the worker's transactions yield to requests
                items = await self.claim(now, limit=min(self.batch, free), look=look)
            self._hold(items)
            return items

    def reserve(self, incident_id: int | None, *, alongside: int = 0) -> bool:
        """Holds a slot for a row being written now, to run here at once (app.work.at_once):
        if one is free and no row of its incident runs here but the `alongside` ones written
        with it."""
        if not self.poking or self.closed:
            return False
        if self._in_flight >= self.concurrency or (
            incident_id is not None and self._busy[incident_id] > alongside
        ):
            self._missed = True  # it waits in the table: the next `wrote` claims
            return False
        self._in_flight += 1
        if incident_id is not None:
            self._busy[incident_id] += 1
        return True

    def unreserve(self, incident_id: int | None) -> None:
        """Gives back a `reserve`d slot whose row was not written."""
        self._release(incident_id)

    def start(self, rows: list[WorkItem]) -> None:
        """Runs rows written claimed by this worker, in their `reserve`d slots."""
        self._spawn(self._run_claimed([Claimed.of(row) for row in rows], chain=True))

    def _hold(self, items: list[Claimed]) -> None:
        self._in_flight += len(items)
        self._busy.update(i.incident_id for i in items if i.incident_id is not None)

    def _release(self, incident_id: int | None) -> None:
        self._in_flight -= 1
        if incident_id is not None:
            self._busy[incident_id] -= 1
            if self._busy[incident_id] <= 0:
                del self._busy[incident_id]

    async def _run_claimed(self, items: list[Claimed], *, chain: bool) -> None:
        # Rows of one incident run in the order they were written (a verdict is posted before
        # the statement that threads under it); incidents run side by side. Across claims the
        # order holds too: an incident with a row running here is not claimed again (`_due`).
        groups: dict[object, list[Claimed]] = {}
        for item in sorted(items, key=lambda i: i.id):
            groups.setdefault(item.incident_id or f"row{item.id}", []).append(item)
        await asyncio.gather(*(self._run_in_order(group, chain) for group in groups.values()))

    async def _run_in_order(self, items: list[Claimed], chain: bool) -> None:
        for n, item in enumerate(items):
            try:
                succeeded = await self._run(item)
            except BaseException:
                self._release(item.incident_id)
                raise
            if succeeded and chain and n == len(items) - 1 and not self.closed:
                await self._complete_and_continue(item)
                continue
            try:
                if succeeded and not await self._complete(item):
                    log.warning("work %s lost its lease before completing", item.id)
            finally:
                self._release(item.incident_id)
            if chain and n == len(items) - 1:
                self.poke()  # the slots are free again: rows due meanwhile need not wait

    async def _complete(self, item: Claimed) -> bool:
        await self.gap()
        with in_background():
            return await self.complete(item)

    async def gap(self) -> None:
        """The worker's statements yield to requests in flight (app.db's `foreground`), before
        the claim lock is taken, not while it is held: one claim waiting held up every slot's.
        (On SQLite `transaction` waits too; there the writer hands requests out first.)"""
        if self.writer.postgresql:
            await foreground.gap()

    async def _complete_and_continue(self, item: Claimed) -> None:
        """Completes the group's last row and, in the same round trip, claims what the free
        slots can take (a burst of 40 follow-ups a second fell seconds behind when only the
        next tick claimed them), which then runs in the background."""
        released = False
        try:
            await self.gap()
            async with self._lock:
                self._release(item.incident_id)  # its incident's next row may be claimed now
                released = True
                free = 0 if self.closed else self.concurrency - self._in_flight
                limit = min(self.batch, free)
                with in_background():
                    completed, items = await self.complete_and_claim(item, limit)
                self._found_work = bool(items)
                self._hold(items)
        finally:
            if not released:
                self._release(item.incident_id)
        if not completed:
            log.warning("work %s lost its lease before completing", item.id)
        if items:
            self._spawn(self._run_claimed(items, chain=True))

    async def close(self, grace: float = 5.0) -> None:
        """Stops poking, gives the rows running in the background `grace` seconds to finish,
        then cancels them (their leases run out and any worker takes them again), so no claim
        is left holding a database connection after the engine is gone."""
        self.poking, self.closed = False, True
        self._later.cancel()
        if self.notifier is not None:
            await self.notifier.close()
        async with self._lock:  # a claim in progress (the tick's) ends first; none starts after
            pass
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._tasks:  # (a claim running now may still start its rows)
            tasks = list(self._tasks)
            if (left := deadline - loop.time()) > 0:
                await asyncio.wait(tasks, timeout=left)
                continue
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await self.writer.close()

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work, context=outside_transactions())
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("work batch failed", exc_info=exc)

    async def drain(self, *, max_rounds: int = 100) -> int:
        """Runs rows until nothing is due (tests and the CLI use it), as the server's worker
        does (each slot that finishes claims the next rows); returns how many rows were run."""
        ran = self._ran
        for _ in range(max_rounds):
            again = self.shown_again
            await self.dispatch()
            while self._tasks:
                await asyncio.wait(list(self._tasks))
            # The last claim, after every row ran, found none due, and no row is to run again.
            if not self._found_work and self.shown_again == again:
                break
        return self._ran - ran

    async def settle(self) -> int:
        """Waits for the rows running here and what their slots claimed next (tests and
        benchmarks of a worker that runs as the server's); returns how many rows were run."""
        ran = self._ran
        while self._tasks:
            await asyncio.wait(list(self._tasks))
        return self._ran - ran

    async def _run(self, item: Claimed) -> bool:
        async with self._limit:
            self._ran += 1
            with in_background():
                return await self._handle(item)

    async def _handle(self, item: Claimed) -> bool:
        """Runs the row's handler; True when the row is to be completed, False when its
        outcome (retry, defer, dead) was recorded instead."""
        handler = self.handlers[item.kind]
        try:
            await handler(item)
        except Defer as exc:
            await self.defer(item, str(exc), exc.after, payload=exc.payload)
        except Retry as exc:
            await self.fail(item, f"retry: {exc}", after=exc.after)
        except Permanent as exc:
            log.warning("work %s (%s) failed for good: %s", item.id, item.kind, exc)
            await self.fail(item, str(exc), permanent=True)
        except Exception as exc:
            log.warning("work %s (%s) attempt %s failed: %r", item.id, item.kind, item.attempt, exc)
            await self.fail(item, repr(exc))
        else:
            return True
        return False
