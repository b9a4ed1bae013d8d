"""The ops pages read as a person would write them: question labels, lists and times in the
reader's language and timezone, translated badges, follow-ups in words, the report as a page,
the incident key wherever an id goes, and a chart with today and overdue deadlines marked."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from app.models import Incident, utcnow
from app.runtime import Runtime
from tests.ops.conftest import AUTH, seed_incident, sign_in


def table(page: str, heading: str) -> str:
    start = page.index(heading)
    return page[start : page.index("</table>", start)]


async def test_answers_show_question_labels_and_lists_joined_per_language(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await runtime.service.record_answer(incident.id, "subject_regions", ["JP", "EU"], "U1")
    await sign_in(client)
    english = table((await client.get(f"/incidents/{incident.id}?lang=en")).text, "Triage answers")
    assert "What leaked" in english and "How it leaked" in english
    assert ">data_categories<" not in english and "<code>" not in english
    assert "Japan, EU" in english and "、" not in english
    japanese = table((await client.get(f"/incidents/{incident.id}?lang=ja")).text, "トリアージ")
    assert "漏えいした情報" in japanese and "日本、EU" in japanese


async def test_timeline_times_are_local_and_nothing_reads_null(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.id}?lang=en")).text
    timeline = page[page.index('<table id="timeline"') :]
    assert "null" not in timeline and "None" not in timeline and "+00:00" not in timeline
    assert "JST" in timeline.split("discovered_at")[1].split("</div>")[0]  # Asia/Tokyo


async def test_badges_are_translated(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await sign_in(client)
    english = (await client.get(f"/incidents/{incident.id}?lang=en")).text
    japanese = (await client.get(f"/incidents/{incident.id}?lang=ja")).text
    assert '<span class="badge">draft</span>' in english
    assert '<span class="badge">下書き</span>' in japanese
    assert re.search(r'<span class="badge SEV\d">SEV\d [a-z]+</span>', english)
    assert re.search(r'<span class="badge SEV\d">SEV\d [^<a-z]+</span>', japanese)


async def test_the_after_action_report_is_a_page_and_markdown_on_request(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    await sign_in(client)
    page = await client.get(f"/incidents/{incident.key}/report?lang=en")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>After-action report" in page.text and "<h2>Legal clocks</h2>" in page.text
    assert "\n# " not in page.text and "<li>" in page.text
    markdown = await client.get(f"/incidents/{incident.key}/report?format=md&lang=en")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# After-action report")


async def test_html_in_a_title_stays_text_in_the_report_page(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    hostile = await seed_incident(runtime, title="<script>alert(1)</script> <img src=x>")
    await sign_in(client)
    page = (await client.get(f"/incidents/{hostile.id}/report")).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_the_incident_key_is_accepted_wherever_an_id_is(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    drill = await seed_incident(runtime, is_drill=True)
    assert drill.key.startswith("DRILL-")
    for path in ("", "/timeline", "/export?format=md", "/export?format=ppc.json"):
        by_key = await client.get(f"/api/v1/incidents/{drill.key}{path}", headers=AUTH)
        by_id = await client.get(f"/api/v1/incidents/{drill.id}{path}", headers=AUTH)
        assert by_key.status_code == 200, (path, by_key.text)
        assert by_key.content == by_id.content or path.startswith("/export")
    lower = await client.get(f"/api/v1/incidents/{drill.key.lower()}", headers=AUTH)
    assert lower.status_code == 200
    missing = await client.get("/api/v1/incidents/DRILL-2026-9999", headers=AUTH)
    assert missing.status_code == 404
    await sign_in(client)
    assert (await client.get(f"/incidents/{drill.key}")).status_code == 200
    assert (await client.get(f"/incidents/{drill.key}/report")).status_code == 200
    assert (await client.get("/incidents/LEAK-2026-9999")).status_code == 404


async def test_the_chart_marks_today_and_overdue_deadlines_in_red(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    late = await seed_incident(runtime)
    await runtime.service.set_discovered_at(late.id, utcnow() - timedelta(days=5), "U1")
    await runtime.service.record_answer(late.id, "affected_count", 5000, "U1")
    await sign_in(client)
    page = (await client.get(f"/incidents/{late.id}?lang=en")).text
    svg = page[page.index('<svg id="deadline-chart"') : page.index("</svg>")]
    assert 'class="now"' in svg and ">Today " in svg
    assert svg.count('<path class="clock overdue"') >= 2  # APPI preliminary target and latest
    assert '<path class="clock"' in svg  # the final report is still ahead
    assert '<line class="tick"' in svg  # one tick per local midnight
    assert "deadline passed" in page  # the legend says what red means
