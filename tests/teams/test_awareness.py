"""Awareness first (issue 18) in Teams: Input.Date + Input.Time on the triage card's first
question; an earlier time, given later through "Change answers", moves the legal clocks, the
follow-ups and the summary card."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.teams.conftest import RESPONDER, Teams, actions
from tests.teams.test_flow import drive_triage


async def test_an_earlier_awareness_picked_in_teams_moves_clocks_and_followups(
    teams: Teams,
) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    card = json.dumps(await teams.card("triage"))
    for widget in ('"Input.Date"', '"Input.Time"', "When this was reported", "discovered_at"):
        assert widget in card
    assert "assumed: the report time" in json.dumps(await teams.card("summary"))
    await drive_triage(teams)  # "when this was reported" first, then to a verdict
    assert "assumed" not in json.dumps(await teams.card("summary"))

    service = teams.runtime.service
    incident = await service.get(await teams.incident_id())
    before = (await service.verdicts(incident.id))[-1]
    due_before = {f.key: f.due_at for f in await service.followups(incident.id)}

    called = (incident.created_at - timedelta(days=2)).replace(second=0, microsecond=0)
    response = await teams.answer("discovered_at", called)  # "Change answers" → the question
    assert response.status_code == 200
    await teams.work()

    moved = await service.get(incident.id)
    assert moved.discovered_at == called
    after = (await service.verdicts(incident.id))[-1]
    assert after.version == before.version + 1
    assert after.data["appi"]["preliminary_due"] < before.data["appi"]["preliminary_due"]
    due_after = {f.key: f.due_at for f in await service.followups(incident.id)}
    assert due_after["appi_preliminary:due"] < due_before["appi_preliminary:due"]
    assert RESPONDER.name in json.dumps(await teams.card("triage"))  # who answered, on the card


async def test_a_half_filled_date_and_time_asks_for_the_rest(teams: Teams) -> None:
    await teams.say("leak Laptop lost on a train")
    await teams.work()
    incident_id = await teams.incident_id()
    posted = await teams.posted("triage")
    (send,) = [
        a
        for a in actions(await teams.card("triage"))
        if a.get("verb") == "answer" and "v" not in a["data"]
    ]
    activity = teams.activities.execute(
        "answer", {**send["data"], "date": "2026-11-30"}, RESPONDER, posted.conversation
    )
    response = await teams.send(activity)
    assert response.status_code == 200
    kinds = [e.kind for e in await teams.runtime.service.timeline(incident_id)]
    assert "answer.recorded" not in kinds
