"""PostgreSQL's engines: their pools, a ping only for connections idle a while, and a server
that cannot be reached raised as SQLAlchemy's OperationalError (app.db picks the engine)."""

from __future__ import annotations

import time
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# What asyncpg raises when it cannot open a connection: the network's errors (refused, unknown
# host, timed out are all OSError) and the server's refusals (no such database, bad login).
_CONNECT_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)

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
WRITE_POOL: dict[str, object] = {"pool_size": 20, "max_overflow": 5}
READ_POOL: dict[str, object] = {"pool_size": 8, "max_overflow": 4}


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
