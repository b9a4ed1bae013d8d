"""Authority and versions: only PR leads redraft, a stale edit is refused, a closed incident
takes no notes, a replayed /leak opens nothing and a replayed room command does nothing twice."""

from __future__ import annotations

import asyncio

from tests.conftest import SIGNING_SECRET
from tests.fakes.slack_requests import sign, slash_command
from tests.slack.conftest import Slack
from tests.slack.test_statements import open_with_verdict


async def test_only_a_pr_lead_may_redraft(slack: Slack) -> None:
    await open_with_verdict(slack)
    # Approved, the draft no longer follows the verdict: a changed verdict offers a redraft.
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    await slack.answer("affected_count", "5000")
    await slack.work()
    await slack.press("verdict_change:2", "redraft", user="U0RESP1")  # a responder, not a lead
    await slack.work()
    statement = await slack.runtime.service.latest_statement(slack.room_incident_id())
    assert statement is not None and statement.version == 1
    await slack.press("verdict_change:2", "redraft", user="U0LEAD1")
    await slack.work()
    statement = await slack.runtime.service.latest_statement(slack.room_incident_id())
    assert statement is not None and statement.version == 2


async def test_an_edit_opened_on_an_old_version_cannot_overwrite_a_newer_one(slack: Slack) -> None:
    await open_with_verdict(slack)
    await slack.press("statement", "statement_edit", user="U0LEAD1")
    (stale,) = [v for v in slack.fake.views if v.get("callback_id") == "statement_edit"]
    service, incident_id = slack.runtime.service, slack.room_incident_id()
    for n in (2, 3):  # meanwhile another lead saves two versions
        texts = {"ja": f"第{n}版", "en": f"Version {n}"}
        await service.edit_statement(incident_id, texts, "U0LEAD2", version=n - 1)
    response = await slack.send(
        slack.requests.submit(stale, {"text_en": "Edited on v1"}, user_id="U0LEAD1")
    )
    assert "no longer the latest" in response.text
    statement = await service.latest_statement(incident_id)
    assert statement is not None and statement.version == 3
    assert statement.texts["en"] == "Version 3"


async def test_a_closed_incident_takes_no_more_notes(slack: Slack) -> None:
    await slack.command("customer list sent to the wrong supplier")
    await slack.work()
    await slack.close("resolved")
    await slack.work()
    room = slack.room()["id"]
    response = await slack.command("note one more thing", user="U0RESP1", channel=room)
    assert "closed" in response.text
    kinds = [e.kind for e in await slack.runtime.service.timeline(slack.room_incident_id())]
    assert "note.added" not in kinds


async def test_a_replayed_leak_command_opens_no_second_incident(slack: Slack) -> None:
    body = slash_command("payroll spreadsheet in a public bucket")
    headers = sign(body, SIGNING_SECRET)
    first = await slack.http.post("/slack/events", content=body, headers=headers)
    again = await slack.http.post("/slack/events", content=body, headers=headers)
    assert first.status_code == 200 and "Report recorded" in first.text
    assert again.status_code == 200 and "Report recorded" not in again.text
    await slack.work()
    assert len(await slack.runtime.service.open_incidents()) == 1


async def test_a_replay_sent_beside_the_first_records_one_report(slack: Slack) -> None:
    body = slash_command("payroll spreadsheet in a public bucket")
    headers = sign(body, SIGNING_SECRET)
    sent = [slack.http.post("/slack/events", content=body, headers=headers) for _ in range(3)]
    responses = await asyncio.gather(*sent)
    assert all(r.status_code == 200 for r in responses)
    assert sum("Report recorded" in r.text for r in responses) == 1
    await slack.work()
    assert len(await slack.runtime.service.open_incidents()) == 1


async def test_a_replayed_room_command_adds_no_second_note(slack: Slack) -> None:
    await slack.command("customer list sent to the wrong supplier")
    await slack.work()
    room = slack.room()["id"]
    body, headers = slack.requests.slash(
        "note called the supplier", user_id="U0RESP1", channel_id=room
    )
    first = await slack.http.post("/slack/events", content=body, headers=headers)
    again = await slack.http.post("/slack/events", content=body, headers=headers)
    assert "called the supplier" not in again.text and first.text != again.text
    kinds = [e.kind for e in await slack.runtime.service.timeline(slack.room_incident_id())]
    assert kinds.count("note.added") == 1


async def test_an_answer_counts_only_in_its_room_even_after_one_there_did(slack: Slack) -> None:
    await slack.command("customer list sent to the wrong supplier")
    await slack.work()
    await slack.answer("discovered_at", "reported")  # a press in the room: it counts
    await slack.work()
    card = slack.message_with_ref("triage")
    for channel in ("C0GENERAL", "C0OTHERROOM"):  # the same card's question, pressed elsewhere
        pressed = slack.requests.press(
            card, "answer:data_categories", user_id="U0RESP1", value=["contact"], channel_id=channel
        )
        await slack.send(pressed)
    await slack.work()
    answers = (await slack.runtime.service.snapshot(slack.room_incident_id())).answers
    assert "discovered_at" in answers and "data_categories" not in answers
