"""Requests first: the worker's transactions wait for a gap in the requests, a bounded time."""

from __future__ import annotations

import asyncio
import time

from app.db import Foreground, foreground, in_background, transaction
from app.runtime import Runtime


async def test_a_background_transaction_waits_for_the_request_in_flight(runtime: Runtime) -> None:
    order: list[str] = []

    async def worker() -> None:
        with in_background():
            async with transaction(runtime.sessions):
                order.append("worker")

    with foreground.request():
        task = asyncio.create_task(worker())
        await asyncio.sleep(0.01)  # the worker is waiting, not writing
        async with transaction(runtime.sessions):  # the request's own transaction does not wait
            order.append("request")
    await task
    assert order == ["request", "worker"]


async def test_under_a_flood_of_requests_the_worker_still_moves(runtime: Runtime) -> None:
    with foreground.request():
        begin = time.monotonic()
        with in_background():
            async with transaction(runtime.sessions):
                pass
        waited = time.monotonic() - begin
    assert foreground.patience * 0.9 <= waited < 1.0


async def test_the_app_counts_its_requests(runtime: Runtime) -> None:
    import httpx

    from app.main import create_app

    seen: list[int] = []
    app = create_app(runtime.settings, runtime=runtime, start_worker=False)

    @app.get("/probe")
    async def probe() -> dict[str, int]:
        seen.append(foreground.requests)
        return {}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        assert (await http.get("/probe")).status_code == 200
    assert seen == [1] and foreground.requests == 0


async def test_background_work_waits_for_a_moment_of_quiet_after_a_request() -> None:
    """The response's reader (the proxy in front, a client on the same machine) gets the CPU
    before the worker's next step: that step begins `settle` after the last request ended."""
    front = Foreground(patience=5.0, settle=0.2)
    ran: list[str] = []

    async def step() -> None:
        await front.gap()
        ran.append("step")

    with front.request():
        task = asyncio.create_task(step())
        await asyncio.sleep(0)
    for _ in range(10):
        await asyncio.sleep(0)
    assert ran == []  # the request ended just now: its quiet first
    await asyncio.sleep(0.1)
    with front.request():  # another request within the quiet: the quiet counts from its end
        pass
    await asyncio.sleep(0.15)
    assert ran == []
    await asyncio.wait_for(task, 1.0)
    assert ran == ["step"]


async def test_once_quiet_background_work_goes_on_at_once() -> None:
    front = Foreground(patience=5.0, settle=0.05)
    with front.request():
        pass
    await asyncio.sleep(0.1)
    waiter = asyncio.ensure_future(front.gap())
    await asyncio.sleep(0)
    assert waiter.done()


async def test_a_request_just_read_goes_before_the_next_background_step() -> None:
    """On SQLite (every background step yields) a request whose task the loop has only just
    queued, its first step not yet run and so not yet counted, still goes first: the step
    lets the loop turn twice before it looks."""
    front = Foreground(patience=5.0, settle=0.0)
    front.every_step = True
    order: list[str] = []
    answered = asyncio.Event()

    async def request() -> None:
        with front.request():
            order.append("request begins")
            await answered.wait()
            order.append("request ends")

    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: loop.create_task(request()))  # the loop's read of a new request
    loop.call_later(0.05, answered.set)
    await front.gap()
    order.append("background step")
    assert order == ["request begins", "request ends", "background step"]
