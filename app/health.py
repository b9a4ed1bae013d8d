"""Liveness and readiness endpoints."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text

from app.migrate import schema_status
from app.models import WorkItem, WorkStatus, utcnow

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/healthz/work")
async def work(request: Request) -> JSONResponse:
    """Whether the work is being done: rows due and not taken, and how long the oldest has
    waited; 503 past LEAKDESK_WORK_ALERT_SECONDS (no worker running, or far behind). A report
    waits there until a worker turns it into an incident, so monitor this with the replicas."""
    runtime = request.app.state.runtime
    now = utcnow()
    try:
        due, oldest = await runtime.queue.backlog(now)
        dead = await dead_reports(runtime, now)
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "reason": f"database: {exc}"[:300]}, 503)
    waited = round((now - oldest).total_seconds(), 1) if oldest else 0.0
    body = {"status": "ok", "due": due, "oldest_due_seconds": waited, "dead_reports": dead}
    if dead:
        reason = (
            f"{dead} acknowledged report(s) failed every attempt in the last "
            f"{DEAD_REPORT_HOURS} h (their incidents were opened anyway): see the work rows' "
            "last_error and the incidents' work.dead events"
        )
        return JSONResponse({**body, "status": "failing", "reason": reason}, 503)
    limit = runtime.settings.work_alert_seconds
    if waited > limit:
        reason = (
            f"the oldest due work row has waited {waited:.0f} s (LEAKDESK_WORK_ALERT_SECONDS="
            f"{limit}): is a worker running (`leakdesk serve`, or `leakdesk worker` beside "
            "LEAKDESK_WORKER=false replicas), and keeping up?"
        )
        return JSONResponse({**body, "status": "behind", "reason": reason}, 503)
    return JSONResponse(body)


DEAD_REPORT_HOURS = 24


async def dead_reports(runtime: Any, now: datetime) -> int:
    """Report rows (`*.report`) that went dead recently: something broke an acknowledged report."""
    async with runtime.queue.reads() as session:
        count = await session.scalar(
            select(func.count()).where(
                WorkItem.status == WorkStatus.DEAD,
                WorkItem.kind.like("%.report"),
                WorkItem.completed_at >= now - timedelta(hours=DEAD_REPORT_HOURS),
            )
        )
    return int(count or 0)


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.runtime.engine
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        current, detail = await schema_status(engine)
    except Exception as exc:  # any driver error means "not ready", with the reason
        return JSONResponse({"status": "unavailable", "reason": f"database: {exc}"[:300]}, 503)
    if not current:
        return JSONResponse({"status": "unavailable", "reason": detail}, 503)
    return JSONResponse({"status": "ready", "schema": detail})
