"""What Slack's endpoint refuses: never a 500, never a body in the logs, never a whole body read."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest

from app.logs import JsonFormatter, PlainFormatter
from tests.conftest import SIGNING_SECRET
from tests.fakes.slack_requests import sign, slash_command
from tests.slack.conftest import Slack

SECRET_BODY = b"text=card+4111111111111111+password+hunter2%0AINFO+forged+line&command=%2Fleak"


@pytest.mark.parametrize("raw", [b"[1,2]", b"true", b"5", b"null", b'"x"', b"{}", b""])
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
async def test_unsigned_bodies_of_any_shape_are_refused_with_401(
    slack: Slack, raw: bytes, content_type: str
) -> None:
    response = await slack.http.post(
        "/slack/events",
        content=raw,
        headers={
            "content-type": content_type,
            "x-slack-request-timestamp": "1",
            "x-slack-signature": "v0=0",
        },
    )
    assert response.status_code == 401


@pytest.mark.parametrize("timestamp", ["abc", "1e10", "", "-5", "9" * 40, "0x10", " 1"])
async def test_odd_timestamps_are_refused_with_401(slack: Slack, timestamp: str) -> None:
    body = slash_command("payroll")
    headers = sign(body, SIGNING_SECRET)
    headers["X-Slack-Request-Timestamp"] = timestamp
    response = await slack.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401


def _signed(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, sign(body, SIGNING_SECRET)


def _payload(payload: object) -> bytes:
    from urllib.parse import urlencode

    return urlencode({"payload": json.dumps(payload)}).encode()


SIGNED_ODDITIES = {
    "command without user_id": slash_command("x").replace(b"user_id=U0REPORTER&", b""),
    "command without team_id": slash_command("x").replace(b"team_id=T0001&", b""),
    "interaction without type": _payload({"user": {"id": "U1"}, "actions": []}),
    "interaction without user": _payload({"type": "block_actions", "actions": []}),
    "json list": b"[1,2]",
    "json event without type": b'{"event": {}}',
    "event_callback without event": b'{"type": "event_callback"}',
    "NUL in a command": slash_command("note a\x00b"),
    "NUL in a payload": _payload({"type": "block_actions", "user": {"id": "U1\x00"}}),
}


@pytest.mark.parametrize("name", sorted(SIGNED_ODDITIES))
async def test_signed_payloads_missing_their_fields_are_a_400(slack: Slack, name: str) -> None:
    response = await slack.send(_signed(SIGNED_ODDITIES[name]))
    assert response.status_code == 400, response.text


async def test_an_incident_id_past_64_bits_is_not_a_server_error(slack: Slack) -> None:
    for huge in (2**63, 2**64, -(2**63) - 1):
        for action in (
            "close_confirm",
            "storm_join",
            "redraft",
            "list_answers",
            "statement_approve",
        ):
            body = _payload(
                {
                    "type": "block_actions",
                    "user": {"id": "U0RESP1", "team_id": "T0001"},
                    "team": {"id": "T0001"},
                    "actions": [{"action_id": action, "value": json.dumps({"i": huge, "v": 1})}],
                }
            )
            response = await slack.send(_signed(body))
            assert response.status_code < 500, (action, huge)


async def test_a_refused_request_is_logged_with_why_and_never_its_body(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stale = sign(SECRET_BODY, SIGNING_SECRET, timestamp=1_000_000_000)
    await slack.http.post("/slack/events", content=SECRET_BODY, headers=stale)
    forged = {**sign(SECRET_BODY, SIGNING_SECRET), "X-Slack-Signature": "v0=" + "0" * 64}
    await slack.http.post("/slack/events", content=SECRET_BODY, headers=forged)
    messages = [record.getMessage() for record in caplog.records]
    assert any("stale timestamp" in m for m in messages), messages
    assert any("signature mismatch" in m for m in messages), messages
    for message in messages:
        assert "4111111111111111" not in message and "hunter2" not in message


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord(
        "leakdesk", logging.INFO, __file__, 1, "user said %s", (message,), None
    )


@pytest.mark.parametrize("formatter", [PlainFormatter("%(message)s"), JsonFormatter()])
def test_control_characters_cannot_forge_a_log_line(formatter: logging.Formatter) -> None:
    line = formatter.format(_record("hi\n2026-12-04 INFO forged\r\x1b[2J\u2028end"))
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert "forged" in line


async def test_a_chunked_body_is_cut_off_at_the_limit_not_read_whole(slack: Slack) -> None:
    pulled = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(150 * 16):  # 150 MiB in 64 KiB chunks, no Content-Length
            pulled += 1
            yield b"x" * 65536

    for path in ("/slack/events", "/api/v1/incidents", "/login", "/nowhere"):
        pulled = 0
        response = await slack.http.post(path, content=chunks())
        assert response.status_code != 500, (path, response.status_code)
        assert pulled <= 6, (path, pulled)


async def test_a_declared_length_over_the_limit_is_refused_before_reading(slack: Slack) -> None:
    response = await slack.http.post(
        "/slack/events", content=b"x" * 10, headers={"content-length": str(300 * 1024 * 1024)}
    )
    assert response.status_code == 413


async def test_with_slack_team_id_set_a_request_must_name_that_workspace_and_person(
    database_url: str,
) -> None:
    import httpx

    from app.main import create_app
    from app.runtime import build_runtime
    from tests.fakes.slack_api import FakeSlack
    from tests.slack.conftest import slack_settings

    with FakeSlack() as fake:
        settings = slack_settings(database_url, fake, slack_team_id="T0001")
        runtime = build_runtime(settings)
        app = create_app(settings, runtime=runtime, start_worker=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            no_team = slash_command("payroll file sent out").replace(b"team_id=T0001&", b"")
            response = await http.post(
                "/slack/events", content=no_team, headers=sign(no_team, SIGNING_SECRET)
            )
            assert response.status_code == 400
            other = slash_command("payroll file sent out", team_id="T0OTHER")
            response = await http.post(
                "/slack/events", content=other, headers=sign(other, SIGNING_SECRET)
            )
            assert response.status_code == 403
            guest = _payload(
                {
                    "type": "block_actions",
                    "user": {"id": "U0LEAD1", "team_id": "T0OTHER"},
                    "team": {"id": "T0001"},
                    "actions": [{"action_id": "statement_approve", "value": '{"i": 1, "v": 1}'}],
                }
            )
            response = await http.post(
                "/slack/events", content=guest, headers=sign(guest, SIGNING_SECRET)
            )
            assert response.status_code == 403
        await runtime.close()
