"""Stakeholder updates in Slack: `/leak update` drafts one in the room, only the incident lead or
the communications lead can approve it, and the bot then posts it — where the incident stands,
nothing of what leaked — in the internal update channel; never for a drill."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import BOT_USER_ID
from tests.slack.conftest import Slack, driven

UPDATES = "C0UPDATES"
TITLE = "Patient records of Dr Tanaka's clinic e-mailed to a stranger"


@pytest.fixture
async def hooked(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    fake_slack.add_channel("leak-updates", members=[BOT_USER_ID, "U0LEAD1"], channel_id=UPDATES)
    async with driven(database_url, fake_slack, update_channels=[UPDATES]) as slack:
        yield slack


async def said(slack: Slack) -> str:
    await slack.work()
    return str(slack.fake.responses()[-1]["payload"]["text"])


async def test_a_lead_approves_and_the_update_reaches_the_channel_without_the_leak(
    hooked: Slack,
) -> None:
    slack = hooked
    await slack.command(TITLE)
    await slack.work()
    room, incident_id = slack.room()["id"], slack.room_incident_id()
    drafted = await slack.command(
        "update next update at 15:00, card 4111 1111 1111 1111", channel=room, user="U0RESP1"
    )
    assert "drafted" in drafted.json()["text"] and "card number" in drafted.json()["text"]
    await slack.work()
    card = slack.message_with_ref("update:1", room)
    assert "Approve and post" in str(card["blocks"])

    await slack.press("update:1", "update_approve", user="U0RESP1")
    assert "Only the incident lead or the communications lead" in await said(slack)
    assert slack.fake.messages(UPDATES) == []

    await slack.command("role comms me", channel=room, user="U0RESP1")
    await slack.press("update:1", "update_approve", user="U0RESP1")
    assert "Approved" in await said(slack)
    await slack.work()
    (posted,) = slack.fake.messages(UPDATES)
    key = (await slack.runtime.service.get(incident_id)).key
    assert key in posted["text"] and "next update at 15:00" in posted["text"]
    for leaked in ("Patient", "Tanaka", "4111"):
        assert leaked not in posted["text"]
    card = slack.message_with_ref("update:1", room)
    assert "posted in" in str(card["blocks"]) and "update_approve" not in str(card["blocks"])
    kinds = [e.kind for e in await slack.runtime.service.timeline(incident_id)]
    assert kinds.count("update.drafted") == kinds.count("update.posted") == 1
    assert "update.approved" in kinds

    # a second approval (a double click, a stale card) posts nothing more
    _, again = await slack.runtime.service.approve_update(incident_id, 1, "U0RESP1")
    await slack.work()
    assert again is False and len(slack.fake.messages(UPDATES)) == 1


async def test_drills_post_no_updates(hooked: Slack) -> None:
    await hooked.command("drill lost-laptop")
    await hooked.work()
    room = hooked.room()["id"]
    response = await hooked.command("update all fine", channel=room, user="U0RESP1")
    assert "Drills post no stakeholder updates" in response.json()["text"]
    assert hooked.fake.messages(UPDATES) == []


async def test_without_an_update_channel_the_command_says_so(slack: Slack) -> None:
    await slack.command("Laptop left on a train")
    await slack.work()
    response = await slack.command("update", channel=slack.room()["id"], user="U0RESP1")
    assert "No update channel" in response.json()["text"]
