"""A newcomer's first run in a real browser: `leakdesk serve` on the embedded default prints a
one-time link; Chromium opens it and reads an incident (by its key), its chart, its answers and
its after-action report. Screenshots go to test-artifacts/ (docs/screenshots.py makes the docs')."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

from app.models import utcnow
from app.runtime import build_runtime
from tests.conftest import make_settings
from tests.ops.conftest import seed_incident
from tests.ops.test_browser import ARTIFACTS, CHROMIUM, playwright, pytestmark
from tests.ops.test_keyboard_sign_in import printed_link
from tests.server_process import Server

__all__ = ["pytestmark"]  # skipped, with the reason, without Chromium or Playwright


async def seed(database_url: str) -> str:
    runtime = build_runtime(make_settings(database_url))
    try:
        incident = await seed_incident(
            runtime,
            title="Payroll file shared with a vendor",
            is_drill=True,
            discovered_at=utcnow() - timedelta(days=5),
        )
        await runtime.service.record_answer(incident.id, "affected_count", 2400, "U0RESP1")
        await runtime.service.record_answer(incident.id, "subject_regions", ["JP", "EU"], "U1")
        return incident.key
    finally:
        await runtime.close()


def test_a_newcomer_opens_the_printed_link_and_reads_a_drill(tmp_path: Path) -> None:
    database = tmp_path / "leakdesk.db"
    server = Server({"LEAKDESK_LANGUAGE": "en"}, cwd=tmp_path).wait_healthy()  # no settings
    try:
        key = asyncio.run(seed(f"sqlite+aiosqlite:///{database}"))
        link = printed_link(server)
        assert link is not None
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(server.url + "/")
            assert "/login" in page.url and "one-time sign-in link" in page.content()
            page.goto(link)
            assert key in page.locator("table").first.inner_text()
            page.goto(f"{server.url}/incidents/{key}")  # the key, not only the number
            answers = page.locator("section:has(td[title=data_categories])").inner_text()
            assert "What leaked" in answers and "Japan, EU" in answers
            assert "data_categories" not in answers
            chart = page.locator("section:has(#deadline-chart)")
            assert "Today" in chart.inner_text() and "deadline passed" in chart.inner_text()
            assert page.locator("#deadline-chart path.clock.overdue").count() >= 1
            timeline = page.locator("#timeline").inner_text()
            assert "null" not in timeline and re.search(r"\d{2}:\d{2} JST", timeline)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "first-run-incident.png"), full_page=True)
            page.click("text=After-action report")
            assert page.locator("h1").first.inner_text().startswith("After-action report")
            page.screenshot(path=str(ARTIFACTS / "first-run-report.png"))
            browser.close()
    finally:
        server.stop()
