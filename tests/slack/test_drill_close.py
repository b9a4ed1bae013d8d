"""`/leak close` in a drill room closes the drill, as in a real incident's room."""

from __future__ import annotations

from tests.slack.conftest import Slack


async def test_leak_close_in_a_drill_room_closes_the_drill(slack: Slack) -> None:
    await slack.command("drill lost-laptop")
    await slack.work()
    room = slack.room()
    assert room["name"].startswith("drill-")
    await slack.close("practice over")
    await slack.work()
    incident = await slack.runtime.service.find_by_channel(room["id"])
    assert incident is not None and incident.is_drill and incident.status == "closed"
