"""The database engine and session factory: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import Context, ContextVar, copy_context
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_

from app import postgres
from app.cleanup import run_to_completion
from app.sqlite_writer import BACKSTOP_PAGES, Checkpointer, InlineConnection

log = logging.getLogger(__name__)

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


def normalize_database_url(url: str) -> str:
    """Maps any accepted spelling of a database URL to the async driver leakdesk uses."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            f"'{url}' is not a database URL "
            "(expected sqlite:///path.db or postgresql://user@host:5432/db)"
        ) from None
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    if driver not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise ValueError(f"'{parsed.drivername}' is not supported (use sqlite or postgresql)")
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """The same database through a synchronous driver (for slack_sdk's stores)."""
    parsed = make_url(url)
    driver = "sqlite" if parsed.drivername.startswith("sqlite") else "postgresql+psycopg"
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def create_engine(url: str, **kwargs: object) -> AsyncEngine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    return postgres.create_engine(normalize_database_url(url), **kwargs)


def read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine for reading only. On SQLite it is a second engine with its own pool: the
    write engine has one connection (see `_sqlite_engine`) and readers, who need no lock in WAL
    mode, must not queue behind the writers. On PostgreSQL it is a second pool too (`READ_POOL`),
    its connections in autocommit from the start: a read is its statements and no BEGIN and
    ROLLBACK around them (under READ COMMITTED each statement sees what was committed when it
    began, inside a transaction or not), and no connection is switched to autocommit and back
    on every checkout and return, as the writers' pool in autocommit did (about 60 µs of CPU a
    read session)."""
    if engine.dialect.name != "sqlite":
        url = engine.url.render_as_string(hide_password=False)
        reader = postgres.create_engine(url, isolation_level="AUTOCOMMIT", **postgres.READ_POOL)
        return reader.execution_options(readonly=True)
    url = engine.url.render_as_string(hide_password=False)
    if engine.url.database in (None, "", ":memory:"):  # one connection: there is no other
        return engine.execution_options(readonly=True)
    return _sqlite_engine(url, pool_size=5, max_overflow=10).execution_options(readonly=True)


def _sqlite_engine(url: str, **kwargs: object) -> AsyncEngine:
    # One connection for the process's writers: they queue for it in order (an asyncio queue)
    # instead of polling SQLite's write lock, whose busy handler sleeps 1, 2, 5 … 100 ms between
    # tries and serves no one in order: 20 concurrent writers made tails of seconds.
    # (An in-memory database has one connection anyway: SQLAlchemy's StaticPool.)
    path = make_url(url).database
    options: dict[str, object] = {}
    if path not in (None, "", ":memory:"):
        options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
    options.update(kwargs)
    writer = options.get("pool_size") == 1 and options.get("max_overflow") == 0
    if writer:
        options["async_creator"] = partial(InlineConnection.open, str(path))
    engine = create_async_engine(url, connect_args={"timeout": 30}, **options)
    checkpointer = None
    if writer:
        _gates[engine.sync_engine] = WriterGate()  # the writers' one connection: requests first
        checkpointer = Checkpointer(str(path))
        checkpointer.start()

        @event.listens_for(engine.sync_engine, "engine_disposed")
        def _disposed(_engine):  # type: ignore[no-untyped-def]
            checkpointer.stop()

    # SQLite upgrades a read lock to a write lock without waiting, so two writers that both
    # read first would fail with "database is locked". BEGIN IMMEDIATE takes the write lock
    # up front and lets busy_timeout queue them instead.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if checkpointer is not None:  # the writer leaves checkpoints (and their fsync) to it
            cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.close()
        if writer:
            dbapi_connection.driver_connection.go_inline()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # Readers need no write lock: in WAL mode they read a snapshot beside the one writer.
        if connection.get_execution_options().get("readonly", False):
            connection.exec_driver_sql("BEGIN")
        elif writer:
            try:
                await_(connection.connection.driver_connection.begin_immediate())
            except sqlite3.Error as exc:  # raised as SQLAlchemy would (listeners say "try again")
                raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Session(AsyncSession):
    """A session that, opened by background work (the worker), first lets the requests in
    flight finish (`yield_to_requests`), and that on SQLite's writer closes in the caller's
    step (`run_to_completion`)."""

    async def __aenter__(self) -> Session:
        if not _in_transaction.get():  # `transaction` yielded before it took the writer
            await yield_to_requests()
        return await super().__aenter__()

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if _gate_of(self.bind) is not None:
            # SQLite's writer: closing runs on this thread and waits for nothing
            await run_to_completion(self.close())
        else:  # elsewhere SQLAlchemy's own: the close in a shielded task of its own
            await super().__aexit__(type_, value, traceback)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, class_=Session)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reading only, on an engine from `read_engine` (on SQLite they do not take
    the write lock)."""
    return async_sessionmaker(engine, expire_on_commit=False, class_=Session)


def autocommit_sessions(
    writes: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession] | None:
    """PostgreSQL: sessions on the writers' pool in autocommit (as app.work.claims runs the
    queue's) for writes whose statements each stand alone (`alone`): no BEGIN and COMMIT round
    trips. Not the readers' pool: a reader held meanwhile never waits on its own write. None
    on SQLite, where every write takes its one writer (`transaction`)."""
    bind = writes.kw.get("bind")
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "postgresql":
        return None
    return async_sessionmaker(
        bind.execution_options(isolation_level="AUTOCOMMIT"),
        expire_on_commit=False,
        class_=Session,
    )


