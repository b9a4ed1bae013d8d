"""Handled deliveries are forgotten after a day (nothing can repeat them by then), hourly, on
every replica without harm; before that a retry is still refused."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select

from app.incidents.deliveries import DELIVERY_MEMORY
from app.models import ProcessedEvent, utcnow
from app.ops.auth import SESSION_MAX_AGE
from app.runtime import Runtime
from app.slack.bodies import STALE_SECONDS
from app.work.scheduler import schedule_housekeeping


async def _count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0)


async def test_a_delivery_is_refused_within_a_day_and_forgotten_after(runtime: Runtime) -> None:
    service = runtime.service
    assert await service.first_delivery("Ev0RETRIED")
    assert not await service.first_delivery("Ev0RETRIED")  # Slack's retry: handled once

    now = utcnow()
    assert await service.forget_deliveries(now + DELIVERY_MEMORY - timedelta(minutes=1)) == 0
    assert not await service.first_delivery("Ev0RETRIED")  # still remembered
    assert await service.forget_deliveries(now + DELIVERY_MEMORY + timedelta(minutes=1)) == 1
    assert await _count(runtime) == 0
    # A second replica running the same job finds nothing left to delete.
    assert await service.forget_deliveries(now + DELIVERY_MEMORY + timedelta(minutes=2)) == 0


async def test_the_memory_outlives_every_window_it_guards() -> None:
    assert DELIVERY_MEMORY.total_seconds() > SESSION_MAX_AGE  # an ended ops session stays ended
    assert DELIVERY_MEMORY.total_seconds() > STALE_SECONDS  # a replayed signature stays refused


async def test_housekeeping_runs_hourly_and_survives_a_failure(runtime: Runtime) -> None:
    calls: list[str] = []

    async def failing() -> int:
        calls.append("run")
        raise RuntimeError("database is down")

    scheduler = AsyncIOScheduler(timezone="UTC")
    schedule_housekeeping(scheduler, failing)
    (job,) = scheduler.get_jobs()
    assert job.id == "housekeeping" and job.trigger.interval == timedelta(hours=1)
    await job.func()  # logs, never raises into the scheduler
    assert calls == ["run"]

    schedule_housekeeping(
        scheduler := AsyncIOScheduler(timezone="UTC"), runtime.service.forget_deliveries
    )
    await runtime.service.first_delivery("Ev0FRESH")
    await scheduler.get_jobs()[0].func()
    assert await _count(runtime) == 1  # an hour-old delivery is kept
