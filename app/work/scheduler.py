"""APScheduler (in-memory, one per replica) ticks the work claimer and runs calendar jobs."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.work.queue import WorkQueue

log = logging.getLogger(__name__)


def start_scheduler(queue: WorkQueue, *, interval: float) -> AsyncIOScheduler:
    """Starts the tick; each replica claims its own rows, so job stores are never shared."""
    queue.poking = True
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def tick() -> None:
        try:
            while await queue.run_once() >= queue.batch:
                pass  # a full batch means more may be due: keep going without waiting
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
