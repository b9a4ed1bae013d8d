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


def start_scheduler(queue: WorkQueue, *, interval: float) -> AsyncIOScheduler:
    """Starts the tick; each replica claims its own rows, so job stores are never shared."""
    queue.poking = True
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def tick() -> None:
        try:
            while await queue.dispatch() >= queue.batch:
                pass  # a full batch means more may be due: claim again while slots are free
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
