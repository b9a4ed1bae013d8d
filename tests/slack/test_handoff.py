"""Technical questions handed to the security responders with one press (issue 25, item 3):
their own card @mentions them (a Slack user group), the triage card goes on without those
questions, the hand-off is on the timeline, and their answers reach the verdict."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.incidents.service import ServiceError
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, driven

# The triage up to its first technical question (encryption).
UP_TO_ENCRYPTION: tuple[tuple[str, Any], ...] = (
    ("discovered_at", "reported"),
    ("data_categories", ["financial", "contact"]),
    ("data_subjects", ["customers"]),
    ("affected_count", "2400"),
    ("subject_regions", ["JP"]),
    ("exposure_period", None),
)


@pytest.fixture
async def slack_sec(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    async with driven(database_url, fake_slack, security_responders=["S0SECURITY"]) as slack:
        yield slack


async def test_one_press_hands_the_technical_questions_to_security(slack_sec: Slack) -> None:
    slack = slack_sec
    await slack.command("Card data skimmed on the web shop")
    await slack.work()
    for field, value in UP_TO_ENCRYPTION:
        await slack.answer(field, value)
        await slack.work()
    assert slack.current_question() == "encryption"
    card = json.dumps(slack.message_with_ref("triage")["blocks"])
    assert '"hand_off"' in card and "Hand technical questions to security" in card

    await slack.press("triage", "hand_off", user="U0RESP1")
    await slack.work()
    assert slack.current_question() == "leak_mode"  # the triage goes on without them
    handoff = slack.message_with_ref("hand_off")
    assert "<!subteam^S0SECURITY>" in json.dumps(handoff["blocks"])
    assert "<!subteam^S0SECURITY>" in handoff["text"]  # the notification mentions them too
    service = slack.runtime.service
    incident_id = slack.room_incident_id()
    (event,) = [e for e in await service.timeline(incident_id) if e.kind == "triage.handed_off"]
    assert event.actor == "U0RESP1" and event.data["to"] == ["S0SECURITY"]
    assert event.data["fields"][0] == "encryption" and "access" in event.data["fields"]

    await slack.answer("leak_mode", "skimming")
    await slack.work()
    assert (await service.verdicts(incident_id))[-1].data["severity"] == "SEV1"
    # Security answers on its own card; the verdict takes it in.
    block = next(b for b in handoff["blocks"] if str(b.get("block_id", "")).endswith(":encryption"))
    button = next(e for e in block["elements"] if '"v":"strong"' in e.get("value", ""))
    signed = slack.requests.block_actions(
        button["action_id"],
        button["value"],
        user_id="U0SEC1",
        channel_id=slack.room()["id"],
        message=handoff,
        block_id=block["block_id"],
    )
    assert (await slack.send(signed)).status_code == 200
    await slack.work()
    snap = await service.snapshot(incident_id)
    assert snap.answers["encryption"].value == "strong" and snap.answers["encryption"].actor == (
        "U0SEC1"
    )
    assert snap.verdict is not None and snap.verdict.answers["encryption"] == "strong"
    # The card moved on to the next handed question (the key, asked after strong encryption).
    assert ":key_compromised" in json.dumps(slack.message_with_ref("hand_off")["blocks"])

    # The button is gone from the triage card; a second hand-off is refused in one line.
    assert '"hand_off"' not in json.dumps(slack.message_with_ref("triage")["blocks"])
    with pytest.raises(ServiceError) as refused:
        await service.hand_off(incident_id, "U0RESP1", ["S0SECURITY"])
    assert refused.value.code == "handed_off_already"


async def test_without_security_responders_there_is_no_button(slack: Slack) -> None:
    await slack.command("Laptop lost on a train")
    await slack.work()
    for field, value in UP_TO_ENCRYPTION:
        await slack.answer(field, value)
        await slack.work()
    assert slack.current_question() == "encryption"
    assert '"hand_off"' not in json.dumps(slack.message_with_ref("triage")["blocks"])


def _number(slack: Slack) -> str:
    """The triage card's 「Question n/total」, as its header reads."""
    header = json.dumps(slack.message_with_ref("triage")["blocks"])
    return header.split("Question ", 1)[1].split("/", 1)[0]


async def test_the_card_counts_only_the_questions_it_asked(slack_sec: Slack) -> None:
    """The first card is question 1 (the after-action review's question is not counted as
    asked), and the questions handed to security are counted on their card, not this one."""
    slack = slack_sec
    await slack.command("Card data skimmed on the web shop")
    await slack.work()
    assert _number(slack) == "1"
    for field, value in UP_TO_ENCRYPTION:
        await slack.answer(field, value)
        await slack.work()
    assert _number(slack) == str(len(UP_TO_ENCRYPTION) + 1)
    await slack.press("triage", "hand_off", user="U0RESP1")
    await slack.work()
    assert slack.current_question() == "leak_mode"
    assert _number(slack) == str(len(UP_TO_ENCRYPTION) + 1)
