"""The technical questions handed to the security responders in Teams: the card @mentions them
(msteams.entities, so Teams notifies them), the triage card goes on, their answer reaches the
verdict."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.fakes.teams_services import FakeTeams
from tests.slack.test_handoff import UP_TO_ENCRYPTION
from tests.teams.conftest import RESPONDER, Teams, actions, driven_teams

SECURITY = "00000000-0000-0000-0000-00000000sec1"


@pytest.fixture
async def teams_sec(database_url: str, fake_teams: FakeTeams) -> AsyncIterator[Teams]:
    async with driven_teams(database_url, fake_teams, security_responders=[SECURITY]) as teams:
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
    assert f"<at>{SECURITY}</at>" in json.dumps(handoff)
    (entity,) = handoff["msteams"]["entities"]
    assert entity["mentioned"]["id"] == SECURITY
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
