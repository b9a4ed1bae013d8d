"""SQLite's one writer: statements run on the event loop, and a write lock that another process
holds (a CLI's, say) is waited for off it."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.cleanup import run_to_completion
from app.db import transaction
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


async def test_a_transaction_on_sqlites_writer_ends_without_leaving_the_loop(
    runtime: Runtime, is_postgres: bool
) -> None:
    """Closing the session does not wait for anything there (its statements run on this
    thread), so it runs in the caller's step: no task of its own, no turn of the loop where
    the worker's queued callbacks would run before an acknowledgement's response."""
    if is_postgres:
        pytest.skip("SQLite's writer")
    loop = asyncio.get_running_loop()
    made: list[object] = []
    previous = loop.get_task_factory()
    loop.set_task_factory(
        lambda loop, coro, **kw: made.append(coro) or asyncio.Task(coro, loop=loop, **kw)
    )
    try:
        async with transaction(runtime.sessions) as session:
            await session.execute(text("SELECT 1"))
    finally:
        loop.set_task_factory(previous)
    assert made == []


async def test_a_close_that_waits_finishes_even_when_its_caller_is_cancelled() -> None:
    opened = asyncio.Event()
    closed: list[str] = []

    async def close() -> str:
        await opened.wait()
        closed.append("closed")
        return "done"

    async def quick() -> str:
        return "at once"

    assert await run_to_completion(quick()) == "at once"
    caller = asyncio.create_task(run_to_completion(close()))
    await asyncio.sleep(0)
    caller.cancel()
    await asyncio.sleep(0)
    assert not caller.done()  # the close goes on, shielded
    opened.set()
    with pytest.raises(asyncio.CancelledError):
        await caller  # and the cancellation is raised once it is done
    assert closed == ["closed"]
    assert await run_to_completion(close()) == "done"


async def test_an_error_in_a_close_that_waits_reaches_the_caller() -> None:
    async def close() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("the pool is gone")

    with pytest.raises(RuntimeError, match="the pool is gone"):
        await run_to_completion(close())
