"""Add to timeline from a Slack room: the message shortcut, the configured reaction and a pin put
a message — masked — on the incident's timeline with its author and link, once per message."""

from __future__ import annotations

from typing import Any

from tests.fakes.slack_requests import BOT_USER_ID
from tests.slack.conftest import Slack

CARD = "4111 1111 1111 1111"


async def opened(slack: Slack) -> tuple[str, int]:
    await slack.command("Invoices sent to the wrong customer")
    await slack.work()
    return slack.room()["id"], slack.room_incident_id()


async def added(slack: Slack, incident_id: int) -> list[Any]:
    events = await slack.runtime.service.timeline(incident_id)
    return [e for e in events if e.kind == "message.added"]


async def shortcut(slack: Slack, message: dict[str, Any], room: str, user: str = "U0RESP1") -> str:
    signed = slack.requests.message_action(
        "add_to_timeline",
        user_id=user,
        channel_id=room,
        message_text=message["text"],
        message_ts=message["ts"],
        message_user=message["user"],
    )
    response = await slack.send(signed)
    assert response.status_code == 200
    await slack.work()
    return slack.fake.responses()[-1]["payload"]["text"]


async def test_the_shortcut_adds_a_masked_message_once(slack: Slack) -> None:
    room, incident_id = await opened(slack)
    message = slack.fake.post_as("U0RESP1", room, f"Customer called: card {CARD} was charged")

    said = await shortcut(slack, message, room)
    assert "Added to" in said and "card number" in said.lower()
    again = await shortcut(slack, message, room, user="U0REPORTER")
    assert "already on" in again

    (entry,) = await added(slack, incident_id)
    assert CARD not in entry.data["text"] and "Customer called" in entry.data["text"]
    assert entry.data["author"] == "U0RESP1" and entry.actor == "U0RESP1"
    assert entry.data["link"].endswith(f"/archives/{room}/p{message['ts'].replace('.', '')}")
    assert entry.data["via"] == "shortcut"


async def test_the_shortcut_outside_an_incident_room_says_where_it_works(slack: Slack) -> None:
    message = slack.fake.post_as("U0RESP1", "C0GENERAL", "lunch?")
    said = await shortcut(slack, message, "C0GENERAL")
    assert "works in an incident room" in said


async def test_a_pushpin_reaction_and_a_pin_add_the_same_message_once(slack: Slack) -> None:
    room, incident_id = await opened(slack)
    message = slack.fake.post_as("U0REPORTER", room, "The vendor confirmed the bucket was public")
    item = {"type": "message", "channel": room, "ts": message["ts"]}

    for reaction in ("thumbsup", "pushpin"):
        event = {
            "type": "reaction_added",
            "user": "U0RESP1",
            "reaction": reaction,
            "item_user": "U0REPORTER",
            "item": item,
            "event_ts": "1700000000.000100",
        }
        await slack.send(slack.requests.event(event))
        await slack.work()
    pin = {
        "type": "pin_added",
        "user": "U0RESP1",
        "channel_id": room,
        "item": {
            "type": "message",
            "channel": room,
            "message": message,
            "created": 1700000000,
            "created_by": "U0RESP1",
        },
        "event_ts": "1700000001.000200",
    }
    await slack.send(slack.requests.event(pin))
    await slack.work()

    (entry,) = await added(slack, incident_id)
    assert entry.data["via"] == "reaction" and entry.actor == "U0RESP1"
    assert entry.data["author"] == "U0REPORTER"
    assert entry.data["text"] == "The vendor confirmed the bucket was public"
    assert entry.data["link"] and room in entry.data["link"]  # chat.getPermalink's


async def test_the_bots_own_pin_of_the_summary_adds_nothing(slack: Slack) -> None:
    room, incident_id = await opened(slack)
    summary = slack.message_with_ref("summary")
    pin = {
        "type": "pin_added",
        "user": BOT_USER_ID,
        "channel_id": room,
        "item": {"type": "message", "channel": room, "message": summary},
        "event_ts": "1700000001.000300",
    }
    await slack.send(slack.requests.event(pin))
    await slack.work()
    assert await added(slack, incident_id) == []
