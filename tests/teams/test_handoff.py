"""The technical questions handed to the security responders in Teams: the card @mentions them
(msteams.entities, so Teams notifies them), the triage card goes on, their answer reaches the
verdict."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.fakes.teams_activities import User
from tests.fakes.teams_services import FakeTeams
from tests.slack.test_handoff import UP_TO_ENCRYPTION
from tests.teams.conftest import RESPONDER, Teams, actions, driven_teams

SECURITY = User("0e3c6a4e-5555-4a1a-9d1d-000000000005", "Sasha Security")


@pytest.fixture
async def teams_sec(database_url: str, fake_teams: FakeTeams) -> AsyncIterator[Teams]:
    fake_teams.people[SECURITY.aad] = SECURITY.name
    async with driven_teams(
        database_url,
        fake_teams,
        security_responders=[SECURITY.aad],
        responders=[RESPONDER.aad, SECURITY.aad],  # in the room, so Teams names them
    ) as teams:
        yield teams


async def test_one_press_hands_the_technical_questions_to_security(teams_sec: Teams) -> None:
    teams = teams_sec
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    for field, value in UP_TO_ENCRYPTION:
        await teams.answer(field, int(value) if field == "affected_count" else value)
        await teams.work()
    card = await teams.card("triage")
    (press,) = [a for a in actions(card) if a.get("verb") == "hand_off"]
    room = (await teams.posted("triage")).conversation
    response = await teams.send(
        teams.activities.execute("hand_off", press["data"], RESPONDER, room)
    )
    assert response.status_code == 200
    await teams.work()
    handoff = await teams.card("hand_off")
    mention = f"<at>{SECURITY.name}</at>"
    assert mention in json.dumps(handoff) and SECURITY.aad not in json.dumps(handoff["body"])
    (entity,) = handoff["msteams"]["entities"]
    # The entity's text is the card's mention exactly; Teams notifies the Teams user id.
    assert entity == {
        "type": "mention",
        "text": mention,
        "mentioned": {"id": SECURITY.teams_id, "name": SECURITY.name},
    }
    asked = {a["data"].get("f") for a in actions(await teams.card("triage")) if "f" in a["data"]}
    assert asked == {"leak_mode"}  # the triage card went on without the technical ones

    await teams.answer("leak_mode", "skimming")
    await teams.work()
    (none,) = [
        a for a in actions(handoff) if a.get("verb") == "answer" and a["data"].get("v") == "none"
    ]
    response = await teams.send(teams.activities.execute("answer", none["data"], RESPONDER, room))
    assert response.status_code == 200
    await teams.work()
    snap = await teams.runtime.service.snapshot(await teams.incident_id())
    assert snap.answers["encryption"].value == "none"  # as the verdict read it (unknown: none)
    assert "handed you the technical questions" in json.dumps(await teams.card("hand_off"))
