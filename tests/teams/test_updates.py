"""Stakeholder updates in Teams: `leak update` drafts one as a card in the incident channel, the
communications lead's Approve posts it in the internal update channel (nothing of the leak)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.main import create_app
from app.runtime import build_runtime
from tests.fakes.teams_activities import Activities
from tests.fakes.teams_services import FakeTeams
from tests.teams.conftest import LEAD1, RESPONDER, TENANT, Teams, action_data, teams_settings

UPDATES = "19:updates000000000000000000000@thread.tacv2"


@pytest.fixture
async def hooked(database_url: str, fake_teams: FakeTeams) -> AsyncIterator[Teams]:
    settings = teams_settings(database_url, fake_teams, update_channels=[UPDATES])
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        activities = Activities(fake_teams.service_url, TENANT, fake_teams.team)
        yield Teams(fake_teams, activities, http, runtime)
    await runtime.close()


async def test_the_comms_lead_approves_on_the_card_and_it_is_posted(hooked: Teams) -> None:
    teams = hooked
    await teams.say("leak payroll file of the Osaka branch on a public share")
    await teams.work()
    room, incident_id = teams.room(), await teams.incident_id()
    await teams.say("leak update next update at 15:00", user=RESPONDER, conversation=room)
    await teams.work()
    card = await teams.card("update:1")
    assert "update_approve" in str(card)

    data = action_data(card, "update_approve")
    refused = await teams.send(teams.activities.execute("update_approve", data, RESPONDER, room))
    assert "Only the incident lead or the communications lead" in refused.json()["value"]

    await teams.runtime.service.assign_role(incident_id, "comms", LEAD1.aad, RESPONDER.aad)
    approved = await teams.send(teams.activities.execute("update_approve", data, LEAD1, room))
    assert "Approved" in approved.json()["value"]
    await teams.work()
    (posted,) = teams.fake.messages(UPDATES)
    text = str(posted.body)
    assert "next update at 15:00" in text and "Osaka" not in text and "payroll" not in text
    assert "update_approve" not in str(await teams.card("update:1"))
