"""Multi-workspace installs through slack_sdk's OAuth stores; the manifest asks for what we use."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml
from slack_sdk.oauth.installation_store import Installation

from app.main import create_app
from app.runtime import build_runtime
from app.slack.installs import BOT_SCOPES, installation_store
from tests.conftest import SIGNING_SECRET, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests

ROOT = Path(__file__).resolve().parents[2]


def test_the_manifest_asks_for_exactly_the_scopes_the_oauth_flow_requests() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert manifest["features"]["slash_commands"][0]["command"] == "/leak"
    assert manifest["features"]["shortcuts"][0]["callback_id"] == "report_leak"


async def test_an_installed_workspace_is_served_and_others_are_refused(
    database_url: str, fake_slack: FakeSlack
) -> None:
    settings = make_settings(
        database_url,
        slack_client_id="111.222",
        slack_client_secret="shh",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        language="en",
    )
    runtime = build_runtime(settings)
    await installation_store(settings, runtime.engine).async_save(
        Installation(
            app_id="A0LEAKDESK",
            team_id="T0001",
            bot_token="xoxb-installed-token",
            bot_id="B0BOT",
            bot_user_id="U0BOT",
            bot_scopes=list(BOT_SCOPES),
            user_id="U0REPORTER",
            installed_at=1.0,
        )
    )
    app = create_app(settings, runtime=runtime, start_worker=False)
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        body, headers = requests.slash("Invoice PDF e-mailed to the wrong client")
        response = await http.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 200 and "Report recorded" in response.text
        await runtime.queue.drain()
        assert [c for c in fake_slack.channels if c["name"].startswith("leak-")]

        other = SlackRequests(SIGNING_SECRET, team_id="T0999")
        body, headers = other.slash("not ours", channel_id="C0GENERAL")
        response = await http.post("/slack/events", content=body, headers=headers)
        assert "Report recorded" not in response.text
        await runtime.queue.drain()
        assert len(await runtime.service.open_incidents()) == 1

        install = await http.get("/slack/install", follow_redirects=False)
        assert install.status_code in (200, 302)
    await runtime.close()
