"""Requests first: the worker's transactions wait for a gap in the requests, a bounded time."""

from __future__ import annotations

import asyncio
import time

from app.db import foreground, in_background, transaction
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
