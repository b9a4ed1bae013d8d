"""One room layer, two platforms: the same incident through Slack and through Teams posts the same
room events in the same order — the triage card, the living verdict and the note of what changed
(with its redraft offer), the statement, its publication, the pack drafted from it, a follow-up
prompt and the close summary."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.incidents.service import IncidentService, ServiceError
from app.models import utcnow
from app.rooms.texts import refusal
from app.teams.cards import md
from app.work.queue import WorkQueue
from tests.followups.test_slack_prompts import run_at
from tests.rooms.order import opening
from tests.slack.conftest import Slack, fake_slack, slack  # noqa: F401 - fixtures
from tests.teams.conftest import (  # noqa: F401 - fixtures
    LEAD1,
    RESPONDER,
    Teams,
    action_data,
    card_of,
    fake_teams,
    teams,
)
from tests.teams.test_cards import needs_node, sent_cards, validate

TITLE = "Misdirected e-mail with a customer list"
# SEV3 once the mode is known; the first draft is approved (an approved statement is not
# rewritten under its approvers); then 5,000 people (APPI C4) make it SEV2 and a redraft is offered.
ANSWERS: list[tuple[str, Any]] = [
    ("discovered_at", "reported"),
    ("data_categories", ["contact"]),
    ("data_subjects", ["customers"]),
    ("affected_count", 300),
    ("subject_regions", ["JP"]),
    ("exposure_period", None),
    ("encryption", "none"),
    ("leak_mode", "misdelivery"),
    ("affected_count", 5000),
]
_ID = re.compile(r"^(post|followup):\d+$")


async def room_events(service: IncidentService, incident_id: int) -> list[str]:
    """The refs of the messages the room received, in the order they were posted (a work row's
    or a prompt's id replaced by its kind: the two databases number them differently). The
    summary and the first question go out together, in either order (tests/rooms/order.py)."""
    incident = await service.get(incident_id)
    refs = [
        _ID.sub(r"\1", row.ref)
        for row in await service.message_refs(incident_id, "")
        if row.ts is not None and row.channel_id == incident.channel_id
    ]
    return sorted(refs[:2]) + refs[2:] if opening(refs) else refs


async def first_prompt_due(service: IncidentService, queue: WorkQueue, incident_id: int) -> int:
    """Runs the worker at the first follow-up's time; returns that follow-up's id."""
    first = min(await service.followups(incident_id), key=lambda r: r.due_at)
    await run_at(queue, first.due_at.replace(tzinfo=utcnow().tzinfo) + timedelta(seconds=1))
    return first.id


async def teams_answers_with_approval(teams: Teams) -> None:  # noqa: F811 - the fixture's name
    for field, value in ANSWERS:
        if (field, value) == ANSWERS[-1]:  # approve the first draft before the facts change
            await teams.press("statement", "statement_approve", user=LEAD1)
            await teams.work()
        await teams.answer(field, value)
        await teams.work()


async def through_slack(slack: Slack) -> int:  # noqa: F811 - the fixture's name
    await slack.command(TITLE)
    await slack.work()
    for field, value in ANSWERS:
        if (field, value) == ANSWERS[-1]:  # approve the first draft before the facts change
            await slack.press("statement", "statement_approve", user="U0LEAD1")
            await slack.work()
        await slack.answer(field, str(value) if isinstance(value, int) else value)
        await slack.work()
    await slack.press("verdict_change:2", "redraft", user="U0LEAD1")
    await slack.work()
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    incident_id = slack.room_incident_id()
    service = slack.runtime.service
    prompt = await first_prompt_due(service, slack.runtime.queue, incident_id)
    await slack.press(f"followup:{prompt}", "followup_done", user="U0RESP1")
    await slack.work()
    await slack.close("sent to the right address")
    await slack.work()
    return incident_id


async def through_teams(teams: Teams) -> int:  # noqa: F811 - the fixture's name
    await teams.say(f"leak {TITLE}")
    await teams.work()
    await teams_answers_with_approval(teams)
    redraft = await teams.press("verdict_change:2", "redraft", user=LEAD1)
    assert redraft.status_code == 200, redraft.text
    await teams.work()
    await teams.press("statement", "statement_approve", user=LEAD1)
    await teams.work()
    incident_id = await teams.incident_id()
    prompt = await first_prompt_due(teams.runtime.service, teams.runtime.queue, incident_id)
    data = action_data(card_of((await teams.posted(f"followup:{prompt}")).body), "followup_done")
    room = teams.room()
    await teams.send(teams.activities.execute("followup_done", data, RESPONDER, room))
    await teams.work()
    await teams.say("leak close sent to the right address", user=RESPONDER, conversation=room)
    await teams.work()
    confirm = teams.card_with(room, "close_confirm")
    await teams.send(teams.activities.execute("close_confirm", confirm, RESPONDER, room))
    await teams.work()
    return incident_id


async def test_slack_and_teams_post_the_same_room_events(
    slack: Slack,  # noqa: F811 - the fixture's name
    teams: Teams,  # noqa: F811 - the fixture's name
) -> None:
    from_slack = await room_events(slack.runtime.service, await through_slack(slack))
    from_teams = await room_events(teams.runtime.service, await through_teams(teams))
    for expected in (
        "triage",
        "verdict:1",
        "published:1",
        "pack",
        "verdict_change:2",
        "published:2",
        "review",  # offered when someone asks to close
        "closed",
    ):
        assert expected in from_slack, from_slack
    assert "followup" in from_slack
    assert from_teams == from_slack


async def test_teams_redraft_offer_redrafts_on_the_new_verdict(teams: Teams) -> None:  # noqa: F811
    await teams.say(f"leak {TITLE}")
    await teams.work()
    await teams_answers_with_approval(teams)
    offer = await teams.card("verdict_change:2")
    assert "Draft update 2" in str(offer)  # the approved notice was update 1
    response = await teams.press("verdict_change:2", "redraft", user=LEAD1)
    assert "Redrafting" in response.json()["value"]
    await teams.work()
    statement = await teams.runtime.service.latest_statement(await teams.incident_id())
    assert statement is not None and (statement.version, statement.verdict_version) == (2, 2)
    assert statement.series == 2
    # The draft's card in the verdict's thread now shows the second report, version 2.
    assert "(update 2) v2" in str(await teams.card("statement"))


@needs_node
async def test_every_teams_card_of_a_changed_verdict_is_valid(
    teams: Teams,  # noqa: F811 - the fixture's name
    tmp_path: Path,
) -> None:
    """The change note with its redraft offer and the living verdict are cards Microsoft's
    validator accepts."""
    await teams.say(f"leak {TITLE}")
    await teams.work()
    await teams_answers_with_approval(teams)
    await teams.press("verdict_change:2", "redraft", user=LEAD1)
    await teams.work()
    cards = sent_cards(teams)
    assert any("redraft" in str(c["card"]) for c in cards)
    assert validate(cards, tmp_path)["problems"] == []


async def test_a_refusal_reads_the_same_on_both_platforms(
    slack: Slack,  # noqa: F811 - the fixture's name
    teams: Teams,  # noqa: F811 - the fixture's name
) -> None:
    """Someone who is not a PR lead presses Approve: both platforms tell them in the same words
    (the room layer's `error.not_pr_lead`), never the code."""
    await slack.command(TITLE)
    await slack.work()
    for field, value in ANSWERS[:-1]:
        await slack.answer(field, str(value) if isinstance(value, int) else value)
        await slack.work()
    await slack.press("statement", "statement_approve", user="U0RESP1")
    await slack.work()
    (told_in_slack,) = [e["text"] for e in slack.fake.ephemerals(user="U0RESP1")][-1:]

    await teams.say(f"leak {TITLE}")
    await teams.work()
    for field, value in ANSWERS[:-1]:
        await teams.answer(field, value)
        await teams.work()
    response = await teams.press("statement", "statement_approve", user=RESPONDER)
    told_in_teams = response.json()["value"]

    expected = refusal(ServiceError("not_pr_lead"), "en")
    assert told_in_slack == expected
    assert told_in_teams == md(expected)
    assert "not_pr_lead" not in told_in_slack + told_in_teams


@needs_node
async def test_teams_tells_an_edited_draft_what_changed_and_redrafts_it(
    teams: Teams,  # noqa: F811 - the fixture's name
    tmp_path: Path,
) -> None:
    """The same note as Slack's (tests/slack/test_statements.py) for a PR lead's edit the facts
    overtake without a new verdict, with a redraft action the validator accepts."""
    await teams.say(f"leak {TITLE}")
    await teams.work()
    for field, value in ANSWERS[:-1]:
        await teams.answer(field, value)
        await teams.work()
    incident_id = await teams.incident_id()
    service = teams.runtime.service
    await service.edit_statement(
        incident_id, {"ja": "【改訂】お知らせ", "en": "Revised"}, LEAD1.aad
    )
    await teams.work()
    await teams.answer("affected_count", 280)  # still SEV3: no new verdict
    await teams.work()
    note = str(await teams.card("overtaken:2"))
    assert "Statement version 2" in note and "about 300 people → about 280 people" in note
    response = await teams.press("overtaken:2", "redraft", user=LEAD1)
    assert "Redrafting" in response.json()["value"]
    await teams.work()
    statement = await service.latest_statement(incident_id)
    assert statement is not None and statement.version == 3
    assert "about 280 people" in statement.texts["en"]
    assert validate(sent_cards(teams), tmp_path)["problems"] == []
