"""PostgreSQL's engines: their pools, a ping only for connections idle a while, and a server
that cannot be reached raised as SQLAlchemy's OperationalError (app.db picks the engine); the
work queue's hot statements on asyncpg directly (`Lane`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.expression import Executable

# What asyncpg raises when it cannot open a connection: the network's errors (refused, unknown
# host, timed out are all OSError) and the server's refusals (no such database, bad login).
_CONNECT_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)
# What the lane raises as OperationalError: a connection lost or closed under a statement, or
# one that could not be opened (`_connect` raises the dialect's).
_LOST = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    AsyncAdapt_asyncpg_dbapi.OperationalError,
)

# A pooled PostgreSQL connection idle longer than this is pinged before use (one that was in
# use a moment ago is not: a ping on every checkout was a third of a busy replica's round trips).
PING_AFTER_IDLE_S = 10.0

# Statements each connection keeps prepared (SQLAlchemy's asyncpg dialect prepares every one it
# runs; one it no longer holds is parsed and planned again). The load test's database saw 112
# different statements (pg_stat_statements, its migration's among them), near the dialect's
# default of 100; the ops pages, approvals and follow-ups run more.
PREPARED = 500


# PostgreSQL connections per process: the writers' pool and the readers' (`read_engine`), each
# kept open up to `pool_size`, with up to `max_overflow` more opened past it and closed on return
# (opening connections over and over costs both sides). Sized from the two-replica load test
# (`python -m bench --quick --only load`, pg_stat_activity sampled every 20 ms): at most 14 and
# 11 write and 10 and 6 read connections open on the two replicas (16 work slots each and the
# requests beside them).
# A process may open 37 at most (a single pool of 20 + 10 before): two replicas, 74, leave a
# quarter of PostgreSQL's default max_connections (100) to benches, migrations and psql.
# The work queue's statements run on a pool of their own (`Lane`, LANE_POOL), taken from the
# writers' pool they ran on before: 37 a process at most, as before.
WRITE_POOL: dict[str, object] = {"pool_size": 16, "max_overflow": 3}
READ_POOL: dict[str, object] = {"pool_size": 8, "max_overflow": 4}
LANE_POOL: dict[str, Any] = {"min_size": 1, "max_size": 6}
LANE_STATEMENTS = 100  # statements a lane keeps compiled (the hot ones are a handful)


def create_engine(url: str, **kwargs: object) -> AsyncEngine:
    """A PostgreSQL engine (asyncpg): the writers' pool, or with `kwargs` the readers'."""
    options = {**WRITE_POOL, **kwargs}
    connect = {"async_creator_fn": _connect, "prepared_statement_cache_size": PREPARED}
    engine = create_async_engine(url, connect_args=connect, **options)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """SQLAlchemy's `pool_pre_ping` pings on every checkout; this pings only connections idle
    for PING_AFTER_IDLE_S (those a database restart or a firewall may have cut). A dead one is
    discarded and the pool tries another, as with pre-ping; a restart in the middle of busy
    work fails the statements in flight either way (requests say "try again", work rows retry),
    and SQLAlchemy then invalidates the whole pool."""
    sync = engine.sync_engine

    @event.listens_for(sync, "checkin")
    def _checked_in(dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync, "checkout")
    def _checked_out(dbapi_connection, record, proxy):  # type: ignore[no-untyped-def]
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            alive = sync.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection is gone: {exc!r}") from exc
        if not alive:
            raise DisconnectionError("pooled connection is gone")


async def _connect(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """asyncpg's connect for SQLAlchemy's asyncpg dialect (its `async_creator_fn`, given the
    URL's parts and query as arguments), as the URL's reader expects:
    - `sslmode` (libpq's spelling, which DATABASE_URL keeps for psycopg and every other tool)
      is given as asyncpg's `ssl`, which takes the same values;
    - a failure to connect is raised as the driver's OperationalError: asyncpg raises its own
      errors (refused, unknown host, timed out, a database or login the server refuses),
      which SQLAlchemy would pass on unwrapped, so the CLI and the requests name an
      unreachable database the same way whichever step found it."""
    if "sslmode" in kwargs:
        kwargs["ssl"] = kwargs.pop("sslmode")
    try:
        return await asyncpg.connect(*args, **kwargs)
    except _CONNECT_ERRORS as exc:
        raise AsyncAdapt_asyncpg_dbapi.OperationalError(str(exc), exc) from exc


@dataclass(frozen=True)
class _Compiled:
    """A Core statement as the engine's dialect compiles it, ready for asyncpg: its SQL ($1 …),
    each positional parameter's name, literal value and bind processor, and each result
    column's result processor (None where the value needs none)."""

    sql: str
    binds: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]
    results: tuple[Callable[[Any], Any] | None, ...]

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, literal, bind in self.binds:
            value = params[name] if name in params else literal
            values.append(bind(value) if bind is not None else value)
        return values

    def row(self, record: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            load(value) if load is not None else value
            for load, value in zip(self.results, record, strict=True)
        )


class Lane:
    """Statements built once in SQLAlchemy Core, run on asyncpg directly, each in autocommit on a
    small pool of their own (LANE_POOL): for the hottest few, the work queue's claim and
    completion, the rooms' snapshot (`snapshot_row.read`) and the saved ts of a post
    (`Ledger.run_alone`), two fifths of an incident's statements. Through SQLAlchemy such a
    statement spent about 400 µs of CPU in the connection's checkout and return and in Core's
    execution around the driver's own 100-250 µs (the completion and claim: 615 → 213-257 µs,
    docs/performance.md). What SQLAlchemy does for them is kept: the engine's dialect compiles
    each statement once, its parameters and results go through the same type processing (sealed
    payloads, UTC timestamps), JSON is coded as the dialect's own connections code it, and the
    driver's errors are raised as SQLAlchemy's (`OperationalError` for a connection that is gone
    or cannot be opened). A connection idle for PING_AFTER_IDLE_S is closed rather than pinged."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.dialect = engine.dialect
        args, kwargs = self.dialect.create_connect_args(engine.url)
        kwargs.pop("prepared_statement_cache_size", None)  # (the dialect's, not asyncpg's)
        self._connect = args, kwargs
        self._pool: asyncpg.Pool | None = None
        self._compiled: dict[int, tuple[Executable, _Compiled]] = {}
        self.observers: list[Callable[[str], None]] = []  # each statement's SQL (bench.statements)

    async def rows(self, statement: Executable, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """`statement`'s rows (all of them) with `params`, in a transaction of its own."""
        compiled = self._compile(statement)
        args = compiled.args(params)
        for observe in self.observers:
            observe(compiled.sql)
        try:
            pool = self._pool or await self._open()
            async with pool.acquire() as connection:
                records = await connection.fetch(compiled.sql, *args)
        except _LOST as exc:
            raise OperationalError(compiled.sql, None, exc) from exc
        except asyncpg.PostgresError as exc:
            raise DBAPIError(compiled.sql, None, exc) from exc
        return [compiled.row(record) for record in records]

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    def _compile(self, statement: Executable) -> _Compiled:
        """Compiled once per statement (the hot ones are built once, `functools.cache`)."""
        found = self._compiled.get(id(statement))
        if found is not None and found[0] is statement:
            return found[1]
        if len(self._compiled) >= LANE_STATEMENTS:  # (statements built per call: not kept)
            self._compiled.clear()
        dialect = self.dialect
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        if compiled.insert_prefetch or compiled.update_prefetch:  # (SQLAlchemy computes them)
            raise ValueError("the lane runs statements without Python-side column defaults")
        binds = tuple(
            (name, bind.value, bind.type.dialect_impl(dialect).bind_processor(dialect))
            for name, bind in ((name, compiled.binds[name]) for name in compiled.positiontup)
        )
        columns = statement.exported_columns  # type: ignore[attr-defined]
        results = tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        )
        ready = _Compiled(compiled.string, binds, results)
        self._compiled[id(statement)] = (statement, ready)
        return ready

    async def _open(self) -> asyncpg.Pool:
        args, kwargs = self._connect
        pool = await asyncpg.create_pool(
            *args,
            **kwargs,
            **LANE_POOL,
            connect=_connect,
            init=_json_codecs,
            reset=_reset,
            max_inactive_connection_lifetime=PING_AFTER_IDLE_S,
        )
        if self._pool is None:
            self._pool = pool
        else:  # (two first statements at once: one pool is kept)
            await pool.close()
        return self._pool


async def _json_codecs(connection: asyncpg.Connection) -> None:
    """JSON and JSONB coded as SQLAlchemy's asyncpg dialect codes them on its connections
    (`setup_asyncpg_json_codec`, `setup_asyncpg_jsonb_codec`): parameters come already
    serialised by the types' bind processors, results are parsed here."""
    await connection.set_type_codec(
        "json",
        encoder=str.encode,
        decoder=lambda raw: json.loads(raw.decode()),
        schema="pg_catalog",
        format="binary",
    )
    await connection.set_type_codec(
        "jsonb",
        encoder=lambda text: b"\x01" + text.encode(),  # (jsonb's binary format: version 1)
        decoder=lambda raw: json.loads(raw[1:].decode()),
        schema="pg_catalog",
        format="binary",
    )


async def _reset(connection: asyncpg.Connection) -> None:
    """A connection back in the lane's pool: every statement there is its own transaction and
    sets nothing, so asyncpg's reset (a round trip: advisory locks, cursors, listeners,
    settings) has nothing to undo; a transaction left open by a failure is rolled back."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")