class Foreground:
    """Requests first: while this process serves a request, a background transaction (the
    worker's) waits for a gap, at most `patience` seconds, before it begins. An acknowledgement
    then never queues behind the worker for SQLite's one writer, nor for the event loop, and
    the worker still makes progress under a flood of requests."""

    def __init__(self, patience: float = 0.05, settle: float = 0.002) -> None:
        self.patience = patience
        # A response written is not yet read: the proxy in front (on one machine, the client)
        # needs a core to pass it on. A worker step that began the moment a request ended took
        # that core from it on a 2-core machine: paced acknowledgements at 20 reports a second
        # went from 4.9 to 7.3 ms at the median with the worker on; 2 ms of quiet first, 5.3.
        self.settle = settle
        self._quiet_at = 0.0  # (time.monotonic) from when background work may go on
        self.requests = 0
        # Every worker step (session, Slack call) yields, not only its transactions: on SQLite,
        # where the process is the whole install (build_runtime sets it). With replicas under a
        # steady stream of requests a gap before every step slowed the worker to a crawl.
        self.every_step = False
        self._waiters: list[asyncio.Future[None]] = []

    @contextmanager
    def request(self) -> Iterator[None]:
        self.requests += 1
        try:
            yield
        finally:
            self.requests -= 1
            if self.requests == 0:
                self._quiet_at = time.monotonic() + self.settle
                if self._waiters:
                    asyncio.get_running_loop().call_later(self.settle, self._wake)

    def _wake(self) -> None:
        if self.requests:  # another request began: its end wakes them
            return
        left = self._quiet_at - time.monotonic()
        if left > 0:  # another request ended since: wait for its quiet
            asyncio.get_running_loop().call_later(left, self._wake)
            return
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def gap(self) -> None:
        if self.every_step:
            # A request that has just arrived is not counted until its task's first step, which
            # the loop queues behind this one once it has read the socket: two turns of the loop
            # let it start (and count) before this background step goes on. Without them the
            # worker ran transaction after transaction while an acknowledgement waited unread.
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        left = self._quiet_at - time.monotonic()
        if not self.requests and left <= 0:
            return
        loop = asyncio.get_running_loop()
        if not self.requests:  # a request has just ended: its quiet first
            loop.call_later(left, self._wake)
        waiter = loop.create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, self.patience)
        except TimeoutError:
            with suppress(ValueError):
                self._waiters.remove(waiter)


foreground = Foreground()
_background: ContextVar[bool] = ContextVar("background", default=False)
_in_transaction: ContextVar[bool] = ContextVar("in_transaction", default=False)


@contextmanager
def in_background() -> Iterator[None]:
    """Within it, this task's transactions are background work: they yield to requests."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def outside_transactions() -> Context:
    """The context for a task that background work starts: a copy of this one, but outside any
    transaction. The worker's rows that a request writes start as its transaction commits
    (app.work.at_once), and a task inherits its creator's context: without this their sessions
    counted as inside that transaction and went on without a gap, the moment the request's
    response was written."""
    context = copy_context()
    context.run(_in_transaction.set, False)
    return context


async def yield_to_requests() -> None:
    """In background work, waits for a gap between requests (at most the patience of
    `foreground`) before its next step: a session, a transaction, a platform call. The worker's
    steps then do not crowd the event loop's queue while an acknowledgement runs (each of a
    request's awaits queued behind every ready worker callback: tens of ms at 20 reports a
    second with 16 rows running)."""
    if _background.get() and foreground.every_step:
        await foreground.gap()


class WriterGate:
    """SQLite's one writer connection, handed out requests first. The pool queues its waiters
    in arrival order, so an acknowledgement arriving behind the worker's queued transactions
    (16 rows run at once) waited for all of them; here a request goes before every waiting
    background transaction, and a background one that has waited `patience` seconds goes
    before later requests (a flood of requests does not stop the worker)."""

    def __init__(self, patience: float = 0.05) -> None:
        self.patience = patience
        self._held = False
        self._front: deque[asyncio.Future[None]] = deque()
        self._back: deque[tuple[float, asyncio.Future[None]]] = deque()

    @asynccontextmanager
    async def hold(self, background: bool) -> AsyncIterator[None]:
        await self._acquire(background)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, background: bool) -> None:
        if not self._held and not self._front and not self._back:
            self._held = True
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        if background:
            self._back.append((loop.time(), waiter))
        else:
            self._front.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # it was handed over as we were cancelled: pass it on
            raise

    def _release(self) -> None:
        while self._front or self._back:
            overdue = bool(self._back) and (
                asyncio.get_running_loop().time() - self._back[0][0] > self.patience
            )
            if self._front and not overdue:
                waiter = self._front.popleft()
            else:
                waiter = self._back.popleft()[1]
            if not waiter.done():
                waiter.set_result(None)  # held stays True: the connection passes on
                return
        self._held = False


_gates: WeakKeyDictionary[object, WriterGate] = WeakKeyDictionary()


def _gate_of(bind: object) -> WriterGate | None:
    """The gate of SQLite's writer engine; None for any other bind."""
    return _gates.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits on success, rolls back on any error."""
    background = _background.get()
    if background:
        await foreground.gap()
    gate = _gate_of(sessions.kw.get("bind"))
    token = _in_transaction.set(True)
    try:
        if gate is None:
            async with sessions() as session, session.begin():
                yield session
            return
        async with gate.hold(background), sessions() as session, session.begin():
            yield session
    finally:
        _in_transaction.reset(token)


@asynccontextmanager
async def alone(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session from `autocommit_sessions`: its statements commit as they run; objects added
    to it are written at the end. Background work waits for a gap first, as in `transaction`."""
    if _background.get():
        await foreground.gap()
    token = _in_transaction.set(True)
    try:
        async with sessions() as session:
            yield session
            await session.commit()
    finally:
        _in_transaction.reset(token)
