"""LEAKDESK_QUIET_HOURS through a running app: SEV3 status checks wait for the morning."""

from __future__ import annotations

from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.main import create_app
from app.runtime import build_runtime
from tests.conftest import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests
from tests.followups.test_slack_prompts import followups
from tests.slack.conftest import Slack, slack_settings


@pytest.fixture
async def quiet_slack(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    # Quiet all day but the first minute after midnight: every SEV3 check waits for 00:00.
    settings = slack_settings(database_url, fake_slack, quiet_hours="00:01-00:00")
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        yield Slack(
            fake_slack,
            SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url),
            http,
            runtime,
        )
    await runtime.close()


async def test_sev3_status_checks_wait_for_the_end_of_the_quiet_hours(quiet_slack: Slack) -> None:
    slack = quiet_slack
    await slack.command("Newsletter list sent to the wrong partner")
    await slack.work()
    for field, value in (
        ("discovered_at", "reported"),
        ("data_categories", ["contact"]),
        ("data_subjects", ["customers"]),
        ("affected_count", "300"),
        ("subject_regions", ["JP"]),
        ("exposure_period", None),
        ("encryption", "none"),
        ("leak_mode", "misdelivery"),
    ):
        await slack.answer(field, value)
        await slack.work()
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident is not None and incident.severity == "SEV3"
    checks = [f for f in (await followups(slack, incident)).values() if f.kind == "status"]
    assert checks
    tokyo = ZoneInfo("Asia/Tokyo")
    assert {f.due_at.astimezone(tokyo).strftime("%H:%M") for f in checks} == {"00:00"}
