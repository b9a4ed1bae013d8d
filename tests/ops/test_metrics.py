"""/metrics: the ops token's, or open where LEAKDESK_METRICS_PUBLIC says; values from the tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from app.db import transaction
from app.main import create_app
from app.models import Incident, WorkStatus, utcnow
from app.runtime import Runtime, build_runtime
from app.settings import Settings
from app.work.queue import WorkSpec, add_work
from tests.ops.conftest import AUTH, seed_incident
from tests.ops.test_api import store_token


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_no_token_no_metrics(client: httpx.AsyncClient, incident: Incident) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert "leakdesk_incidents" not in response.text + wrong.text


async def test_a_workspace_token_is_refused(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await store_token(runtime, "t1-secret", workspace_id="T1")
    response = await client.get("/metrics", headers={"Authorization": "Bearer t1-secret"})
    assert response.status_code == 403


async def test_metrics_reflect_the_tables(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await seed_incident(runtime, title="A drill", is_drill=True)
    async with transaction(runtime.sessions) as session:
        dead = add_work(session, WorkSpec("post"), incident_id=incident.id, now=utcnow())
        dead.status = WorkStatus.DEAD
        waiting = WorkSpec("post", due_at=utcnow() - timedelta(seconds=90))
        add_work(session, waiting, incident_id=incident.id, now=utcnow())
    await client.get(f"/api/v1/incidents/{incident.id}", headers=AUTH)

    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    got = samples(response.text)

    severity = incident.severity or "none"
    assert severity != "none"  # the seeded answers give it one
    incidents = {k: v for k, v in got.items() if k[0] == "leakdesk_incidents"}
    assert incidents == {
        ("leakdesk_incidents", (("severity", severity), ("status", incident.status))): 1.0
    }  # the drill is not counted
    assert got[("leakdesk_work_dead", ())] == 1.0
    due, _ = await runtime.queue.backlog()
    assert due >= 1  # no worker here: the row due 90 s ago waits
    assert got[("leakdesk_work_due", ())] == due
    assert 90 <= got[("leakdesk_work_oldest_due_seconds", ())] < 900
    route = (
        ("method", "GET"),
        ("route", "/api/v1/incidents/{incident_id}"),
        ("status", "2xx"),
    )
    assert got[("leakdesk_http_request_duration_seconds_count", route)] == 1.0
    assert not any(
        dict(labels).get("route", "").endswith(str(incident.id)) for _, labels in got
    )  # route templates, never raw paths


async def test_unknown_paths_share_one_label(client: httpx.AsyncClient) -> None:
    for path in ("/wp-admin", "/.env", "/x/y/z"):
        assert (await client.get(path)).status_code == 404
    got = samples((await client.get("/metrics", headers=AUTH)).text)
    unmatched = (("method", "GET"), ("route", "unmatched"), ("status", "4xx"))
    assert got[("leakdesk_http_request_duration_seconds_count", unmatched)] == 3.0


@pytest.fixture
async def public_app(settings: Settings) -> AsyncIterator[FastAPI]:
    opened = settings.model_copy(update={"metrics_public": True})
    runtime = build_runtime(opened)
    await seed_incident(runtime)
    yield create_app(opened, runtime=runtime, start_worker=False)
    await runtime.close()


async def test_the_public_setting_opens_metrics(public_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=public_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/metrics")
        assert response.status_code == 200
        assert "leakdesk_incidents{" in response.text
        # Only /metrics opens: the API still wants its token.
        assert (await client.get("/api/v1/incidents")).status_code == 401


def test_each_app_has_its_own_registry(settings: Settings, runtime: Runtime) -> None:
    one = create_app(settings, runtime=runtime, start_worker=False)
    two = create_app(settings, runtime=runtime, start_worker=False)
    assert one.state.metrics.registry is not two.state.metrics.registry
