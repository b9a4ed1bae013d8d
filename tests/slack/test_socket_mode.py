"""Socket Mode: the same listeners; a request's work runs at once, not at the next tick."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.socket_mode.request import SocketModeRequest

from app.runtime import build_runtime
from app.slack.app import build_bolt_app, socket_mode_handler
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import slack_settings


class Socket:
    """What bolt's handler needs of the Socket Mode client: somewhere to send the ack."""

    logger = logging.getLogger("socket")

    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def send_socket_mode_response(self, response: Any) -> None:
        self.sent.append(response)


async def test_a_report_over_socket_mode_is_acked_and_its_room_made_without_a_tick(
    database_url: str, fake_slack: FakeSlack
) -> None:
    runtime = build_runtime(slack_settings(database_url, fake_slack))
    runtime.queue.poking = True  # as `leakdesk socket` runs it (its tick is not started here)
    handler = socket_mode_handler(build_bolt_app(runtime), runtime, "xapp-test")
    socket = Socket()
    command = {
        "token": "ignored",
        "team_id": "T0TEST",
        "channel_id": "C0GENERAL",
        "user_id": "U0REPORTER",
        "command": "/leak",
        "text": "Customer list uploaded to a public bucket",
        "response_url": fake_slack.response_url("C0GENERAL", "U0REPORTER", None),
        "trigger_id": "1.2.3",
    }
    try:
        await handler.handle(
            socket, SocketModeRequest(type="slash_commands", envelope_id="e1", payload=command)
        )
        (ack,) = socket.sent
        assert ack.envelope_id == "e1" and "Report recorded" in ack.payload["text"]
        for _ in range(200):
            if any(c["name"].startswith("leak-") for c in fake_slack.channels):
                break
            await asyncio.sleep(0.01)
        assert any(c["name"].startswith("leak-") for c in fake_slack.channels)
    finally:
        await handler.client.close()
        await runtime.close()
