"""A report storm reveals nothing of a private incident, and its room decides who joins."""

from __future__ import annotations

import json

from tests.slack.conftest import Slack

FIRST = "Phishing mail asking staff for payroll passwords"
REPEAT = "phishing mail asking for payroll password"


def rooms(slack: Slack) -> list[dict]:
    return [c for c in slack.fake.channels if c["name"].startswith("leak-")]


async def storm(slack: Slack, reporter: str = "U0OUTSIDER") -> dict:
    """A first report and its room, then a repeat by `reporter`: the offer they were shown."""
    await slack.command(FIRST)
    await slack.work()
    response = await slack.command(REPEAT, user=reporter)
    assert "Report recorded" in response.json()["text"]
    await slack.work()
    (offer,) = [e for e in slack.fake.ephemerals(user=reporter) if "similar report" in e["text"]]
    return offer


async def test_the_offer_reveals_nothing_of_the_incident(slack: Slack) -> None:
    offer = await storm(slack)
    shown = json.dumps(offer, ensure_ascii=False)
    assert "LEAK-" not in shown and "payroll" not in shown.lower().replace(REPEAT, "")
    assert len(rooms(slack)) == 1
    for block in offer["blocks"]:
        for element in block.get("elements", []):
            value = json.loads(element.get("value") or "{}")
            assert set(value) <= {"i", "s"}, value  # ids only, never words
    events = await slack.runtime.service.timeline(slack.room_incident_id())
    assert events[-1].kind == "report.similar" and events[-1].actor == "U0OUTSIDER"


async def test_an_outsider_cannot_let_themselves_in(slack: Slack) -> None:
    await storm(slack)
    room = rooms(slack)[0]
    incident_id = slack.room_incident_id()
    request = next(m for m in slack.messages() if "storm_admit" in json.dumps(m.get("blocks")))
    value = request["blocks"][0]["accessory"]["value"]
    # the reporter presses the room's button from outside, or forges the old join action
    for action, channel in (("storm_admit", "C0GENERAL"), ("storm_join", "C0GENERAL")):
        await slack.send(
            slack.requests.block_actions(action, value, user_id="U0OUTSIDER", channel_id=channel)
        )
    forged = json.dumps({"i": incident_id, "u": "U0NEVERREPORTED"})
    await slack.send(
        slack.requests.block_actions(
            "storm_admit", forged, user_id="U0RESP1", channel_id=room["id"]
        )
    )
    await slack.work()
    members = slack.fake.members(room["id"])
    assert "U0OUTSIDER" not in members and "U0NEVERREPORTED" not in members


async def test_someone_in_the_room_lets_the_later_reporter_in(slack: Slack) -> None:
    await storm(slack)
    room = rooms(slack)[0]
    request = next(m for m in slack.messages() if "storm_admit" in json.dumps(m.get("blocks")))
    assert REPEAT in request["text"]  # the room sees what they reported
    response = await slack.press(request["metadata"]["event_payload"]["ref"], "storm_admit")
    assert response.status_code == 200
    await slack.work()
    assert "U0OUTSIDER" in slack.fake.members(room["id"])
    assert any("was let in by" in (m.get("text") or "") for m in slack.messages())
    kinds = [e.kind for e in await slack.runtime.service.timeline(slack.room_incident_id())]
    assert kinds.count("reporter.joined") == 1


async def test_a_long_japanese_repeat_is_never_lost(slack: Slack) -> None:
    """A ~330-character Japanese summary made the offer's button value pass Slack's 2,000
    characters (the work row died eight times; no word reached the reporter)."""
    long_report = "給与計算ファイルを誤って社外の取引先に送信してしまいました。" * 11
    await slack.command(long_report)
    await slack.work()
    await slack.command(long_report, user="U0OUTSIDER")
    await slack.work()
    offers = [e for e in slack.fake.ephemerals(user="U0OUTSIDER") if "similar report" in e["text"]]
    assert len(offers) == 1
    from sqlalchemy import select

    from app.models import WorkItem, WorkStatus

    async with slack.runtime.sessions() as session:
        dead = (
            (await session.execute(select(WorkItem).where(WorkItem.status == WorkStatus.DEAD)))
            .scalars()
            .all()
        )
    assert dead == []


async def test_only_the_reporter_may_open_their_report_separately(slack: Slack) -> None:
    offer = await storm(slack, reporter="U0RESP1")
    separate = offer["blocks"][1]["elements"][0]
    await slack.send(
        slack.requests.block_actions(
            "storm_separate", separate["value"], user_id="U0SNOOPER", channel_id="C0GENERAL"
        )
    )
    await slack.work()
    assert len(rooms(slack)) == 1
    await slack.send(
        slack.requests.block_actions(
            "storm_separate", separate["value"], user_id="U0RESP1", channel_id="C0GENERAL"
        )
    )
    await slack.work()
    assert len(rooms(slack)) == 2
    assert "phishing" in rooms(slack)[-1]["name"]
