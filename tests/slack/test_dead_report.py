"""An acknowledged report whose row dies still opens its incident, and /healthz/work says so."""

from __future__ import annotations

from app.models import WorkItem
from tests.slack.conftest import Slack


async def test_a_dead_report_row_still_opens_the_incident_and_turns_health_red(
    slack: Slack,
) -> None:
    response = await slack.command("payroll spreadsheet in a public bucket")
    assert "Report recorded" in response.json()["text"]
    assert (await slack.http.get("/healthz/work")).json()["dead_reports"] == 0
    queue = slack.runtime.queue
    (item,) = await queue.claim()
    assert item.kind == "slack.report"
    # What a worker does when the report's handler fails for good (eight times, in the field:
    # SlackObjectFormationError('value attribute cannot exceed 2000 characters')).
    await queue.fail(item, "SlackObjectFormationError('value attribute…')", permanent=True)
    await slack.work()

    incidents = await slack.runtime.service.open_incidents()
    assert len(incidents) == 1
    assert "payroll" in slack.room()["name"]
    assert "U0REPORTER" in slack.fake.members(slack.room()["id"])  # told: they are in the room
    kinds = [e.kind for e in await slack.runtime.service.timeline(slack.room_incident_id())]
    assert kinds[0] == "incident.opened" and "work.dead" in kinds
    async with slack.runtime.sessions() as session:
        row = await session.get(WorkItem, item.id)
        assert row is not None and "payroll" not in str(row.payload)  # the text left the row
    health = await slack.http.get("/healthz/work")
    assert health.status_code == 503 and health.json()["dead_reports"] == 1
