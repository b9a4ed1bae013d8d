"""Add to timeline from a Teams room: the "Add to timeline" message action puts a message —
masked — on the incident's timeline with its author and link, once per message."""

from __future__ import annotations

from tests.teams.conftest import GENERAL, REPORTER, RESPONDER, Teams


async def test_the_message_action_adds_a_masked_message_once(teams: Teams) -> None:
    await teams.say("leak customer export on a public share")
    await teams.work()
    room, incident_id = teams.room(), await teams.incident_id()
    content = "<p>Card <b>4111 1111 1111 1111</b> used abroad</p>"

    def action(user: object) -> dict:
        return teams.activities.timeline_message(
            content, user, room, author=REPORTER, message_id="1700000000999"
        )

    first = await teams.send(action(RESPONDER))
    assert "Added to" in first.json()["task"]["value"]
    second = await teams.send(action(REPORTER))
    assert "already on" in second.json()["task"]["value"]

    events = await teams.runtime.service.timeline(incident_id)
    (entry,) = [e for e in events if e.kind == "message.added"]
    assert "4111" not in entry.data["text"] and "used abroad" in entry.data["text"]
    assert entry.data["author"] == REPORTER.aad and entry.actor == RESPONDER.aad
    assert entry.data["link"].startswith("https://teams.microsoft.com/l/message/")


async def test_the_message_action_outside_a_room_says_where_it_works(teams: Teams) -> None:
    activity = teams.activities.timeline_message(
        "<p>lunch?</p>", RESPONDER, GENERAL, author=REPORTER, message_id="1700000000111"
    )
    response = await teams.send(activity)
    assert "works in an incident room" in response.json()["task"]["value"]
