"""A whole incident against the real `leakdesk serve` process (uvicorn, worker, SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests
from tests.server_process import Worker, serve


def refs(fake: FakeSlack, channel: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {
        ((m.get("metadata") or {}).get("event_payload") or {}).get("ref"): m
        for m in fake.messages(channel)
    }


async def wait_for_ref(fake: FakeSlack, ref: str, within: float = 15) -> dict:  # type: ignore[type-arg]
    for _ in range(int(within * 20)):
        rooms = [c for c in fake.channels if c["name"].startswith("leak-")]
        if rooms and ref in refs(fake, rooms[-1]["id"]):
            return refs(fake, rooms[-1]["id"])[ref]
        await asyncio.sleep(0.05)
    raise AssertionError(f"{ref} was never posted; calls: {fake.call_counts()}")


async def wait_for_question(fake: FakeSlack, field: str, within: float = 15) -> dict:  # type: ignore[type-arg]
    """The triage card once it asks `field`."""
    for _ in range(int(within * 20)):
        card = await wait_for_ref(fake, "triage", within)
        if any(str(b.get("block_id", "")).endswith(f":{field}") for b in card["blocks"]):
            return card
        await asyncio.sleep(0.05)
    raise AssertionError(f"the triage card never asked {field}")


def server_env(database_url: str, fake: FakeSlack) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "LEAKDESK_LANGUAGE": "en",
        "LEAKDESK_WORKER_INTERVAL": "0.1",
    }


async def test_a_real_server_takes_a_leak_to_a_verdict(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = {
        **server_env(database_url, fake_slack),
        "LEAKDESK_RESPONDERS": "U0RESP1",
        "LEAKDESK_PR_LEADS": "S0PRLEADS",
    }
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url)
    with serve(env, cwd=tmp_path) as url:
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:

            async def send(signed: tuple[bytes, dict[str, str]]) -> httpx.Response:
                response = await http.post("/slack/events", content=signed[0], headers=signed[1])
                assert response.status_code == 200, response.text
                return response

            ack = await send(requests.slash("Ransomware on the file server"))
            assert "Report recorded" in ack.json()["text"]
            question = await wait_for_question(fake_slack, "discovered_at")
            room = [c for c in fake_slack.channels if c["name"].startswith("leak-")][-1]
            assert room["is_private"]
            # The invitations go out beside the first question (one round trip), not before it.
            people = {"U0LEAD1", "U0LEAD2", "U0RESP1"}
            await fake_slack.wait_for_async(
                lambda: people <= set(fake_slack.members(room["id"])), within=15
            )
            await send(requests.press(question, "answer:discovered_at", user_id="U0RESP1"))
            question = await wait_for_question(fake_slack, "data_categories")
            await send(
                requests.press(
                    question,
                    "answer:data_categories",
                    user_id="U0RESP1",
                    value=["special_care", "identity"],
                )
            )
            question = await wait_for_question(fake_slack, "data_subjects")
            await send(
                requests.press(
                    question, "answer:data_subjects", user_id="U0RESP1", value=["patients"]
                )
            )
            question = await wait_for_question(fake_slack, "affected_count")
            await send(
                requests.press(question, "answer:affected_count", user_id="U0RESP1", value="12000")
            )
            question = await wait_for_question(fake_slack, "subject_regions")
            await send(
                requests.press(question, "answer:subject_regions", user_id="U0RESP1", value=["JP"])
            )
            question = await wait_for_question(fake_slack, "exposure_period")
            await send(requests.press(question, "answer_unknown", user_id="U0RESP1"))
            question = await wait_for_question(fake_slack, "encryption")
            await send(
                requests.press(question, "answer:encryption:0", user_id="U0RESP1")  # "none"
            )
            question = await wait_for_question(fake_slack, "leak_mode")
            await send(
                requests.press(question, "answer:leak_mode", user_id="U0RESP1", value="ransomware")
            )
            verdict = await wait_for_ref(fake_slack, "verdict:1")
            assert "SEV1" in str(verdict["blocks"])
            await wait_for_ref(fake_slack, "statement")


async def test_web_replicas_without_a_worker_and_a_worker_process_share_the_work(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """`LEAKDESK_WORKER=false leakdesk serve` acknowledges; `leakdesk worker` opens the room;
    SIGTERM stops the worker cleanly."""
    env = server_env(database_url, fake_slack)
    requests = SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url)
    with serve({**env, "LEAKDESK_WORKER": "false"}, cwd=tmp_path) as url:
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            body, headers = requests.slash("Customer export found on a public share")
            ack = await http.post("/slack/events", content=body, headers=headers)
            assert ack.status_code == 200 and "Report recorded" in ack.json()["text"]
            await asyncio.sleep(1)
            leak_rooms = [c for c in fake_slack.channels if c["name"].startswith("leak-")]
            assert not leak_rooms, "the web process did the work itself"
            worker = Worker(env, cwd=tmp_path).wait_healthy()
            try:
                await wait_for_question(fake_slack, "discovered_at")
            finally:
                worker.process.terminate()
                assert worker.process.wait(timeout=10) == 0
                worker.stop()
