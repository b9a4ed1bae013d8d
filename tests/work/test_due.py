"""The timer for rows falling due (app.work.due): each expected time rings, none early, and a
dense stream rings at most once in APART seconds."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.models import utcnow
from app.work.due import APART, DueTimer


async def test_each_time_rings_once_it_has_come_and_never_early() -> None:
    loop = asyncio.get_running_loop()
    rang: list[float] = []
    timer = DueTimer(lambda: rang.append(loop.time()))
    start, now = loop.time(), utcnow()
    timer.expect([now + timedelta(seconds=0.3), now + timedelta(seconds=0.1)], now)
    await asyncio.sleep(0.5)
    assert len(rang) == 2
    assert rang[0] - start >= 0.1 and rang[1] - start >= 0.3


async def test_a_dense_stream_rings_a_few_at_a_time() -> None:
    """Forty rows 5 ms apart: a claim every APART seconds, each taking those due, not forty."""
    loop = asyncio.get_running_loop()
    rang: list[float] = []
    timer = DueTimer(lambda: rang.append(loop.time()))
    now = utcnow()
    timer.expect([now + timedelta(seconds=0.05 + 0.005 * i) for i in range(40)], now)
    await asyncio.sleep(0.6)
    assert 2 <= len(rang) <= 0.2 / APART + 2
    assert all(b - a >= APART * 0.9 for a, b in zip(rang, rang[1:], strict=False))
    timer.cancel()


async def test_cancelled_it_rings_no_more() -> None:
    rang: list[int] = []
    timer = DueTimer(lambda: rang.append(1))
    now = utcnow()
    timer.expect([now + timedelta(seconds=0.05)], now)
    timer.cancel()
    await asyncio.sleep(0.15)
    assert rang == []
