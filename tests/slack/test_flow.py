"""The Slack incident flow end to end: /leak → private room → triage → verdict → statement → close."""

from __future__ import annotations

from tests.rooms.order import opening
from tests.slack.conftest import Slack


async def test_leak_opens_a_private_room_and_asks_the_first_question(slack: Slack) -> None:
    response = await slack.command("Customer CSV sent to the wrong address")
    assert response.status_code == 200
    assert "Report recorded" in response.json()["text"]  # the ack: one INSERT, no incident yet
    await slack.work()

    room = slack.room()
    assert room["is_private"] is True
    assert room["name"].startswith("leak-") and room["name"].endswith(
        "-001-customer-csv-sent-to-the-wrong-address"
    )
    assert {"U0REPORTER", "U0RESP1", "U0LEAD1", "U0LEAD2"} <= set(slack.fake.members(room["id"]))
    assert opening(slack.refs())
    assert slack.current_question() == "discovered_at"  # awareness first: the clocks run from it
    assert len(slack.fake.pins(room["id"])) == 1
    ready = [e for e in slack.fake.ephemerals(user="U0REPORTER") if room["id"] in e.get("text", "")]
    assert ready, "the reporter was not sent the room's link"
    assert "LEAK-" in ready[0]["text"]


async def test_triage_to_verdict_statement_and_approval(slack: Slack) -> None:
    await slack.command("Card data skimmed on the web shop")
    await slack.work()
    await slack.answer("discovered_at", "reported")
    await slack.work()
    await slack.answer("data_categories", ["financial", "contact"])
    await slack.work()
    await slack.answer("data_subjects", ["customers"])
    await slack.work()
    await slack.answer("affected_count", "2400")
    await slack.work()
    await slack.answer("subject_regions", ["JP"])
    await slack.work()
    await slack.answer("exposure_period", None)
    await slack.work()
    await slack.answer("encryption", "none")
    await slack.work()
    await slack.answer("leak_mode", "skimming")
    await slack.work()

    verdict = slack.message_with_ref("verdict:1")
    text = str(verdict["blocks"])
    assert "SEV1" in text and "S1-b" not in text  # rule codes wait behind "details"
    await slack.press("verdict:1", "verdict_details", user="U0RESP1")
    await slack.work()
    details = slack.fake.responses()[-1]["payload"]
    assert "S1-b" in str(details["blocks"]) and details.get("response_type") != "in_channel"
    topic = slack.fake.topic(slack.room()["id"])
    assert "SEV1" in topic

    statement = slack.message_with_ref("statement")
    assert statement["thread_ts"] == verdict["ts"]

    # Someone who is not a PR lead cannot approve.
    await slack.press("statement", "statement_approve", user="U0RESP1")
    await slack.work()
    assert any("Only PR leads" in e.get("text", "") for e in slack.fake.ephemerals(user="U0RESP1"))

    # The card period is not known to the bot: approval waits until a lead fills it in.
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    assert any("blanks" in e.get("text", "") for e in slack.fake.ephemerals(user="U0LEAD1"))
    await slack.fill_in_blanks()

    # SEV1 needs two different PR leads; a double click approves once.
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    assert "published:2" not in slack.refs()
    await slack.press("statement", "statement_approve", user="U0LEAD2")
    await slack.work()
    published = slack.message_with_ref("published:2")
    assert "U0LEAD1" in str(published["blocks"]) and "U0LEAD2" in str(published["blocks"])
    assert "U0LEAD2" in published["text"]  # the notification's text says who, too

    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident is not None
    kinds = [e.kind for e in await slack.runtime.service.timeline(incident.id)]
    assert kinds.count("statement.approved") == 2
    assert await slack.runtime.service.verify(incident.id) is None


async def test_room_commands_note_status_close(slack: Slack) -> None:
    await slack.command("USB stick lost")
    await slack.work()
    room = slack.room()["id"]
    response = await slack.command("note called the station lost and found", channel=room)
    assert "Note added" in response.json()["text"]
    response = await slack.command("status", channel=room)
    assert "USB stick lost" in str(response.json()["blocks"])
    await slack.close("found it")
    await slack.work()
    assert "closed" in slack.refs()
    incident = await slack.runtime.service.find_by_channel(room)
    assert incident is not None and incident.status == "closed"
    assert incident.resolution == "found it"


async def test_forged_and_stale_requests_are_refused_before_anything_is_stored(
    slack: Slack,
) -> None:
    body, headers = slack.requests.slash("forged")
    headers = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
    assert (
        await slack.http.post("/slack/events", content=body, headers=headers)
    ).status_code == 401
    import time

    body = slack.requests.slash("stale")[0]
    stale = slack.requests.signed(body, timestamp=int(time.time()) - 600)
    assert (await slack.send(stale)).status_code == 401
    assert await slack.runtime.service.open_incidents() == []


async def test_a_card_number_in_the_summary_is_masked_and_the_reporter_told(slack: Slack) -> None:
    response = await slack.command("card 4111 1111 1111 1111 was pasted in a ticket")
    assert "masked a card number" in response.json()["text"]
    await slack.work()
    ((incident, _),) = await slack.runtime.service.open_incidents()
    assert "4111" not in incident.title


async def test_a_report_that_says_payload_is_recorded_as_typed(slack: Slack) -> None:
    """bolt takes a form with the word "payload" in it for an interaction; a security report
    often says it (app.slack.bodies.bolt_request_of)."""
    response = await slack.command("Malicious payload found on the file server")
    assert response.status_code == 200 and "Report recorded" in response.json()["text"]
    await slack.work()
    ((incident, _),) = await slack.runtime.service.open_incidents()
    assert incident.title == "Malicious payload found on the file server"
    note = await slack.command("note the payload was a web shell", channel=slack.room()["id"])
    assert note.status_code == 200


async def test_an_event_delivered_twice_is_processed_once(slack: Slack) -> None:
    from tests.fakes.slack_requests import app_home_opened

    body, headers = slack.requests.event(app_home_opened("U0REPORTER"))
    assert (await slack.send((body, headers))).status_code == 200
    assert (await slack.send(slack.requests.redeliver(body, 1))).status_code == 200
    from sqlalchemy import func, select

    from app.models import WorkItem

    async with slack.runtime.sessions() as session:
        count = (
            await session.execute(
                select(func.count())
                .select_from(WorkItem)
                .where(WorkItem.kind == "slack.publish_home")
            )
        ).scalar_one()
    assert count == 1


async def test_a_double_clicked_answer_is_recorded_once(slack: Slack) -> None:
    await slack.command("Printout left on a train")
    await slack.work()
    await slack.answer("discovered_at", "reported")
    await slack.work()
    await slack.answer("data_categories", ["contact"])
    await slack.answer("data_categories", ["contact"])
    await slack.work()
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident is not None
    answered = [
        e.data["field"]
        for e in await slack.runtime.service.timeline(incident.id)
        if e.kind == "answer.recorded"
    ]
    assert answered == ["discovered_at", "data_categories"]
    assert slack.refs().count("triage") == 1 and slack.current_question() == "data_subjects"
