"""Token buckets that keep the worker under Slack's rate limits, so a storm waits instead of failing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.work.queue import Defer


@dataclass
class Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float


class Pacer:
    """`await pacer.wait(key, ticket)` returns when one more call under `key` stays within its
    limit, or raises `Defer` when that is more than `longest` seconds away: the work row is
    released until its turn instead of holding the worker (and its lease) while it waits.

    The turn is a reservation: a row that comes back (its `ticket`, the work row's id) keeps
    its place instead of queueing again behind the rows deferred after it. Limits are per
    process; Slack's 429 with Retry-After is the backstop across replicas.
    """

    def __init__(
        self,
        limits: dict[str, tuple[float, float]],
        clock: Callable[[], float] = time.monotonic,
        *,
        longest: float = 2.0,
    ) -> None:
        self.limits = limits  # key prefix → (burst, calls per second)
        self.clock = clock
        self.longest = longest
        self._buckets: dict[str, Bucket] = {}
        self._turns: dict[tuple[str, object], float] = {}  # (key, ticket) → reserved time

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

    def turn(self, key: str, ticket: object) -> float:
        """Seconds until `ticket`'s call under `key` may go; reserves a place the first time."""
        now = self.clock()
        at = self._turns.get((key, ticket))
        if at is None:
            at = self._turns[(key, ticket)] = now + self.delay(key)
            if len(self._turns) > 10_000:  # turns of rows another replica took over
                self._turns = {k: v for k, v in self._turns.items() if v > now - 600}
        return max(0.0, at - now)

    async def wait(self, key: str, ticket: object = None) -> None:
        ticket = ticket if ticket is not None else object()
        pause = self.turn(key, ticket)
        if pause > self.longest:
            raise Defer(f"paced: {key}", after=pause)
        del self._turns[(key, ticket)]
        if pause > 0:
            await asyncio.sleep(pause)


# Slack: conversations.create is Tier 2 (about 20 a minute); posting about 1 a second per
# channel with short bursts allowed.
SLACK_LIMITS = {"conversations.create": (5.0, 20 / 60), "post": (5.0, 1.0)}
