"""Starting the Slack app says nothing misleading about the configured token."""

from __future__ import annotations

import logging

import pytest

from app.main import create_app
from app.runtime import build_runtime
from tests.conftest import BOT_TOKEN
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, slack_settings


@pytest.mark.parametrize("token_in_environment", [False, True])
async def test_no_warning_that_the_configured_token_will_be_ignored(
    database_url: str,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    token_in_environment: bool,
) -> None:
    if token_in_environment:  # how a container or systemd unit usually sets it
        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    settings = slack_settings(database_url, fake_slack)
    runtime = build_runtime(settings)
    with caplog.at_level(logging.INFO, logger="slack_bolt"):
        create_app(settings, runtime=runtime, start_worker=False)
    await runtime.close()
    said = [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")]
    assert not [m for m in said if "will be ignored" in m or "will be unused" in m], said


async def test_slack_sdk_builds_no_debug_lines_that_nobody_reads(
    slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """slack_sdk formats a debug line of each request's whole body and each response whenever
    its logger's own level is unset, whatever the handlers then keep (app.logs.level_set): a
    report, its room and its response_url message format none at INFO."""
    monkeypatch.setattr(logging.getLogger(), "level", logging.INFO)
    formatted: list[str] = []
    debug = logging.Logger.debug

    def counting(self: logging.Logger, msg: object, *args: object, **kwargs: object) -> None:
        if self.name.startswith("slack_sdk"):
            formatted.append(str(msg)[:80])
        debug(self, msg, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(logging.Logger, "debug", counting)
    await slack.command("Customer CSV sent to the wrong address")
    await slack.work()
    assert slack.fake.calls_to("conversations.create", outcome="ok")
    told = [e for e in slack.fake.ephemerals() if e.get("via") == "response_url"]
    assert told, "the reporter is told through the response_url"
    assert formatted == []
