"""The interactive drill through a real `leakdesk` process and its standard input: it reads what
people type, asks again with an example, asks the summary and discovery time; drills close."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.runtime import build_runtime
from tests.conftest import make_settings


def leakdesk(database_url: str, *args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LEAKDESK_"))}
    env |= {"DATABASE_URL": database_url, "LEAKDESK_TIMEZONE": "Asia/Tokyo", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


async def _stored(database_url: str):  # type: ignore[no-untyped-def]
    runtime = build_runtime(make_settings(database_url))
    try:
        ((incident, _),) = await runtime.service.open_incidents()
        snapshot = await runtime.service.snapshot(incident.id)
        return incident, snapshot.values, snapshot.verdict
    finally:
        await runtime.close()


def test_a_japanese_drill_reads_counts_and_yes_no_as_typed(database_url: str) -> None:
    typed = [
        "顧客リストを誤送信",  # the summary
        "昨日15時",  # when the company first learned of it
        "５",  # contact data (full-width digit)
        "1",  # whose: customers
        "たくさん",  # not a number: asked again, with an example
        "約3,000人",
        "1",  # Japan
        "",  # the period: unknown
        "1",  # not encrypted
        "5",  # misdelivery
        "宛先をBCCではなくTOに入れた",  # the cause
        "1",  # access: the first option
        "いいえ",  # published?
        "いいえ",  # secondary damage?
        "はい",  # police involved?
    ]
    result = leakdesk(database_url, "drill", "--lang", "ja", input="\n".join(typed) + "\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "「たくさん」を人数として読み取れませんでした。例：3000、約3000人" in result.stdout
    incident, values, verdict = asyncio.run(_stored(database_url))
    assert incident.title == "顧客リストを誤送信" and incident.is_drill
    assert values["affected_count"] == 3000  # not "unknown" (read as above every threshold)
    assert values["published"] is False and values["police_involved"] is True  # not unknown
    yesterday = datetime.now(ZoneInfo("Asia/Tokyo")).date() - timedelta(days=1)
    assert incident.discovered_at.astimezone(ZoneInfo("Asia/Tokyo")) == datetime(
        yesterday.year, yesterday.month, yesterday.day, 15, tzinfo=ZoneInfo("Asia/Tokyo")
    )
    # 3,000 people's contact data misdelivered: reportable (C4), not SEV1's press conference.
    assert verdict is not None and verdict.severity == "SEV2"


def test_an_english_drill_reads_about_and_ranges_and_yes(database_url: str) -> None:
    typed = ["Payroll file to a vendor", "2 hours ago", "contact", "2", "about 2000-3000", "1", "",
             "1", "5", ""]  # fmt: skip
    result = leakdesk(
        database_url, "drill", "--lang", "en", input="\n".join(typed + ["y"] * 12) + "\n"
    )
    assert result.returncode == 0, result.stderr
    _, values, _ = asyncio.run(_stored(database_url))
    assert values["affected_count"] == 3000 and values["data_categories"] == ["contact"]


def test_drill_close_closes_a_drill_and_refuses_a_real_incident(database_url: str) -> None:
    assert leakdesk(database_url, "drill", "lost-laptop", "--lang", "en").returncode == 0
    incident, _, _ = asyncio.run(_stored(database_url))
    closed = leakdesk(database_url, "drill", "close", incident.key, "--lang", "en")
    assert closed.returncode == 0, closed.stderr
    assert f"[DRILL] {incident.key} closed" in closed.stdout
    again = leakdesk(database_url, "drill", "close", incident.key, "--lang", "en")
    assert "already closed" in again.stdout
    missing = leakdesk(database_url, "drill", "close", "--lang", "en")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1

    async def real() -> str:
        runtime = build_runtime(make_settings(database_url))
        try:
            found, _ = await runtime.service.open_incident(
                title="Real one", reporter_id="U1", platform="cli", language="en"
            )
            return found.key
        finally:
            await runtime.close()

    key = asyncio.run(real())
    refused = leakdesk(database_url, "drill", "close", key, "--lang", "en")
    assert refused.returncode == 2 and "is not a drill" in refused.stderr
