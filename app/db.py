"""The database engine and session factory: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
    "postgresql+asyncpg": "postgresql+psycopg",
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
    if driver not in ("sqlite+aiosqlite", "postgresql+psycopg"):
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
    options: dict[str, object] = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    options.update(kwargs)
    return create_async_engine(url, **options)


def read_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine for reading only. On SQLite it is a second engine with its own pool: the
    write engine has one connection (see `_sqlite_engine`) and readers, who need no lock in WAL
    mode, must not queue behind the writers. On PostgreSQL it is the same pool."""
    if engine.dialect.name != "sqlite":
        return engine.execution_options(readonly=True)
    url = engine.url.render_as_string(hide_password=False)
    if engine.url.database in (None, "", ":memory:"):  # one connection: there is no other
        return engine.execution_options(readonly=True)
    return _sqlite_engine(url, pool_size=5, max_overflow=10).execution_options(readonly=True)


def _sqlite_engine(url: str, **kwargs: object) -> AsyncEngine:
    # One connection for the process's writers: they queue for it in order (an asyncio queue)
    # instead of polling SQLite's write lock, whose busy handler sleeps 1, 2, 5 … 100 ms between
    # tries and serves no one in order: 20 concurrent writers made tails of seconds.
    # (An in-memory database has one connection anyway: SQLAlchemy's StaticPool.)
    options: dict[str, object] = {}
    if make_url(url).database not in (None, "", ":memory:"):
        options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
    options.update(kwargs)
    engine = create_async_engine(url, connect_args={"timeout": 30}, **options)

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
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # Readers need no write lock: in WAL mode they read a snapshot beside the one writer.
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reading only, on an engine from `read_engine` (on SQLite they do not take
    the write lock)."""
    return async_sessionmaker(engine, expire_on_commit=False)


class Foreground:
    """Requests first: while this process serves a request, a background transaction (the
    worker's) waits for a gap, at most `patience` seconds, before it begins. An acknowledgement
    then never queues behind the worker for SQLite's one writer, nor for the event loop, and
    the worker still makes progress under a flood of requests."""

    def __init__(self, patience: float = 0.05) -> None:
        self.patience = patience
        self.requests = 0
        self._waiters: list[asyncio.Future[None]] = []

    @contextmanager
    def request(self) -> Iterator[None]:
        self.requests += 1
        try:
            yield
        finally:
            self.requests -= 1
            if self.requests == 0:
                waiters, self._waiters = self._waiters, []
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

    async def gap(self) -> None:
        if not self.requests:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter, self.patience)
        except TimeoutError:
            with suppress(ValueError):
                self._waiters.remove(waiter)


foreground = Foreground()
_background: ContextVar[bool] = ContextVar("background", default=False)


@contextmanager
def in_background() -> Iterator[None]:
    """Within it, this task's transactions are background work: they yield to requests."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits on success, rolls back on any error."""
    if _background.get():
        await foreground.gap()
    async with sessions() as session, session.begin():
        yield session
