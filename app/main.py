"""create_app(): wiring only — routers, chat platforms, the worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from app import health
from app.db import foreground
from app.limits import BodyLimit
from app.metrics import Metrics, RequestLatency
from app.metrics import router as metrics_router
from app.migrate import prepare_database
from app.ops import api as ops_api
from app.ops import apidocs as ops_apidocs
from app.ops import measures as ops_measures
from app.ops import pages as ops_pages
from app.ops import pieces as ops_pieces
from app.runtime import Runtime, build_runtime
from app.settings import Settings, load_settings
from app.slack.signin import SlackSignIn
from app.work.scheduler import (
    schedule_digest,
    schedule_housekeeping,
    start_scheduler,
    tick_interval,
)
from app.work.wake import Notifier, listen

log = logging.getLogger("leakdesk")


class RequestsFirst:
    """Counts the HTTP requests in flight, so the worker's transactions wait for a gap
    (app.db.Foreground): Slack's 3 s for an acknowledgement is the one hard deadline here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with foreground.request():
            await self.app(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    start_worker: bool | None = None,
) -> FastAPI:
    settings = settings or load_settings()
    runtime = runtime or build_runtime(settings)
    worker = settings.worker_enabled if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await prepare_database(
            runtime.engine, settings.database_url, auto_migrate=settings.is_sqlite
        )
        scheduler = (
            start_scheduler(
                runtime.queue,
                interval=tick_interval(settings.worker_interval, told=not settings.is_sqlite),
                look_ahead=not settings.is_sqlite,
            )
            if worker
            else None
        )
        if scheduler is not None:
            schedule_housekeeping(scheduler, runtime.service.forget_deliveries)
        if scheduler is not None and settings.digest_channel and settings.slack_enabled:
            schedule_digest(scheduler, runtime.queue, at=settings.digest_time, tz=settings.timezone)
        listener = None
        if not settings.is_sqlite:  # processes wake each other (app/work/wake.py)
            runtime.queue.notifier = Notifier(runtime.engine)
            if worker:
                listener = asyncio.create_task(listen(settings.database_url, runtime.queue.poke))
        log.info(
            "leakdesk ready: slack=%s teams=%s worker=%s",
            "on" if settings.slack_enabled else "off",
            "on" if settings.teams_enabled else "off",
            "on" if worker else "off",
        )
        try:
            yield
        finally:
            if listener is not None:
                listener.cancel()
                with suppress(asyncio.CancelledError):
                    await listener
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            await runtime.close()

    # The schema and its UI are routes of ours behind the login (app/ops/apidocs.py).
    app = FastAPI(
        title="leakdesk",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.runtime = runtime
    app.state.metrics = Metrics(runtime.api_errors)
    app.state.sign_in = SlackSignIn(runtime)  # the ops pages' identity port (app/identity.py)
    app.add_middleware(RequestsFirst)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestLatency, metrics=app.state.metrics)
    if settings.slack_enabled:  # first: routes are tried in order, acknowledgements are timed
        from app.slack.app import attach_slack

        attach_slack(app, runtime)
    app.include_router(health.router)
    app.include_router(metrics_router)
    app.include_router(ops_api.router)
    app.include_router(ops_pieces.router)
    app.include_router(ops_measures.api)
    app.include_router(ops_measures.pages)
    app.include_router(ops_pages.router)
    app.include_router(ops_apidocs.router)
    if settings.teams_enabled:
        from app.teams.app import attach_teams

        attach_teams(app, runtime)
    return app
