"""PostgreSQL reads: a pool of their own, in autocommit (no transaction held across a read)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import transaction
from app.runtime import Runtime

# now() is the start of the current transaction: two statements apart in one transaction share it
TWO_NOWS = ("SELECT now()", "SELECT pg_sleep(0.01), now()")


async def test_a_read_session_holds_no_transaction_on_postgresql(
    runtime: Runtime, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("SQLite readers read a snapshot per transaction (WAL)")
    async with runtime.service.reads() as session:
        first = (await session.execute(text(TWO_NOWS[0]))).scalar_one()
        second = (await session.execute(text(TWO_NOWS[1]))).one()[1]
    assert second > first  # each statement its own transaction: autocommit
    async with transaction(runtime.sessions) as session:
        first = (await session.execute(text(TWO_NOWS[0]))).scalar_one()
        second = (await session.execute(text(TWO_NOWS[1]))).one()[1]
    assert second == first  # the writers' connections are not left in autocommit
    assert runtime.reader is not None
    assert runtime.reader.sync_engine.pool is not runtime.engine.sync_engine.pool
