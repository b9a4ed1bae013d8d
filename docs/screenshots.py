"""Makes the ops pages' screenshots in docs/images/ from a demo database.

    python docs/screenshots.py            # needs Debian's chromium and `pip install -e '.[test]'`

Seeds a SQLite file with a few incidents through the incident service (a SEV1 with an approved
statement, a misdirected e-mail, a closed one, a drill), starts a real `leakdesk serve`, signs
in with the ops token in headless Chromium and saves the sign-in page, the incident list
(sorted by deadline), one incident's record (its chart and answers on their own too, in English
and Japanese) and its after-action report page.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.models import utcnow  # noqa: E402
from app.runtime import build_runtime  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.server_process import Server  # noqa: E402

IMAGES = ROOT / "docs" / "images"
TOKEN = "screenshot-ops-token-0123456789"
CHROMIUM = shutil.which("chromium")  # Debian's package (Playwright's download is not needed)


async def seed(database_url: str) -> int:
    """Returns the id of the incident whose page is shown."""
    runtime = build_runtime(make_settings(database_url, pr_leads=["U0LEAD1", "U0LEAD2"]))
    service = runtime.service
    try:
        await service.open_incident(
            title="Quarterly sales deck shared with an external address",
            reporter_id="U0SALES",
            platform="slack",
            discovered_at=utcnow() - timedelta(days=3),
        )
        closed, _ = await service.open_incident(
            title="Printout of a customer list left on a train",
            reporter_id="U0OPS",
            platform="slack",
        )
        for field, value in (("data_categories", ["contact"]), ("leak_mode", "lost_device")):
            await service.record_answer(closed.id, field, value, "U0OPS")
        await service.close(closed.id, "U0OPS", "Recovered by the railway; not read.")
        await service.open_incident(
            title="Drill: web shop skimming", reporter_id="U0OPS", platform="slack", is_drill=True
        )
        mail, _ = await service.open_incident(
            title="Order confirmation e-mails sent to the wrong customers",
            reporter_id="U0SUPPORT",
            platform="slack",
            discovered_at=utcnow() - timedelta(hours=30),
        )
        for field, value in (
            ("data_categories", ["contact", "other_personal"]),
            ("affected_count", 240),
            ("subject_regions", ["JP"]),
            ("leak_mode", "misdelivery"),
        ):
            await service.record_answer(mail.id, field, value, "U0SUPPORT")
        main, _ = await service.open_incident(
            title="Ransomware on the file server of the Osaka branch",
            reporter_id="U0REPORTER",
            platform="slack",
            discovered_at=utcnow() - timedelta(days=4, hours=2),  # the APPI target has passed
        )
        for field, value in (
            ("data_categories", ["contact", "identity", "financial"]),
            ("affected_count", 12000),
            ("subject_regions", ["JP", "EU"]),
            ("encryption", "none"),
            ("leak_mode", "ransomware"),
        ):
            await service.record_answer(main.id, field, value, "U0RESP1")
        await service.add_note(main.id, "Isolated the file server; backups are offline.", "U0RESP1")
        await service.add_note(main.id, "Forensics vendor engaged (contract signed).", "U0RESP1")
        await service.approve(main.id, 1, "U0LEAD1")
        await service.approve(main.id, 1, "U0LEAD2")
        return main.id
    finally:
        await runtime.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        sys.exit("chromium is not on PATH: apt-get install chromium (and fonts-noto-cjk)")

    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{tmp}/demo.db"
        from app.migrate import upgrade

        upgrade(database_url)
        incident_id = asyncio.run(seed(database_url))
        env = {
            "DATABASE_URL": database_url,
            "LEAKDESK_OPS_TOKEN": TOKEN,
            "LEAKDESK_SESSION_SECRET": "s" * 40,
            "LEAKDESK_LANGUAGE": "en",
            "LEAKDESK_WORKER": "false",
            "SLACK_CLIENT_ID": "1234.5678",
            "SLACK_CLIENT_SECRET": "demo",
            "LEAKDESK_PUBLIC_URL": "https://leakdesk.example.com",
            "LEAKDESK_OPS_MEMBERS": "S0OPS",
        }
        server = Server(env, cwd=Path(tmp)).wait_healthy()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.goto(f"{server.url}/login?lang=en")
                page.screenshot(path=str(IMAGES / "ops-login.png"))
                page.fill("input[name=token]", TOKEN)
                page.click("form:has(input[name=token]) button[type=submit]")
                page.goto(f"{server.url}/?sort=deadline&lang=en")
                page.screenshot(path=str(IMAGES / "ops-incidents.png"))
                page.goto(f"{server.url}/incidents/{incident_id}?lang=en")
                page.screenshot(path=str(IMAGES / "ops-incident.png"))
                page.locator("#timeline").scroll_into_view_if_needed()
                page.screenshot(path=str(IMAGES / "ops-timeline.png"))
                page.locator("section:has(#deadline-chart)").screenshot(
                    path=str(IMAGES / "ops-chart.png")
                )
                page.locator("section:has(td[title=data_categories])").screenshot(
                    path=str(IMAGES / "ops-answers.png")
                )
                page.goto(f"{server.url}/incidents/{incident_id}/report?lang=en")
                page.screenshot(path=str(IMAGES / "ops-report.png"))
                page.goto(f"{server.url}/incidents/{incident_id}?lang=ja")
                page.screenshot(path=str(IMAGES / "ops-incident-ja.png"))
                page.locator("section:has(#deadline-chart)").screenshot(
                    path=str(IMAGES / "ops-chart-ja.png")
                )
                browser.close()
        finally:
            server.stop()
    for name in sorted(IMAGES.glob("ops-*.png")):
        print(name.relative_to(ROOT))


if __name__ == "__main__":
    main()
