"""Company facts as tenant settings in Teams (issue 25, item 3): `leak settings` by an admin,
then a new incident's triage card skips them and its summary card shows them."""

from __future__ import annotations

import json

from tests.teams.conftest import LEAD1, RESPONDER, Teams


async def test_an_admin_sets_the_company_facts_for_the_tenant(teams: Teams) -> None:
    await teams.say("leak settings role processor", user=RESPONDER)
    await teams.work()
    assert "Only an admin" in teams.replies_to(RESPONDER)[-1]
    await teams.say("leak settings role processor", user=LEAD1)
    await teams.say("leak settings public_body no", user=LEAD1)
    await teams.work()
    assert "Processor" in teams.replies_to(LEAD1)[-1]

    await teams.say("leak Client's customer file exposed at our call centre")
    await teams.work()
    summary = json.dumps(await teams.card("summary"))
    assert "Company settings:" in summary and "Processor" in summary
    snap = await teams.runtime.service.snapshot(await teams.incident_id())
    assert snap.answers["role"].actor == "settings" and snap.answers["role"].value == "processor"
    assert "listed_company" not in snap.answers  # not set: asked in the room as before
