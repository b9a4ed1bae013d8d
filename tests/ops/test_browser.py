"""A person in a real browser: sign in, open an incident, read its timeline and deadline chart.

Headless Chromium (Debian's package) driven by Playwright; the screenshot is kept under
test-artifacts/. Skipped with the reason when Chromium or Playwright is missing.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from app.runtime import build_runtime
from tests.conftest import make_settings
from tests.server_process import Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="apt-get install chromium")


async def seed(database_url: str) -> str:
    runtime = build_runtime(make_settings(database_url))
    try:
        incident, _ = await runtime.service.open_incident(
            title="Customer list e-mailed to the wrong partner",
            reporter_id="U0REPORTER",
            platform="slack",
            workspace_id="T0001",
        )
        for field, value in (
            ("data_categories", ["contact", "identity"]),
            ("affected_count", 1500),
            ("subject_regions", ["JP"]),
            ("leak_mode", "misdelivery"),
        ):
            await runtime.service.record_answer(incident.id, field, value, "U0RESP1")
        await runtime.service.add_note(
            incident.id, "<script>alert(1)</script> called the partner", "U0RESP1"
        )
        return str(incident.id)
    finally:
        await runtime.close()


def test_an_ops_member_reads_an_incident_in_the_browser(database_url: str, tmp_path: Path) -> None:
    incident_id = asyncio.run(seed(database_url))
    env = {
        "DATABASE_URL": database_url,
        "LEAKDESK_OPS_TOKEN": "browser-ops-token-0123456789",
        "LEAKDESK_SESSION_SECRET": "s" * 40,
        "LEAKDESK_LANGUAGE": "en",
        "LEAKDESK_WORKER": "false",
    }
    server = Server(env, cwd=tmp_path).wait_healthy()
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.goto(f"{server.url}/incidents/{incident_id}")
            assert "/login" in page.url  # nothing without a login
            page.fill("input[name=token]", "browser-ops-token-0123456789")
            page.click("button[type=submit]")
            page.goto(f"{server.url}/incidents/{incident_id}")
            assert "LEAK-" in page.content()
            assert page.locator("#chain").inner_text()
            assert page.locator("#deadline-chart").count() == 1
            timeline = page.locator("#timeline").inner_text()
            assert (
                "note.added" in timeline and "<script>alert(1)</script>" in timeline
            )  # shown as text
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "ops-incident.png"), full_page=True)
            browser.close()
    finally:
        server.stop()
