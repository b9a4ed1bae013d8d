"""Until someone answers when the company first knew, the ops page and the exports say that the
awareness time is the report's (issue 18)."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from app.models import Incident, utcnow
from app.ops.exports import load_bundle, render_text
from app.runtime import Runtime
from tests.ops.conftest import AUTH, sign_in


def export(bundle, fmt: str) -> str:  # type: ignore[no-untyped-def]
    return "".join(render_text(bundle, fmt, "Asia/Tokyo", utcnow()))


async def test_exports_mark_the_report_time_as_assumed_until_answered(
    runtime: Runtime, incident: Incident
) -> None:
    bundle = await load_bundle(runtime.service, incident.id)
    assert json.loads(export(bundle, "json"))["discovered_at_assumed"] is True
    assert "仮：報告日時" in export(bundle, "ppc")
    assert "assumed" in export(bundle, "md") or "仮：報告日時" in export(bundle, "md")

    earlier = incident.created_at - timedelta(hours=30)
    await runtime.service.record_answer(incident.id, "discovered_at", earlier.isoformat(), "U2")
    bundle = await load_bundle(runtime.service, incident.id)
    data = json.loads(export(bundle, "json"))
    assert data["discovered_at_assumed"] is False
    assert {"field": "discovered_at", "actor": "U2"}.items() <= data["answers"][-1].items()
    assert "仮：報告日時" not in export(bundle, "ppc")
    assert any(e.kind == "incident.discovered_at_changed" for e in bundle.events)


async def test_the_incident_page_shows_the_assumption(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await sign_in(client)
    page = await client.get(f"/incidents/{incident.id}")
    assert page.status_code == 200 and 'id="awareness-assumed"' in page.text
    await runtime.service.record_answer(incident.id, "discovered_at", "reported", "U2")
    page = await client.get(f"/incidents/{incident.id}")
    assert 'id="awareness-assumed"' not in page.text


async def test_the_api_marks_the_report_time_as_assumed_until_answered(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    url = f"/api/v1/incidents/{incident.id}"
    assert (await client.get(url, headers=AUTH)).json()["discovered_at_assumed"] is True
    await runtime.service.record_answer(incident.id, "discovered_at", "reported", "U2")
    assert (await client.get(url, headers=AUTH)).json()["discovered_at_assumed"] is False
