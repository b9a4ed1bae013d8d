"""The adapters hold no decisions: one scenario through Slack and through Teams ends the same."""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.incidents.service import IncidentService
from tests.slack.conftest import Slack, fake_slack, slack  # noqa: F401 - fixtures
from tests.teams.conftest import LEAD1, LEAD2, RESPONDER, Teams

ANSWERS: list[tuple[str, Any]] = [
    ("discovered_at", "reported"),
    ("data_categories", ["financial", "contact"]),
    ("data_subjects", ["customers"]),
    ("affected_count", 2400),
    ("subject_regions", ["JP"]),
    ("exposure_period", None),
    ("encryption", "none"),
    ("leak_mode", "skimming"),
]
TITLE = "Card data skimmed on the web shop"


async def through_slack(slack: Slack) -> int:  # noqa: F811 - the fixture's name
    await slack.command(TITLE)
    await slack.work()
    for field, value in ANSWERS:
        await slack.answer(field, str(value) if isinstance(value, int) else value)
        await slack.work()
    for user in ("U0RESP1", "U0LEAD1", "U0LEAD2"):
        await slack.press("statement", "statement_approve", user=user)
        await slack.work()
    room = slack.room()["id"]
    await slack.command("note called the card processor", channel=room, user="U0RESP1")
    await slack.close("processor confirmed")
    await slack.work()
    incident = await slack.runtime.service.find_by_channel(room)
    assert incident is not None
    return incident.id


async def through_teams(teams: Teams) -> int:
    await teams.say(f"leak {TITLE}")
    await teams.work()
    for field, value in ANSWERS:
        await teams.answer(field, value)
        await teams.work()
    for user in (RESPONDER, LEAD1, LEAD2):
        await teams.press("statement", "statement_approve", user=user)
        await teams.work()
    room = teams.room()
    await teams.say("leak note called the card processor", user=RESPONDER, conversation=room)
    await teams.say("leak close processor confirmed", user=RESPONDER, conversation=room)
    await teams.work()
    confirm = teams.card_with(room, "close_confirm")
    await teams.send(teams.activities.execute("close_confirm", confirm, RESPONDER, room))
    await teams.work()
    return await teams.incident_id()


async def outcome(service: IncidentService, incident_id: int) -> dict[str, Any]:
    snap = await service.snapshot(incident_id)
    verdicts = await service.verdicts(incident_id)
    statement = snap.statement
    assert statement is not None
    kinds = [e.kind for e in await service.timeline(incident_id)]
    return {
        "status": snap.incident.status,
        "severity": snap.incident.severity,
        "resolution": snap.incident.resolution,
        # "when this was reported": each incident's own report time
        "answers": {k: v for k, v in snap.values.items() if k != "discovered_at"},
        "aware_answered": "discovered_at" in snap.values,
        "verdicts": [(v.version, v.severity, v.data["rules"]) for v in verdicts],
        "statement": (statement.version, statement.status, len(statement.approvals)),
        "kinds": Counter(kinds),
        "first_and_last": (kinds[0], kinds[-1]),
    }


async def test_the_same_scenario_through_slack_and_teams_ends_the_same(
    slack: Slack,  # noqa: F811 - the fixture's name
    teams: Teams,
) -> None:
    from_slack = await outcome(slack.runtime.service, await through_slack(slack))
    from_teams = await outcome(teams.runtime.service, await through_teams(teams))
    assert from_slack["severity"] == "SEV1" and from_slack["status"] == "closed"
    assert from_teams == from_slack
