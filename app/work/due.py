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


class DueTimer:
    """Calls `fall_due` as each expected time comes (once for times that come together)."""

    def __init__(self, fall_due: Callable[[], None]) -> None:
        self.fall_due = fall_due
        self._times: list[float] = []  # loop times, a heap
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

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
        if not self._times or (self._timer is not None and self._timer_at <= self._times[0]):
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = self._times[0]
        self._timer = loop.call_at(self._timer_at, self._ring, loop)

    def _ring(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        while self._times and self._times[0] <= now:
            heapq.heappop(self._times)
        self.fall_due()
        self._arm(loop)
