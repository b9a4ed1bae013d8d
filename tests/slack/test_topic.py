"""The room's topic (Slack posts "set the channel topic" into the room on every
conversations.setTopic, the same text included): set only when it has something new to say,
and the room is asked what it reads (conversations.info) only by a process that has neither
made the room nor set its topic."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from app.work.queue import WorkSpec
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import BOT_TOKEN, Slack, driven


async def _opened_and_aware(slack: Slack) -> int:
    await slack.command("Payroll spreadsheet e-mailed outside the company")
    await slack.work()
    await slack.answer("discovered_at", "reported")
    await slack.work()
    return slack.room_incident_id()


async def test_the_process_that_made_the_room_sets_its_topic_without_asking(
    slack: Slack,
) -> None:
    await _opened_and_aware(slack)
    assert len(slack.fake.calls_to("conversations.setTopic", outcome="ok")) == 1
    assert "not assessed yet" in slack.fake.topic(slack.room()["id"])
    assert not slack.fake.calls_to("conversations.info")


async def test_another_process_asks_the_room_first_and_leaves_an_unchanged_topic(
    database_url: str, fake_slack: FakeSlack
) -> None:
    async with driven(database_url, fake_slack) as first:
        incident_id = await _opened_and_aware(first)
    topic = fake_slack.topic(first.room()["id"])
    async with driven(database_url, fake_slack) as second:  # a replica, or after a restart
        refresh = WorkSpec("slack.refresh_room", {})
        for _ in range(2):
            await second.runtime.queue.enqueue(refresh, incident_id=incident_id)
            await second.work()
    assert len(fake_slack.calls_to("conversations.info")) == 1  # then it knows
    assert len(fake_slack.calls_to("conversations.setTopic", outcome="ok")) == 1
    assert fake_slack.topic(first.room()["id"]) == topic


async def test_a_person_s_topic_stays_until_the_room_has_news(slack: Slack) -> None:
    incident_id = await _opened_and_aware(slack)
    room = slack.room()["id"]
    # Someone in the room changes the topic (the fake knows one token; who set it is not tested).
    person = AsyncWebClient(token=BOT_TOKEN, base_url=slack.fake.url)
    await person.conversations_setTopic(channel=room, topic="War room: 3F")
    await slack.runtime.queue.enqueue(WorkSpec("slack.refresh_room", {}), incident_id=incident_id)
    await slack.work()
    assert slack.fake.topic(room) == "War room: 3F"
