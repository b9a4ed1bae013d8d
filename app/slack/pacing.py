"""Token buckets that keep the worker under Slack's rate limits, so a storm waits instead of failing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float


class Pacer:
    """`await pacer.wait(key)` returns when one more call under `key` stays within its limit.

    Limits are per process; Slack's 429 with Retry-After is the backstop across replicas.
    """

    def __init__(
        self, limits: dict[str, tuple[float, float]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits  # key prefix → (burst, calls per second)
        self.clock = clock
        self._buckets: dict[str, Bucket] = {}
        self._lock = asyncio.Lock()

    def delay(self, key: str) -> float:
        """Takes a token for `key` and says how long to wait before using it."""
        prefix = key.split(":", 1)[0]
        if prefix not in self.limits:
            return 0.0
        burst, rate = self.limits[prefix]
        now = self.clock()
        bucket = self._buckets.setdefault(key, Bucket(burst, rate, burst, now))
        bucket.tokens = min(bucket.capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        bucket.tokens -= 1
        return 0.0 if bucket.tokens >= 0 else -bucket.tokens / rate

    async def wait(self, key: str) -> None:
        async with self._lock:
            pause = self.delay(key)
        if pause > 0:
            await asyncio.sleep(pause)


# Slack: conversations.create is Tier 2 (about 20 a minute); posting about 1 a second per
# channel with short bursts allowed.
SLACK_LIMITS = {"conversations.create": (5.0, 20 / 60), "post": (5.0, 1.0)}
