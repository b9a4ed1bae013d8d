"""When rows written or put off in this process fall due: one timer for the earliest of them.

A worker runs the rows its process writes for later (a follow-up's prompt) or puts off (a room
waiting for Slack's channel limit, a retry after Retry-After) as they fall due, so its claim
tick need only be a backstop (app.work.scheduler `tick_interval`).
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from datetime import datetime

KEPT = 10_000  # due times kept; beyond, the earliest are kept and the tick finds the rest
LATE = 0.005  # seconds after a due time that its callback runs: claims compare with the clock
APART = 0.2  # seconds at least between calls: rows falling due closer are claimed together


class DueTimer:
    """Calls `fall_due` as each expected time comes: once for the times that come together, and
    at most once in `APART` seconds (a dense stream of rows is claimed a few at a time, each
    at most that late, rather than one claim a row)."""

    def __init__(self, fall_due: Callable[[], None]) -> None:
        self.fall_due = fall_due
        self._times: list[float] = []  # loop times, a heap
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._rang_at = float("-inf")

    def expect(self, due: list[datetime], now: datetime) -> None:
        """`due` by the clock that says `now`; nothing outside a running loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        at = loop.time()
        for when in due:
            heapq.heappush(self._times, at + max(0.0, (when - now).total_seconds()) + LATE)
        if len(self._times) > KEPT:
            self._times = heapq.nsmallest(KEPT, self._times)
        self._arm(loop)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._times.clear()

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._times:
            return
        at = max(self._times[0], self._rang_at + APART)
        if self._timer is not None and self._timer_at <= at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        self._timer = loop.call_at(at, self._ring, loop)

    def _ring(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = self._rang_at = loop.time()
        while self._times and self._times[0] <= now:
            heapq.heappop(self._times)
        self.fall_due()
        self._arm(loop)
