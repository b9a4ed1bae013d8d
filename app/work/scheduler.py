"""APScheduler (in-memory, one per replica) ticks the work claimer and runs calendar jobs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import IntegrityError

from app.models import utcnow
from app.vocabulary import WorkKind
from app.work.queue import WorkQueue, WorkSpec

log = logging.getLogger(__name__)


LOOK_S = 0.5  # the tick where nothing tells the worker of rows (SQLite)
BACKSTOP_S = 5.0  # the tick where processes tell each other (PostgreSQL's LISTEN/NOTIFY)


def tick_interval(configured: float | None, *, told: bool) -> float:
    """Seconds between the worker's looks for due rows (`LEAKDESK_WORKER_INTERVAL` if set).

    A worker is told of most rows: those written or put off in its own process run at once or
    when they fall due (`WorkQueue.expect`), and with `told` (PostgreSQL, where it LISTENs) a
    web process's NOTIFY wakes it. Then the tick is a backstop, for a row whose lease ran out
    (a replica that died) or a notification lost while the listener reconnected, and it looks
    ahead for rows other processes wrote for later (`start_scheduler`): 5 s. Each empty claim
    costs a statement, and the half second ticks were about 3 ms of CPU a second per replica.
    Not told (SQLite: a `leakdesk worker` beside a web process learns of its rows only by
    looking), every 0.5 s."""
    if configured is not None:
        return configured
    return BACKSTOP_S if told else LOOK_S


def start_scheduler(
    queue: WorkQueue, *, interval: float, look_ahead: bool = False
) -> AsyncIOScheduler:
    """Starts the tick; each replica claims its own rows, so job stores are never shared. With
    `look_ahead` (a backstop tick), each tick also expects the rows falling due before the
    next one, whichever process wrote them (a follow-up's prompts written by another replica,
    or before a restart): they are claimed as they fall due, not up to a tick late."""
    queue.poking = True
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def tick() -> None:
        try:
            while await queue.dispatch() >= queue.batch:
                pass  # a full batch means more may be due: claim again while slots are free
            if look_ahead:
                await queue.look_ahead(interval)
        except Exception:
            log.exception("work tick failed")

    scheduler.add_job(
        tick,
        "interval",
        seconds=interval,
        id="work-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler


def schedule_housekeeping(
    scheduler: AsyncIOScheduler, forget: Callable[[], Awaitable[int]], *, every: float = 3600
) -> None:
    """Hourly, forgets the platform deliveries that can no longer repeat
    (app.incidents.deliveries); every replica runs it, which deletes nothing twice."""

    async def housekeeping() -> None:
        try:
            if forgotten := await forget():
                log.info("forgot %d handled deliveries", forgotten)
        except Exception:
            log.exception("housekeeping failed")

    scheduler.add_job(
        housekeeping,
        "interval",
        seconds=every,
        id="housekeeping",
        max_instances=1,
        coalesce=True,
    )


def schedule_digest(scheduler: AsyncIOScheduler, queue: WorkQueue, *, at: time, tz: str) -> None:
    """The morning digest at `at` local time; every replica runs the cron, one digest is sent."""
    scheduler.add_job(
        digest_job(queue, tz),
        "cron",
        hour=at.hour,
        minute=at.minute,
        timezone=tz,
        id="morning-digest",
        coalesce=True,
        misfire_grace_time=3600,
    )


def digest_job(
    queue: WorkQueue, tz: str, clock: Callable[[], datetime] = utcnow
) -> Callable[[], Awaitable[bool]]:
    """Enqueues the day's digest row; its dedupe key makes a second replica's attempt a no-op."""

    async def enqueue() -> bool:
        day = clock().astimezone(ZoneInfo(tz)).date().isoformat()
        try:
            await queue.enqueue(
                WorkSpec(WorkKind.DIGEST, {"day": day}, dedupe_key=f"{WorkKind.DIGEST}:{day}")
            )
        except IntegrityError:
            return False
        return True

    return enqueue
