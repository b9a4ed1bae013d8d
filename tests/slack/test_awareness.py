"""Awareness first (issue 18): the triage card first asks when the company knew; picking an
earlier time in Slack (here through "Change answers", after the verdict) moves the legal clocks,
the follow-ups and the summary; until it is answered the report's time stands in, shown as an
assumption."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from app.models import FollowupState
from tests.followups.test_slack_prompts import followups, open_with_verdict
from tests.slack.conftest import Slack


def summary_text(slack: Slack) -> str:
    return json.dumps(slack.message_with_ref("summary")["blocks"], ensure_ascii=False)


async def test_awareness_is_asked_first_on_the_triage_card(slack: Slack) -> None:
    await slack.command("Card company reports fraud on cards used at our shop")
    await slack.work()
    assert slack.current_question() == "discovered_at"
    card = json.dumps(slack.message_with_ref("triage")["blocks"])
    for widget in ('"datepicker"', '"timepicker"', "When this was reported", "Earlier"):
        assert widget in card
    assert "a card company" in card  # the help a panicked reporter can follow
    assert "assumed: the report time" in summary_text(slack)

    await slack.answer("discovered_at", "reported")
    await slack.work()
    assert slack.current_question() == "data_categories"
    assert "assumed" not in summary_text(slack)


async def test_an_earlier_awareness_moves_clocks_followups_and_summary(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    service = slack.runtime.service
    before = (await service.verdicts(incident.id))[-1]
    rows = await followups(slack, incident)
    due_before = rows["appi_preliminary:due"].due_at

    # The card company called two days before anyone typed /leak.
    called = (incident.created_at - timedelta(days=2)).replace(second=0, microsecond=0)
    await slack.answer("discovered_at", called)
    await slack.work()

    moved = await service.get(incident.id)
    assert moved.discovered_at == called
    after = (await service.verdicts(incident.id))[-1]
    assert after.version == before.version + 1  # clocks changed: a new verdict version
    shift = datetime.fromisoformat(before.data["appi"]["preliminary_due"]) - datetime.fromisoformat(
        after.data["appi"]["preliminary_due"]
    )
    assert timedelta(days=1) <= shift <= timedelta(days=3)
    rows = await followups(slack, incident)
    assert rows["appi_preliminary:due"].due_at < due_before
    assert rows["appi_preliminary:due"].state == FollowupState.SCHEDULED
    assert "assumed" not in summary_text(slack)
    kinds = [e.kind for e in await service.timeline(incident.id)]
    assert "incident.discovered_at_changed" in kinds
    card = json.dumps(slack.message_with_ref("triage")["blocks"])
    assert "U0RESP1" in card  # who answered, on the card ("previous question")


async def test_when_this_was_reported_confirms_the_report_time(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    service = slack.runtime.service
    versions = len(await service.verdicts(incident.id))
    await slack.answer("discovered_at", "reported")  # again, through "Change answers"
    await slack.work()
    assert (await service.get(incident.id)).discovered_at == incident.discovered_at
    assert len(await service.verdicts(incident.id)) == versions  # nothing moved


async def test_a_time_after_the_report_is_refused_in_one_line(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    later = incident.created_at + timedelta(days=1)
    slack.runtime.service.clock = lambda: later  # a day on: 3 hours after the report is past
    await slack.answer("discovered_at", incident.created_at + timedelta(hours=3))
    await slack.work()
    assert (await slack.runtime.service.get(incident.id)).discovered_at == incident.discovered_at
    replies = [e.get("text", "") for e in slack.fake.ephemerals(user="U0RESP1")]
    assert any("after the report" in r for r in replies), replies
