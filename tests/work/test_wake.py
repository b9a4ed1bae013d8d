"""PostgreSQL: a web process without a worker wakes the worker processes at once (NOTIFY)."""

from __future__ import annotations

import asyncio

import pytest

from app.runtime import build_runtime
from app.work.queue import Claimed
from app.work.wake import Notifier, listen
from tests.conftest import make_settings


async def test_a_web_process_wakes_a_worker_process_without_a_tick(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's (on SQLite, one process does both)")
    web = build_runtime(make_settings(database_url))
    worker = build_runtime(make_settings(database_url))
    ran: list[int] = []

    async def handle(item: Claimed) -> None:
        ran.append(item.id)

    worker.queue.register("test.echo", handle)
    worker.queue.poking = True  # a worker process, its tick not started: only a wake-up runs it
    web.queue.notifier = Notifier(web.engine)
    listener = asyncio.create_task(listen(database_url, worker.queue.poke))
    try:
        await asyncio.sleep(0.3)  # listening
        ran.clear()
        from app.work.queue import WorkSpec

        await web.queue.enqueue(WorkSpec("test.echo"))  # enqueue pokes: here, a NOTIFY
        for _ in range(100):
            if ran:
                break
            await asyncio.sleep(0.02)
        assert len(ran) == 1
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await web.close()
        await worker.close()


async def test_a_listener_whose_connection_is_cut_listens_again(database_url: str) -> None:
    """A database restart or a proxy cutting the listener's connection: the listener notices
    (asyncpg's termination callback, not a poll), connects again and wakes the worker for
    what was written meanwhile, then hears the next NOTIFY."""
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    woken = asyncio.Event()
    listener = asyncio.create_task(listen(database_url, woken.set, retry=0.05))
    admin = await asyncpg.connect(dsn)
    try:
        await asyncio.wait_for(woken.wait(), 5)  # its first wake, once listening
        woken.clear()
        cut = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE query LIKE 'LISTEN %leakdesk_work%' AND pid <> pg_backend_pid()"
        )
        assert cut >= 1
        await asyncio.wait_for(woken.wait(), 5)  # listening again: the wake for the gap
        woken.clear()
        await admin.execute("NOTIFY leakdesk_work")
        await asyncio.wait_for(woken.wait(), 5)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await admin.close()


async def test_a_worker_with_no_free_slot_wakes_the_others_for_the_row_it_cannot_take(
    database_url: str,
) -> None:
    """Two worker processes, their ticks not started: one has every slot busy when a row is
    written there, so it tells the others (NOTIFY), and the idle one runs the row at once
    instead of at its 5 s backstop tick."""
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's (on SQLite, one process does both)")
    from app.work.queue import WorkSpec

    busy, idle = (
        build_runtime(make_settings(database_url)),
        build_runtime(make_settings(database_url)),
    )
    release = asyncio.Event()
    ran: list[str] = []

    async def hold(item: Claimed) -> None:
        await release.wait()

    async def echo(item: Claimed) -> None:
        ran.append(item.kind)

    busy.queue.concurrency = 1
    busy.queue.register("test.hold", hold)
    busy.queue.register("test.echo", echo)
    idle.queue.register("test.echo", echo)
    for runtime in (busy, idle):
        runtime.queue.poking = True  # worker processes, their ticks not started
        runtime.queue.notifier = Notifier(runtime.engine)
    listener = asyncio.create_task(listen(database_url, idle.queue.poke))
    try:
        await asyncio.sleep(0.3)  # listening
        await busy.queue.enqueue(WorkSpec("test.hold"))  # taken at once: its one slot is busy
        assert busy.queue._in_flight == 1
        await busy.queue.enqueue(WorkSpec("test.echo"))  # no slot here: the others are told
        for _ in range(100):
            if ran:
                break
            await asyncio.sleep(0.02)
        assert ran == ["test.echo"]
    finally:
        release.set()
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await busy.queue.close()
        await idle.queue.close()
        await busy.close()
        await idle.close()
