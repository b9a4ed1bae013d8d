"""Exports of one incident: complete JSON, the timeline as CSV, the report and the PPC draft."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import update

from app.db import transaction
from app.models import Incident, TimelineEvent, utcnow
from app.ops.exports import PPC_ITEMS, UNKNOWN, Bundle, load_bundle, render_text
from app.runtime import Runtime


def text(bundle: Bundle, fmt: str) -> str:
    return "".join(render_text(bundle, fmt, "Asia/Tokyo", utcnow()))


async def test_json_export_is_complete_and_carries_the_chain_status(
    runtime: Runtime, incident: Incident
) -> None:
    bundle = await load_bundle(runtime.service, incident.id)
    data = json.loads(text(bundle, "json"))
    assert data["chain"] == {
        "intact": True,
        "events": len(bundle.events),
        "head": bundle.events[-1].hash,
        "break": None,
    }
    assert [e["seq"] for e in data["timeline"]] == list(range(1, len(bundle.events) + 1))
    assert data["timeline"][-1]["hash"] == data["chain"]["head"]
    assert {a["field"]: a["actor"] for a in data["answers"]} == {
        "data_categories": "U1",
        "leak_mode": "U1",
    }
    assert data["verdict"]["severity"] == data["incident"]["severity"]
    assert data["statements"][0]["approvals"] == []
    assert data["timeline"][0]["at"].endswith("+09:00")


async def test_json_export_reports_a_broken_chain(runtime: Runtime, incident: Incident) -> None:
    async with transaction(runtime.sessions) as session:
        await session.execute(
            update(TimelineEvent)
            .where(TimelineEvent.incident_id == incident.id, TimelineEvent.seq == 2)
            .values(actor="someone-else")
        )
    data = json.loads(text(await load_bundle(runtime.service, incident.id), "json"))
    assert data["chain"]["intact"] is False
    assert data["chain"]["break"]["seq"] == 2


async def test_csv_export_has_one_row_per_timeline_event(
    runtime: Runtime, incident: Incident
) -> None:
    bundle = await load_bundle(runtime.service, incident.id)
    rows = list(csv.reader(io.StringIO(text(bundle, "csv"))))
    assert rows[0] == ["seq", "at", "actor", "kind", "data", "hash"]
    assert len(rows) == len(bundle.events) + 1
    assert [r[3] for r in rows[1:]] == [e.kind for e in bundle.events]
    assert json.loads(rows[2][4]) == {"text": "first look"}


async def test_markdown_report_is_in_the_incidents_language_and_escapes_html(
    runtime: Runtime,
) -> None:
    from tests.ops.conftest import seed_incident

    ja = await seed_incident(runtime, note="<script>alert(1)</script>")
    en = await seed_incident(runtime, language="en")
    ja_text = text(await load_bundle(runtime.service, ja.id), "md")
    assert ja_text.startswith(f"# インシデント報告書: {ja.key}")
    assert "<script>" not in ja_text and "&lt;script&gt;" in ja_text
    en_text = text(await load_bundle(runtime.service, en.id), "md")
    assert en_text.startswith(f"# Incident report: {en.key}")
    assert "Hash chain verifies" in en_text


async def test_ppc_report_has_the_nine_items_and_marks_unknowns(
    runtime: Runtime, incident: Incident
) -> None:
    bundle = await load_bundle(runtime.service, incident.id)
    report = text(bundle, "ppc")
    for number, (_, heading) in enumerate(PPC_ITEMS, start=1):
        assert f"## {number}. {heading}" in report
    assert "発覚日" in report and "報告区分 | 速報" in report
    assert f"**{UNKNOWN}**" in report  # the number of people was never answered
    data = json.loads(text(bundle, "ppc.json"))
    items = {item["key"]: item for item in data["items"]}
    assert len(items) == 9
    assert items["people"] == {
        "no": 3,
        "key": "people",
        "heading": "本人の数",
        "text": UNKNOWN,
        "confirmed": False,
    }
    assert "連絡先" in items["data_items"]["text"]
    assert data["report_kind"] == "速報"
    assert data["discovered_at"].endswith("+09:00")


async def test_ppc_report_fills_what_is_known(runtime: Runtime, incident: Incident) -> None:
    service = runtime.service
    await service.record_answer(incident.id, "affected_count", 1200, "U2")
    await service.record_answer(incident.id, "secondary_damage", False, "U2")
    await service.record_answer(incident.id, "controls_missing", ["training"], "U2")
    data = json.loads(text(await load_bundle(service, incident.id), "ppc.json"))
    items = {item["key"]: item for item in data["items"]}
    assert items["people"]["text"].startswith("1,200人")
    assert items["secondary_damage"]["confirmed"] is True
    assert "従業者教育" in items["cause"]["text"]
    assert "C4" in [c["code"] for c in data["categories"]]
