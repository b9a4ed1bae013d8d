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
