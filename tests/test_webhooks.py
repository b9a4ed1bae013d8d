"""Outgoing webhooks: an incident's opening, verdicts, approved statement and closing reach a real
HTTP server on 127.0.0.1, signed as docs/operations.md says — checked with the very verification
example the docs print — retried through the work queue, and without a word of the leaked data."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.models import utcnow
from app.settings import SettingsError, load_settings
from app.webhooks import encode, sign
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import driven
from tests.slack.room_walk import MISDIRECTED_SEV3, walk

SECRET = "whsec-test-0123456789abcdef"
SUMMARY = "Customer list e-mailed to the wrong address, card 4111 1111 1111 1111"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def documented_verify() -> Callable[..., bool]:
    """The `verify` function of docs/operations.md's verification example, as printed."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("**Verifying a delivery.**") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "docs/operations.md lost its verification example"
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "docs/operations.md", "exec"), namespace)
    return namespace["verify"]


@dataclass
class Receiver:
    """A ticketing tool's endpoint: records each delivery and answers with the next status."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers.items()), body))
            self.send_response(state.statuses.pop(0) if state.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/leakdesk?token=abc"
    yield state
    server.shutdown()
    server.server_close()


def hooked(url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "webhook_urls": [url],
        "webhook_secret": SECRET,
        "public_url": "https://leakdesk.example.com",
        **overrides,
    }


async def test_each_change_is_announced_signed_and_without_leaked_data(
    database_url: str, fake_slack: FakeSlack, receiver: Receiver
) -> None:
    verify = documented_verify()
    async with driven(database_url, fake_slack, **hooked(receiver.url)) as slack:
        await walk(slack, SUMMARY, MISDIRECTED_SEV3, ["U0LEAD1"])
        await slack.close("Recipient deleted the e-mail")
        await slack.work()
        incident_id = slack.room_incident_id()
        timeline = await slack.runtime.service.timeline(incident_id)

    bodies = sorted(receiver.bodies(), key=lambda b: b["sequence"])
    types = [b["type"] for b in bodies]
    assert types[0] == "incident.opened" and types[-1] == "incident.closed"
    assert "incident.verdict_changed" in types and "incident.statement_approved" in types
    for headers, raw in receiver.received:
        assert verify(SECRET, headers, raw), "the documented example refuses a real delivery"
        assert headers["X-Leakdesk-Event"] == json.loads(raw)["type"]
        for leaked in ("Customer list", "Recipient deleted"):
            assert leaked not in raw.decode()
        # (the card's first digits, but not inside an id's random hex: "…8384111eb…")
        assert not re.search(r"(?<![0-9a-f-])4111", raw.decode())
    verdict = next(b for b in bodies if b["type"] == "incident.verdict_changed")
    assert verdict["data"]["severity"] == "SEV3" and verdict["incident"]["severity"] == "SEV3"
    closed = bodies[-1]["incident"]
    assert closed["status"] == "closed" and closed["closed_at"] and closed["drill"] is False
    assert closed["links"]["ops"] == f"https://leakdesk.example.com/incidents/{closed['key']}"
    delivered = [e for e in timeline if e.kind == "webhook.delivered"]
    assert sorted(e.data["type"] for e in delivered) == sorted(types)
    assert {e.data["host"] for e in delivered} == {receiver.url.split("/")[2]}  # no token


async def test_a_failing_receiver_is_retried_then_shown_dead_on_the_timeline(
    database_url: str, fake_slack: FakeSlack, receiver: Receiver
) -> None:
    receiver.statuses = [503, 500]  # the opening fails twice, then is accepted
    async with driven(database_url, fake_slack, **hooked(receiver.url)) as slack:
        queue = slack.runtime.queue
        # The worker's clock stands still unless the test moves it: a retry falls due only
        # when its backoff is stepped over, however long the machine takes (a minute ahead,
        # so the rows the command writes are due at once).
        start, later = utcnow() + timedelta(minutes=1), timedelta()
        queue.clock = lambda: start + later
        await slack.command("Laptop left on a train")
        await slack.work()
        assert [b["type"] for b in receiver.bodies()] == ["incident.opened"]
        for _ in range(2):  # each retry is due after its backoff
            later += timedelta(seconds=10)
            await slack.work()
        ids = {b["id"] for b in receiver.bodies()}
        assert len(receiver.received) == 3 and len(ids) == 1  # one delivery id, three attempts
        incident_id = slack.room_incident_id()
        (delivered,) = [
            e
            for e in await slack.runtime.service.timeline(incident_id)
            if e.kind == "webhook.delivered"
        ]
        assert delivered.data["attempt"] == 3 and delivered.data["status"] == 200

        receiver.statuses = [500] * 20  # the receiver goes down: the closing is never accepted
        await slack.close("Found in the lost-property office")
        await slack.work()
        for _ in range(16):
            later += timedelta(hours=1)
            await slack.work()
        dead = [
            e for e in await slack.runtime.service.timeline(incident_id) if e.kind == "work.dead"
        ]
    assert [e.data["kind"] for e in dead] == ["webhook"]
    assert "answered 500" in dead[0].data["error"] and dead[0].data["attempts"] == 15


async def test_drills_announce_nothing_unless_configured(
    database_url: str, fake_slack: FakeSlack, receiver: Receiver
) -> None:
    async with driven(database_url, fake_slack, **hooked(receiver.url)) as slack:
        await slack.command("drill lost-laptop")
        await slack.work()
    assert receiver.received == []
    overrides = hooked(receiver.url, webhook_drills=True)
    async with driven(database_url, fake_slack, **overrides) as slack:
        await slack.command("drill lost-laptop")
        await slack.work()
    (body,) = receiver.bodies()
    assert body["type"] == "incident.opened" and body["incident"]["drill"] is True


def test_the_documented_check_refuses_a_forged_or_replayed_delivery() -> None:
    verify = documented_verify()
    body = encode({"id": "1", "type": "incident.opened"})
    now = int(time.time())
    good = {"X-Leakdesk-Timestamp": str(now), "X-Leakdesk-Signature": sign(SECRET, now, body)}
    assert verify(SECRET, good, body)
    assert not verify(SECRET, good, body.replace(b"opened", b"closed"))
    assert not verify("another-secret-0123456789", good, body)
    assert not verify(SECRET, good, body, now=now + 301)  # outside the replay window
    assert not verify(SECRET, {**good, "X-Leakdesk-Timestamp": "soon"}, body)


def test_webhook_urls_without_a_secret_are_refused() -> None:
    with pytest.raises(SettingsError, match="LEAKDESK_WEBHOOK_SECRET"):
        load_settings(_env_file=None, webhook_urls="https://hooks.example.com/x")
    with pytest.raises(SettingsError, match="LEAKDESK_WEBHOOK_URLS"):
        load_settings(
            _env_file=None, webhook_urls="ftp://hooks.example.com/x", webhook_secret=SECRET
        )
