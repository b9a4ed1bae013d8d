"""Follow-ups with real `leakdesk serve` processes: two replicas on one PostgreSQL, and a restart."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.db import transaction
from app.incidents.schedule import enqueue_prompt, prompt_kind
from app.models import Followup, FollowupState, WorkItem, utcnow
from app.runtime import Runtime
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import BOT_USER_ID
from tests.server_process import Server


def server_env(database_url: str, fake: FakeSlack) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "LEAKDESK_LANGUAGE": "en",
        "LEAKDESK_WORKER_INTERVAL": "0.1",
    }


async def schedule_prompts(
    runtime: Runtime, fake: FakeSlack, *, incidents: int, each: int, due_at: list[datetime]
) -> None:
    """Incidents with rooms, each with `each` status checks due at the given times (cycled)."""
    for n in range(incidents):
        incident, _ = await runtime.service.open_incident(
            title=f"Prompt load {n}", reporter_id="U0REPORTER", platform="slack"
        )
        channel = fake.add_channel(f"leak-load-{n:03d}", is_private=True, members=[BOT_USER_ID])
        await runtime.service.record_room(incident.id, channel_id=channel, channel_name=f"load-{n}")
        now = utcnow()
        async with transaction(runtime.sessions) as session:
            for i in range(each):
                when = due_at[i % len(due_at)]
                row = Followup(
                    incident_id=incident.id,
                    key=f"status:{n}-{i}",
                    kind="status",
                    due_at=when,
                    state=FollowupState.SCHEDULED,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()
                await enqueue_prompt(
                    session, row, platform="slack", due_at=when, now=now, max_attempts=8
                )


def prompt_posts(fake: FakeSlack) -> list[str]:
    refs = [
        m["metadata"]["event_payload"].get("ref", "")
        for m in fake.posts_with_metadata("leakdesk_message")
    ]
    return [r for r in refs if r.startswith("followup:")]


async def wait_for_posts(fake: FakeSlack, count: int, within: float) -> None:
    deadline = time.monotonic() + within
    while len(fake.calls_to("chat.postMessage", outcome="ok")) < count:
        assert time.monotonic() < deadline, f"{len(prompt_posts(fake))}/{count} posted in time"
        await asyncio.sleep(0.1)


async def test_two_replicas_post_200_prompts_due_in_one_second_once_each(
    runtime: Runtime, fake_slack: FakeSlack, database_url: str, is_postgres: bool, tmp_path: Path
) -> None:
    if not is_postgres:
        pytest.skip("two processes share one database on PostgreSQL (set TEST_DATABASE_URL)")
    env = server_env(database_url, fake_slack)
    servers = [Server(env, cwd=tmp_path), Server(env, cwd=tmp_path)]
    try:
        for server in servers:
            server.wait_healthy()
        later = utcnow() + timedelta(hours=1)
        # One prompt per room: Slack takes about one message a second per channel (paced).
        await schedule_prompts(runtime, fake_slack, incidents=200, each=1, due_at=[later])
        due = (utcnow() + timedelta(seconds=1)).replace(microsecond=0)
        async with transaction(runtime.sessions) as session:
            await session.execute(
                update(WorkItem).where(WorkItem.kind == prompt_kind("slack")).values(due_at=due)
            )
        await wait_for_posts(fake_slack, 200, within=60)
        await asyncio.sleep(1.0)  # a second post would show up now
    finally:
        for server in servers:
            server.stop()

    posts = prompt_posts(fake_slack)
    assert [r for r, n in Counter(posts).items() if n > 1] == []
    assert len(posts) == 200
    async with runtime.sessions() as session:
        rows = (
            await session.execute(select(WorkItem).where(WorkItem.kind == prompt_kind("slack")))
        ).scalars()
        workers = Counter(r.claimed_by.rsplit(":", 1)[0] for r in rows if r.claimed_by)
    assert len(workers) == 2, workers  # both replicas took a share
    lags = sorted(
        c.at - due.timestamp() for c in fake_slack.calls_to("chat.postMessage", outcome="ok")
    )
    print(
        f"\n200 prompts, 2 replicas: lag p50 {statistics.median(lags):.3f}s "
        f"p99 {lags[int(len(lags) * 0.99) - 1]:.3f}s max {lags[-1]:.3f}s; split {dict(workers)}"
    )


async def test_prompts_due_while_the_server_was_down_are_each_posted_once_on_restart(
    runtime: Runtime, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    soon = utcnow() + timedelta(seconds=6)
    while_down = soon + timedelta(seconds=10)
    await schedule_prompts(runtime, fake_slack, incidents=2, each=10, due_at=[soon, while_down])
    env = server_env(database_url, fake_slack)

    first = Server(env, cwd=tmp_path)
    try:
        first.wait_healthy()
        await wait_for_posts(fake_slack, 10, within=30)
    finally:
        first.stop(hard=True)
    assert len(prompt_posts(fake_slack)) == 10

    await asyncio.sleep(max(0.0, (while_down - utcnow()).total_seconds()) + 0.5)
    second = Server(env, cwd=tmp_path)
    try:
        second.wait_healthy()
        await wait_for_posts(fake_slack, 20, within=30)
        await asyncio.sleep(1.0)
    finally:
        second.stop()
    posts = prompt_posts(fake_slack)
    assert len(posts) == 20 and len(set(posts)) == 20


async def test_a_server_killed_mid_post_is_taken_over_and_each_prompt_posted_once(
    runtime: Runtime, fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    await schedule_prompts(
        runtime, fake_slack, incidents=5, each=1, due_at=[utcnow() + timedelta(hours=1)]
    )
    env = {**server_env(database_url, fake_slack), "LEAKDESK_WORK_LEASE_SECONDS": "5"}
    # Slack is slow (4 s a post), so the kill lands mid-post even on a busy machine.
    fake_slack.set_latency("chat.postMessage", 4.0)
    doomed = Server(env, cwd=tmp_path)
    try:
        doomed.wait_healthy()
        async with transaction(runtime.sessions) as session:
            await session.execute(
                update(WorkItem)
                .where(WorkItem.kind == prompt_kind("slack"))
                .values(due_at=utcnow())
            )
        fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postMessage"), within=20)
    finally:
        doomed.stop(hard=True)
    fake_slack.set_latency("chat.postMessage", 0.0)

    survivor = Server(env, cwd=tmp_path)
    try:
        survivor.wait_healthy()
        await wait_for_posts(fake_slack, 5, within=30)
        await asyncio.sleep(1.0)
    finally:
        survivor.stop()
    posts = prompt_posts(fake_slack)
    assert sorted(posts) == sorted(set(posts)) and len(posts) == 5
    # The post in flight at the kill landed; the survivor found it instead of posting again.
    assert fake_slack.calls_to("conversations.history")
