"""Roles, action items and the incident lead's severity call on the ops page, the API and the
exports (JSON, CSV's timeline, Markdown)."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from app.models import Incident, utcnow
from app.runtime import Runtime
from tests.ops.conftest import AUTH, sign_in


async def run_the_room(runtime: Runtime, incident: Incident) -> None:
    service = runtime.service
    await service.assign_role(incident.id, "lead", "U0LEAD", "U1")
    await service.assign_role(incident.id, "comms", "U0PR", "U0LEAD")
    await service.add_task(
        incident.id,
        "Ask the recipient to delete it",
        "U0LEAD",
        owner="U0PR",
        due_at=utcnow() + timedelta(hours=2),
    )
    called = "SEV2" if incident.severity != "SEV2" else "SEV3"
    await service.call_severity(incident.id, called, "the list held health data", "U0LEAD")


async def test_the_api_shows_roles_the_call_and_the_action_items(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await run_the_room(runtime, incident)
    body = (await client.get(f"/api/v1/incidents/{incident.key}", headers=AUTH)).json()
    assert body["incident"]["roles"] == {"lead": "U0LEAD", "comms": "U0PR"}
    call = body["incident"]["severity_call"]
    assert call["reason"] == "the list held health data" and call["by"] == "U0LEAD"
    assert body["incident"]["severity"] == incident.severity  # the policy's, side by side
    (item,) = [i for i in body["action_items"] if i["source"] is None]
    assert item["title"] == "Ask the recipient to delete it" and item["owner"] == "U0PR"
    assert item["state"] == "open" and item["due_at"].endswith("+09:00")
    listed = (await client.get("/api/v1/incidents", headers=AUTH)).json()["items"][0]
    assert listed["roles"]["lead"] == "U0LEAD"


async def test_the_exports_and_the_page_show_them(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await run_the_room(runtime, incident)
    url = f"/api/v1/incidents/{incident.key}/export"
    exported = json.loads((await client.get(url + "?format=json", headers=AUTH)).text)
    assert exported["incident"]["severity_call"]["severity"] in ("SEV2", "SEV3")
    assert any(i["title"].startswith("Ask the recipient") for i in exported["action_items"])
    kinds = [e["kind"] for e in exported["timeline"]]
    assert {"role.assigned", "task.added", "severity.called"} <= set(kinds)
    timeline_csv = (await client.get(url + "?format=csv", headers=AUTH)).text
    assert "role.assigned" in timeline_csv and "severity.called" in timeline_csv
    report = (await client.get(url + "?format=md", headers=AUTH)).text
    assert "U0LEAD" in report and "Ask the recipient to delete it" in report
    assert "the list held health data" in report
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.key}")).text
    assert 'id="people"' in page and "U0PR" in page
    assert "the list held health data" in page and "Ask the recipient to delete it" in page
