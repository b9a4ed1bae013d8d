"""The notice series and the pack on the ops page and in the API: each report with its date
and approvers, each piece, and every approved one as Markdown or CMS-ready HTML."""

from __future__ import annotations

import httpx

from app.models import Incident
from app.runtime import Runtime
from tests.ops.conftest import AUTH, sign_in
from tests.slack.conftest import BLANK


async def two_reports_and_a_letter(runtime: Runtime, incident: Incident) -> None:
    """第1報 approved (its letter drafted from it), then 第2報 after the count grew."""
    service = runtime.service
    for field, value in (
        ("affected_count", 12),
        ("subject_regions", ["JP"]),
        ("encryption", "none"),
        ("access", "suspected"),
    ):
        await service.record_answer(incident.id, field, value, "U1")
    await service.approve(incident.id, 1, "U0LEAD1", override="checked with legal")
    letter = await service.latest_statement(incident.id, "letter")
    assert letter is not None, "an individual notice's pack has the letter"
    texts = {lang: BLANK.sub("株式会社サンプル", text) for lang, text in letter.texts.items()}
    await service.edit_statement(incident.id, texts, "U0LEAD2", version=1, kind="letter")
    await service.approve(incident.id, 2, "U0LEAD2", kind="letter")
    await service.record_answer(incident.id, "affected_count", 40, "U1")
    await service.redraft(incident.id, "U0LEAD1")
    await service.approve(incident.id, 2, "U0LEAD2", override="checked with legal")


async def test_the_api_lists_the_series_and_the_pack(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await two_reports_and_a_letter(runtime, incident)
    response = await client.get(f"/api/v1/incidents/{incident.key}/statements", headers=AUTH)
    assert response.status_code == 200, response.text
    rows = [(s["kind"], s["series"], s["version"], s["status"]) for s in response.json()]
    assert ("notice", 1, 1, "approved") in rows and ("notice", 2, 2, "approved") in rows
    assert ("letter", 1, 2, "approved") in rows
    letters = [r for r in rows if r[0] == "letter"]
    assert letters[-1][1] == 2  # the second report brought its own letter


async def test_an_approved_piece_exports_as_markdown_and_as_html(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await two_reports_and_a_letter(runtime, incident)
    base = f"/api/v1/incidents/{incident.key}/statements"
    md = await client.get(f"{base}/letter/2?format=md&lang=ja", headers=AUTH)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "株式会社サンプル" in md.text and "【要記入" not in md.text
    assert f'filename="{incident.key}-letter-1-v2.ja.md"' in md.headers["content-disposition"]
    html = await client.get(f"{base}/letter/2?format=html&lang=en", headers=AUTH)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<h3>" in html.text or "<p>" in html.text
    notice = await client.get(f"{base}/notice/2?format=html", headers=AUTH)
    assert "（第2報）" in notice.text and "前回からの更新点" in notice.text


async def test_only_approved_words_are_exported_and_bad_requests_say_why(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await two_reports_and_a_letter(runtime, incident)
    base = f"/api/v1/incidents/{incident.key}/statements"
    draft = await client.get(f"{base}/letter/3", headers=AUTH)
    assert draft.status_code == 409 and "not approved" in draft.text
    assert (await client.get(f"{base}/letter/99", headers=AUTH)).status_code == 404
    assert (await client.get(f"{base}/press/1", headers=AUTH)).status_code == 422
    assert (await client.get(f"{base}/notice/1?format=pdf", headers=AUTH)).status_code == 422
    assert (await client.get(f"{base}/notice/1")).status_code == 401


async def test_the_incident_page_shows_the_series_with_dates_and_each_piece(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await two_reports_and_a_letter(runtime, incident)
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.key}?lang=ja")).text
    series = page.split("お知らせの経過")[1].split("</table>")[0]
    assert "第1報" in series and "第2報" in series and "U0LEAD1" in series
    assert "ご本人への通知文（第1報）第2版" in page
    assert f"/api/v1/incidents/{incident.key}/statements/letter/2?format=html&amp;lang=ja" in page
    assert f"/api/v1/incidents/{incident.key}/statements/letter/3?format" not in page  # a draft
