"""Close and archive in Slack: after the closing summary and the export links, the room is
archived (conversations.archive), retried through the work queue, on the timeline — and left
alone when LEAKDESK_ARCHIVE_ROOMS is off."""

from __future__ import annotations

from datetime import timedelta

from app.models import utcnow
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, driven


async def kinds(slack: Slack, incident_id: int) -> list[str]:
    return [e.kind for e in await slack.runtime.service.timeline(incident_id)]


async def test_the_summary_and_export_come_first_then_the_room_is_archived(slack: Slack) -> None:
    await slack.command("Payroll sheet shared with a contractor")
    await slack.work()
    room, incident_id = slack.room()["id"], slack.room_incident_id()
    slack.fake.fail("conversations.archive", "internal_error")  # Slack hiccups once
    await slack.close("Contractor confirmed deletion")
    await slack.work()
    assert slack.fake.channel(room)["is_archived"] is False
    assert "room.archived" not in await kinds(slack, incident_id)

    slack.runtime.queue.clock = lambda: utcnow() + timedelta(minutes=1)  # its backoff is over
    await slack.work()
    assert slack.fake.channel(room)["is_archived"] is True
    assert len(slack.fake.calls_to("conversations.archive")) == 2
    refs = slack.refs(room)
    assert refs.index("closed") < refs.index("export")
    assert "leakdesk report LEAK-" in slack.message_with_ref("export", room)["text"]
    events = await slack.runtime.service.timeline(incident_id)
    (archived,) = [e for e in events if e.kind == "room.archived"]
    assert archived.data == {"channel_id": room, "archived": True}


async def test_the_export_links_lead_to_the_ops_pages(
    database_url: str, fake_slack: FakeSlack
) -> None:
    async with driven(database_url, fake_slack, public_url="https://leakdesk.example.com") as slack:
        await slack.command("Payroll sheet shared with a contractor")
        await slack.work()
        room = slack.room()["id"]
        await slack.close("Contractor confirmed deletion")
        await slack.work()
        text = slack.message_with_ref("export", room)["text"]
    assert "https://leakdesk.example.com/incidents/LEAK-" in text and "/report" in text


async def test_rooms_stay_open_when_archiving_is_off(
    database_url: str, fake_slack: FakeSlack
) -> None:
    async with driven(database_url, fake_slack, archive_rooms=False) as slack:
        await slack.command("Payroll sheet shared with a contractor")
        await slack.work()
        room, incident_id = slack.room()["id"], slack.room_incident_id()
        await slack.close("Contractor confirmed deletion")
        await slack.work()
        assert slack.fake.channel(room)["is_archived"] is False
        assert "room.archived" not in await kinds(slack, incident_id)
        assert slack.fake.calls_to("conversations.archive") == []


async def test_a_room_slack_refuses_to_archive_is_dead_on_the_timeline(slack: Slack) -> None:
    await slack.command("Payroll sheet shared with a contractor")
    await slack.work()
    incident_id = slack.room_incident_id()
    slack.fake.fail("conversations.archive", "restricted_action", times=None)
    await slack.close("Contractor confirmed deletion")
    await slack.work()
    events = await slack.runtime.service.timeline(incident_id)
    (dead,) = [e for e in events if e.kind == "work.dead"]
    assert dead.data["kind"] == "slack.archive_room" and "restricted_action" in dead.data["error"]
