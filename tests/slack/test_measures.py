"""Response measures: report → room, → first verdict, → approved statement and the legal clocks,
on the incident's API record, and aggregated over real incidents (drills left out)."""

from __future__ import annotations

from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import driven
from tests.slack.room_walk import MISDIRECTED_SEV3, walk

TOKEN = "ops-token-for-measures-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_an_incident_walked_to_its_statement_is_measured(
    database_url: str, fake_slack: FakeSlack
) -> None:
    async with driven(database_url, fake_slack, ops_token=TOKEN) as slack:
        await walk(
            slack, "Customer list e-mailed to the wrong address", MISDIRECTED_SEV3, ["U0LEAD1"]
        )
        key = (await slack.runtime.service.get(slack.room_incident_id())).key
        await slack.command("drill lost-laptop")  # drills are not in the aggregate
        await slack.work()
        record = (await slack.http.get(f"/api/v1/incidents/{key}", headers=AUTH)).json()
        window = await slack.http.get("/api/v1/measures", headers=AUTH)

    response = record["response"]
    room, verdict, approved = (
        response["seconds"][k] for k in ("room", "first_verdict", "approved_statement")
    )
    assert room is not None and verdict is not None and approved is not None
    assert 0 <= room <= verdict <= approved < 60  # the fakes answer at once
    assert response["clocks_missed"] == 0 and {c["state"] for c in response["clocks"]} <= {
        "running"
    }
    assert window.status_code == 200
    aggregate = window.json()
    assert aggregate["incidents"] == 1  # the drill is left out
    assert aggregate["spans"]["approved_statement"]["count"] == 1
    assert aggregate["spans"]["room"]["median_seconds"] == room
