"""SQLite's one writer: statements run on the event loop, and a write lock that another process
holds (a CLI's, say) is waited for off it."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy.engine import make_url

from app.runtime import Runtime


async def test_a_write_waits_for_another_process_without_stopping_the_loop(
    runtime: Runtime, database_url: str, is_postgres: bool
) -> None:
    if is_postgres:
        pytest.skip("SQLite's write lock")
    other = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing
    try:
        write = asyncio.create_task(runtime.service.first_delivery("sig:held"))
        await asyncio.sleep(0.2)  # the loop runs on while the write waits for the lock
        assert not write.done()
    finally:
        other.execute("COMMIT")
        other.close()
    assert await write is True  # it was written once the lock came free, not refused
    assert await runtime.service.first_delivery("sig:held") is False
