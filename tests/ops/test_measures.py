"""The ops pages show response measures: the incident's own and the aggregate page."""

from __future__ import annotations

import httpx

from app.models import Incident
from tests.ops.conftest import sign_in


async def test_the_incident_page_and_the_measures_page_show_how_fast(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    await sign_in(client)
    page = await client.get(f"/incidents/{incident.key}?lang=en")
    assert page.status_code == 200
    assert 'id="response"' in page.text and "Report → first verdict" in page.text
    summary = await client.get("/measures?opened_from=2000-01-01&opened_to=nonsense&lang=en")
    assert summary.status_code == 200 and 'id="measures"' in summary.text
    assert "Report → room" in summary.text
    assert "Response measures" in (await client.get("/?lang=en")).text
    ja = await client.get("/measures?lang=ja")
    assert "初動対応の速さ" in ja.text
