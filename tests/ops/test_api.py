"""The JSON API under /api/v1: bearer tokens, paging, one incident, its timeline and exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import httpx
import pytest

from app.db import transaction
from app.incidents import schedule as followups
from app.main import create_app
from app.models import ApiToken, Incident, utcnow
from app.ops.auth import token_digest
from app.runtime import Runtime
from tests.conftest import make_settings
from tests.ops.conftest import AUTH, seed_incident, sign_in


async def store_token(runtime: Runtime, token: str, **values: object) -> None:
    async with transaction(runtime.sessions) as session:
        session.add(ApiToken(name="ci", digest=token_digest(token), created_at=utcnow(), **values))


async def test_ops_token_lists_incidents(client: httpx.AsyncClient, incident: Incident) -> None:
    response = await client.get("/api/v1/incidents", headers=AUTH)
    assert response.status_code == 200
    body = response.json()
    assert [item["key"] for item in body["items"]] == [incident.key]
    assert body["items"][0]["severity"] == incident.severity
    assert body["items"][0]["next_deadline"]["due"].endswith("+09:00")
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong-token", "Bearer ", "Basic dGVzdC1vcHMtdG9rZW4=", "test-ops-token"],
)
async def test_a_wrong_token_is_refused(
    client: httpx.AsyncClient, incident: Incident, header: str
) -> None:
    response = await client.get("/api/v1/incidents", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert incident.key not in response.text


async def test_a_stored_token_works_until_revoked(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await store_token(runtime, "stored-secret")
    await store_token(runtime, "revoked-secret", revoked_at=utcnow())
    ok = await client.get("/api/v1/incidents", headers={"Authorization": "Bearer stored-secret"})
    assert ok.status_code == 200
    revoked = await client.get(
        "/api/v1/incidents", headers={"Authorization": "Bearer revoked-secret"}
    )
    assert revoked.status_code == 401


async def test_a_workspace_token_sees_only_its_workspace(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ours = await seed_incident(runtime, workspace_id="T1")
    theirs = await seed_incident(runtime, workspace_id="T2")
    await store_token(runtime, "t1-secret", workspace_id="T1")
    headers = {"Authorization": "Bearer t1-secret"}
    listed = (await client.get("/api/v1/incidents", headers=headers)).json()
    assert [item["key"] for item in listed["items"]] == [ours.key]
    assert (await client.get(f"/api/v1/incidents/{theirs.id}", headers=headers)).status_code == 404
    export = await client.get(f"/api/v1/incidents/{theirs.id}/export", headers=headers)
    assert export.status_code == 404


async def test_incidents_are_cursor_paged_and_filtered(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    made = [await seed_incident(runtime) for _ in range(3)]
    drill = await seed_incident(runtime, is_drill=True)
    await runtime.service.close(made[0].id, "U1")
    first = (await client.get("/api/v1/incidents?limit=2", headers=AUTH)).json()
    assert [i["id"] for i in first["items"]] == [drill.id, made[2].id]
    rest = await client.get(
        f"/api/v1/incidents?limit=2&cursor={first['next_cursor']}", headers=AUTH
    )
    assert [i["id"] for i in rest.json()["items"]] == [made[1].id, made[0].id]
    assert rest.json()["next_cursor"] is None
    closed = (await client.get("/api/v1/incidents?status=closed", headers=AUTH)).json()
    assert [i["id"] for i in closed["items"]] == [made[0].id]
    drills = (await client.get("/api/v1/incidents?drill=true", headers=AUTH)).json()
    assert [i["key"] for i in drills["items"]] == [drill.key]
    sev = (await client.get("/api/v1/incidents?severity=SEV1", headers=AUTH)).json()
    assert sev["items"] == []


async def test_one_incident_has_its_verdict_statements_and_followups(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    followups.register(
        runtime.reactions, policy=lambda: runtime.service.policy, tz=runtime.settings.timezone
    )
    incident = await seed_incident(runtime)
    await runtime.service.approve(incident.id, 1, "U0LEAD1")
    body = (await client.get(f"/api/v1/incidents/{incident.id}", headers=AUTH)).json()
    assert body["incident"]["key"] == incident.key
    verdict = body["verdict"]
    assert set(verdict) >= {"severity", "rules", "policy_version", "reasons", "appi", "gdpr"}
    assert set(verdict) >= {"actions", "open_questions"}
    assert body["statements"][0]["status"] == "approved"
    assert body["statements"][0]["approvals"][0]["approver"] == "U0LEAD1"
    stored = await runtime.service.followups(incident.id)
    assert stored, "a verdict plans follow-ups"
    assert [(f["kind"], f["status"]) for f in body["followups"]] == [
        (f.kind, f.state) for f in stored
    ]
    assert all(f["due_at"].endswith("+09:00") for f in body["followups"])
    assert body["chain"]["intact"] is True


async def test_timeline_lists_every_event_with_hashes(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    body = (await client.get(f"/api/v1/incidents/{incident.id}/timeline", headers=AUTH)).json()
    events = await runtime.service.timeline(incident.id)
    assert [e["hash"] for e in body["events"]] == [e.hash for e in events]
    assert body["chain"]["intact"] is True


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("ppc", "text/markdown; charset=utf-8"),
        ("ppc.json", "application/json"),
    ],
)
async def test_exports_download_in_every_format(
    client: httpx.AsyncClient, incident: Incident, fmt: str, media: str
) -> None:
    response = await client.get(
        f"/api/v1/incidents/{incident.id}/export", params={"format": fmt}, headers=AUTH
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert incident.key in response.headers["content-disposition"]
    if fmt == "json":
        assert response.json()["chain"]["intact"] is True
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert len(rows) - 1 == len(
            json.loads(
                (await client.get(f"/api/v1/incidents/{incident.id}/export", headers=AUTH)).text
            )["timeline"]
        )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents/999999",
        "/api/v1/incidents/999999/timeline",
        "/api/v1/incidents/999999/export?format=csv",
    ],
)
async def test_unknown_incidents_are_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=AUTH)
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incidents?limit=0",
        "/api/v1/incidents?limit=1000",
        "/api/v1/incidents?status=pending",
        "/api/v1/incidents?severity=SEV9",
        "/api/v1/incidents?drill=maybe",
        "/api/v1/incidents?cursor=-1",
        "/api/v1/incidents?cursor=99999999999999999999999",
        "/api/v1/incidents/abc",
        "/api/v1/incidents/0",
        "/api/v1/incidents/99999999999999999999999",
        "/api/v1/incidents/1/export?format=docx",
    ],
)
async def test_bad_parameters_are_422(
    client: httpx.AsyncClient, incident: Incident, path: str
) -> None:
    assert (await client.get(path, headers=AUTH)).status_code == 422


async def test_without_any_secret_the_api_says_what_to_set(database_url: str) -> None:
    app = create_app(make_settings(database_url), start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/api/v1/incidents")
        wrong = await client.get("/api/v1/incidents", headers=AUTH)
    await app.state.runtime.close()
    assert response.status_code == 503
    assert "LEAKDESK_OPS_TOKEN" in response.json()["detail"]
    assert wrong.status_code == 401


async def test_incidents_filter_by_the_day_they_were_opened(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # 23:30 UTC on 1 April is already 2 April in Tokyo, the configured timezone.
    days = {}
    for label, at in [
        ("mar31", datetime(2026, 3, 31, 12, 0, tzinfo=UTC)),
        ("apr2", datetime(2026, 4, 1, 23, 30, tzinfo=UTC)),
        ("apr3", datetime(2026, 4, 3, 1, 0, tzinfo=UTC)),
    ]:
        runtime.service.clock = lambda at=at: at
        days[label] = (await seed_incident(runtime)).key

    async def keys(query: str) -> list[str]:
        response = await client.get(f"/api/v1/incidents?{query}", headers=AUTH)
        return [item["key"] for item in response.json()["items"]]

    assert await keys("opened_from=2026-04-02") == [days["apr3"], days["apr2"]]
    assert await keys("opened_to=2026-04-01") == [days["mar31"]]
    assert await keys("opened_from=2026-04-02&opened_to=2026-04-02") == [days["apr2"]]
    bad = await client.get("/api/v1/incidents?opened_from=yesterday", headers=AUTH)
    assert bad.status_code == 422
    await sign_in(client)
    page = (await client.get("/?opened_from=2026-04-02&opened_to=2026-04-02")).text
    assert days["apr2"] in page and days["apr3"] not in page and days["mar31"] not in page
    assert 'value="2026-04-02"' in page
