"""A bounded soak: many incidents to an approved statement while Slack fails 20% of calls at
random and the server is killed and restarted in the middle. Nothing lost, nothing doubled.

CI runs a reduced size; the full one is `SOAK_INCIDENTS=300 pytest tests/test_soak.py -s`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from app.models import TimelineEvent, WorkItem
from app.runtime import build_runtime
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests
from tests.server_process import Server, free_port

INCIDENTS = int(os.environ.get("SOAK_INCIDENTS", "12"))
WAIT = 90 + 2 * INCIDENTS  # seconds; a large soak queues behind its own backlog
ANSWERS: list[tuple[str, Any]] = [
    ("discovered_at", "reported"),
    ("data_categories", ["contact"]),
    ("data_subjects", ["customers"]),
    ("affected_count", "300"),
    ("subject_regions", ["JP"]),
    ("exposure_period", None),
    ("encryption", "none"),
    ("leak_mode", "misdelivery"),
]


def ref_of(message: dict[str, Any]) -> str | None:
    return ((message.get("metadata") or {}).get("event_payload") or {}).get("ref")


class Driver:
    def __init__(self, fake: FakeSlack, url: str) -> None:
        self.fake = fake
        self.url = url
        self.requests = SlackRequests(SIGNING_SECRET, response_url=fake.response_url)
        self.sent = 0

    async def send(
        self, http: httpx.AsyncClient, signed: tuple[bytes, dict[str, str]]
    ) -> httpx.Response:
        for _ in range(50):  # the server may be restarting: come back, as a person would
            try:
                response = await http.post(
                    f"{self.url}/slack/events", content=signed[0], headers=signed[1]
                )
                if response.status_code == 200:
                    self.sent += 1
                    return response
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError("the server never answered")

    def room_of(self, title: str) -> str | None:
        slug = title.lower().replace(" ", "-")
        rooms = [c["id"] for c in self.fake.channels if c["name"].endswith(slug)]
        return rooms[-1] if rooms else None

    async def wait_for(self, title: str, ref: str, within: float) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            room = self.room_of(title)
            if room:
                for message in self.fake.messages(room):
                    if ref_of(message) == ref:
                        return message
            await asyncio.sleep(0.1)
        raise AssertionError(f"{title}: {ref} never appeared")

    async def asking(self, title: str, field: str, within: float) -> dict[str, Any]:
        """The one triage card once it asks `field`."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            card = await self.wait_for(title, "triage", within)
            if any(str(b.get("block_id", "")).endswith(f":{field}") for b in card["blocks"]):
                return card
            await asyncio.sleep(0.1)
        raise AssertionError(f"{title}: the triage card never asked {field}")

    async def triage(self, http: httpx.AsyncClient, title: str, room_within: float) -> None:
        message = await self.asking(title, "discovered_at", room_within)
        room = self.room_of(title)
        for field, value in ANSWERS:
            message = await self.asking(title, field, WAIT)
            if field == "encryption":  # buttons: the first one is "none"
                block = next(b for b in message["blocks"] if b.get("type") == "actions")
                button = block["elements"][0]
                signed = self.requests.block_actions(
                    button["action_id"],
                    button["value"],
                    user_id="U0RESP1",
                    channel_id=room,
                    message_ts=message["ts"],
                    block_id=block["block_id"],
                    message=message,
                )
            else:
                action_id = f"answer:{field}" if value is not None else "answer_unknown"
                signed = self.requests.press(message, action_id, user_id="U0RESP1", value=value)
            await self.send(http, signed)
        statement = await self.wait_for(title, "statement", WAIT)
        await self.send(
            http, self.requests.press(statement, "statement_approve", user_id="U0LEAD1")
        )
        await self.wait_for(title, "published:1", WAIT)


async def test_soak_with_random_slack_faults_and_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    with FakeSlack() as fake:
        fake.random_faults(
            rate=0.2,
            seed=20261128,
            kinds=("http_500", "ratelimited", "dropped", "dropped_after"),
            retry_after=1,
        )
        env = {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.url,
            "LEAKDESK_LANGUAGE": "en",
            "LEAKDESK_PR_LEADS": "U0LEAD1",
            "LEAKDESK_RESPONDERS": "U0RESP1",
            "LEAKDESK_CONTACT": "0120-000-000",
            "LEAKDESK_WORKER_INTERVAL": "0.1",
            "LEAKDESK_WORK_LEASE_SECONDS": "5",
            "LEAKDESK_WORK_BACKOFF_CAP": "2",
            "LEAKDESK_WORK_MAX_ATTEMPTS": "60",
            "LEAKDESK_SLACK_PACING": "false",
        }
        port = free_port()
        server = Server(env, cwd=tmp_path, port=port).wait_healthy()
        driver = Driver(fake, server.url)
        # Distinct summaries: similar ones would be grouped as one report storm, by design.
        titles = [
            f"soak {hashlib.sha1(str(n).encode()).hexdigest()[:8]} "
            f"{hashlib.sha1(str(-n).encode()).hexdigest()[:8]}"
            for n in range(INCIDENTS)
        ]
        limit = asyncio.Semaphore(10)
        try:
            async with httpx.AsyncClient(timeout=10) as http:

                async def report(title: str) -> None:
                    async with limit:
                        await driver.send(http, driver.requests.slash(title))

                await asyncio.gather(*(report(t) for t in titles))
                # A crash while the worker is busy creating rooms, then a fresh process.
                await asyncio.sleep(0.5)
                server.stop(hard=True)
                server = Server(env, cwd=tmp_path, port=port).wait_healthy()

                async def run(title: str) -> None:
                    async with limit:
                        await driver.triage(http, title, room_within=2 * WAIT)

                await asyncio.gather(*(run(t) for t in titles))
        finally:
            server.stop()
        faults = Counter(c.outcome for c in fake.calls)

    runtime = build_runtime(make_settings(database_url))
    try:
        incidents = await runtime.service.open_incidents(limit=INCIDENTS + 10)
        assert len(incidents) == INCIDENTS
        duplicates = 0
        for incident, verdict in incidents:
            assert verdict is not None and incident.channel_id
            refs = Counter(ref_of(m) for m in fake.messages(incident.channel_id) if ref_of(m))
            duplicates += sum(n - 1 for n in refs.values() if n > 1)
            assert await runtime.service.verify(incident.id) is None
            statement = await runtime.service.latest_statement(incident.id)
            assert statement is not None and statement.status == "approved"
        async with runtime.sessions() as session:
            kinds = Counter(
                dict(
                    (
                        await session.execute(
                            select(TimelineEvent.kind, func.count()).group_by(TimelineEvent.kind)
                        )
                    ).all()
                )
            )
            dead = (
                await session.execute(
                    select(func.count()).select_from(WorkItem).where(WorkItem.status == "dead")
                )
            ).scalar_one()
        rooms = [c for c in fake.channels if c["name"].startswith("leak-")]
    finally:
        await runtime.close()
    print(
        f"\nsoak: {INCIDENTS} incidents, {driver.sent} requests, {len(fake.calls)} Slack calls "
        f"({dict(faults)}), {len(rooms)} rooms, {kinds['answer.recorded']} answers, "
        f"{kinds['statement.approved']} approvals, {duplicates} duplicate posts, {dead} dead rows, "
        f"{time.monotonic() - started:.0f} s"
    )
    assert duplicates == 0
    assert dead == 0
    assert len(rooms) == INCIDENTS
    assert kinds["answer.recorded"] == INCIDENTS * len(ANSWERS)
    assert kinds["statement.approved"] == INCIDENTS
