"""Prometheus metrics at /metrics: request latency by route, the work queue, incidents.

Each app has a registry of its own (tests build several apps in one process). The work queue
and the incidents are read at scrape time, so every replica reports the same shared table;
request latency is this process's own (sum it over replicas)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.models import Incident, WorkItem, WorkStatus, utcnow
from app.ops.auth import Principal, api_principal, settings_of
from app.tally import ApiErrors

# Slack wants an acknowledgement within 3 s: buckets around it, not the library's default.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
UNMATCHED = "unmatched"  # paths no route answers (scanners): one label, not one per path


class ApiErrorCollector(Collector):
    """This process's failed Slack and Teams calls, as counted by the adapters (app/tally.py)."""

    def __init__(self, errors: ApiErrors) -> None:
        self.errors = errors

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "leakdesk_chat_api_errors",
            "Failed Slack and Teams API calls of the worker, by platform, method and error.",
            labels=["platform", "method", "error"],
        )
        for labels, count in self.errors.counts():
            family.add_metric(list(labels), count)
        yield family


class Metrics:
    def __init__(self, api_errors: ApiErrors | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(ApiErrorCollector(api_errors or ApiErrors()))
        self.latency = Histogram(
            "leakdesk_http_request_duration_seconds",
            "HTTP request latency by route template, method and status class.",
            ["route", "method", "status"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.work_due = Gauge(
            "leakdesk_work_due",
            "Work rows due and not taken (as /healthz/work).",
            registry=self.registry,
        )
        self.work_oldest = Gauge(
            "leakdesk_work_oldest_due_seconds",
            "How long the oldest due work row has waited (as /healthz/work).",
            registry=self.registry,
        )
        self.work_dead = Gauge(
            "leakdesk_work_dead",
            "Work rows that ran out of attempts (each is on its incident's timeline).",
            registry=self.registry,
        )
        self.incidents = Gauge(
            "leakdesk_incidents",
            "Incidents by severity and status (drills excluded).",
            ["severity", "status"],
            registry=self.registry,
        )

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or UNMATCHED
        self.latency.labels(template, scope.get("method", ""), f"{status // 100}xx").observe(
            seconds
        )


class RequestLatency:
    """ASGI middleware timing each HTTP request to its last body byte, labelled with the route
    template the router matched (`/api/v1/incidents/{incident_id}`), never the raw path."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.observe(scope, status, time.perf_counter() - started)


async def scraper(request: Request) -> Principal | None:
    """Open when LEAKDESK_METRICS_PUBLIC says so; else the ops API's own authentication, for a
    principal who sees every workspace (the counts cover them all)."""
    if settings_of(request).metrics_public:
        return None
    principal = await api_principal(request)
    if principal.workspace_id is not None:
        raise HTTPException(403, "Metrics cover every workspace: use the ops token.")
    return principal


async def _read(request: Request, metrics: Metrics) -> None:
    runtime = request.app.state.runtime
    now = utcnow()
    due, oldest = await runtime.queue.backlog(now)
    async with runtime.service.reads() as session:
        dead = await session.scalar(
            select(func.count()).select_from(WorkItem).where(WorkItem.status == WorkStatus.DEAD)
        )
        rows = (
            await session.execute(
                select(Incident.severity, Incident.status, func.count())
                .where(Incident.is_drill.is_(False))
                .group_by(Incident.severity, Incident.status)
            )
        ).all()
    # No await from here on: one scrape's values are set and written out together.
    metrics.work_due.set(due)
    metrics.work_oldest.set((now - oldest).total_seconds() if oldest else 0.0)
    metrics.work_dead.set(dead or 0)
    metrics.incidents.clear()
    for severity, status, count in rows:
        metrics.incidents.labels(severity or "none", status).set(count)


router = APIRouter(include_in_schema=False)


@router.get("/metrics", dependencies=[Depends(scraper)])
async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    try:
        await _read(request, metrics)
    except Exception as exc:  # any driver error: the scrape fails with the reason, not a 500
        raise HTTPException(503, f"database: {exc}"[:300]) from exc
    return Response(
        generate_latest(metrics.registry),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
