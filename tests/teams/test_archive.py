"""Close and archive in Teams: after the closing summary and the export links, the incident's
private channel is archived through Graph (`channel: archive`), on the timeline."""

from __future__ import annotations

from tests.fakes.teams_services import FakeTeams
from tests.teams.conftest import RESPONDER, Teams


async def test_the_private_channel_is_archived_after_closing(
    teams: Teams, fake_teams: FakeTeams
) -> None:
    await teams.say("leak payroll file on a public share")
    await teams.work()
    room, incident_id = teams.room(), await teams.incident_id()
    await teams.say("leak close share removed", user=RESPONDER, conversation=room)
    await teams.work()
    data = teams.card_with(room, "close_confirm")
    await teams.send(teams.activities.execute("close_confirm", data, RESPONDER, room))
    await teams.work()

    refs = await teams.refs()
    assert refs.index("closed") < refs.index("export")
    (channel,) = [c for c in fake_teams.channels if c["id"] == room]
    assert channel.get("archived") is True
    events = await teams.runtime.service.timeline(incident_id)
    (archived,) = [e for e in events if e.kind == "room.archived"]
    assert archived.data == {"channel_id": room, "archived": True}
