"""The after-action review in Teams: offered when someone asks to close, answered on its own
card (the card pressed comes back as the review, answered), counted in the verdict."""

from __future__ import annotations

import json

from tests.teams.conftest import RESPONDER, Teams, actions
from tests.teams.test_flow import drive_triage


async def test_asking_to_close_offers_the_review_and_its_answer_counts(teams: Teams) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    await drive_triage(teams)
    room = (await teams.posted("triage")).conversation
    await teams.say("leak close contained", user=RESPONDER, conversation=room)
    await teams.work()
    review = await teams.card("review")
    assert "After-action review" in json.dumps(review)

    service = teams.runtime.service
    incident_id = await teams.incident_id()
    before = (await service.verdicts(incident_id))[-1]
    (send,) = [a for a in actions(review) if a.get("verb") == "answer" and "v" not in a["data"]]
    activity = teams.activities.execute(
        "answer", {**send["data"], "value": "patching,logging"}, RESPONDER, room
    )
    response = await teams.send(activity)
    assert response.status_code == 200
    assert "After-action review" in json.dumps(response.json())  # the review card, answered
    await teams.work()
    after = (await service.verdicts(incident_id))[-1]
    assert after.version == before.version + 1
    assert any(r["rule"].startswith("F3-") for r in after.data["reasons"])
