"""Follow-up prompts through Slack: posted once when due, Done / Snooze / Not needed, rescheduling."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.incidents.schedule import prompt_kind
from app.models import Followup, FollowupState, Incident, WorkItem, WorkStatus, utcnow
from app.work.queue import WorkQueue
from tests.slack.conftest import Slack

LEAKDESK = "leakdesk_message"


async def open_with_verdict(
    slack: Slack,
    title: str = "Card data skimmed on the web shop",
    *,
    regions: list[str] | None = None,
) -> Incident:
    await slack.command(title)
    await slack.work()
    for field, value in (
        ("discovered_at", "reported"),
        ("data_categories", ["financial", "contact"]),
        ("data_subjects", ["customers"]),
        ("affected_count", "300"),
        ("subject_regions", regions or ["JP"]),
        ("exposure_period", None),
        ("encryption", "none"),
        ("leak_mode", "skimming"),
    ):
        await slack.answer(field, value)
        await slack.work()
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident is not None and incident.severity
    return incident


async def run_at(queue: WorkQueue, when: datetime) -> int:
    """Runs every row due at `when` (as the worker would once the clock gets there)."""
    total = 0
    while done := await queue.run_once(now=when):
        total += done
    return total


def prompt_refs(slack: Slack) -> list[str]:
    refs = [
        m["metadata"]["event_payload"].get("ref", "")
        for m in slack.fake.posts_with_metadata(LEAKDESK)
    ]
    return [r for r in refs if r.startswith("followup:")]


async def followups(slack: Slack, incident: Incident) -> dict[str, Followup]:
    return {f.key: f for f in await slack.runtime.service.followups(incident.id)}


async def first_due(slack: Slack, incident: Incident) -> Followup:
    rows = await followups(slack, incident)
    return min(
        (f for f in rows.values() if f.state == FollowupState.SCHEDULED), key=lambda f: f.due_at
    )


async def post_first(slack: Slack, incident: Incident) -> tuple[Followup, dict[str, Any]]:
    row = await first_due(slack, incident)
    await run_at(slack.runtime.queue, row.due_at + timedelta(seconds=1))
    return row, slack.message_with_ref(f"followup:{row.id}")


async def test_a_verdict_schedules_its_clocks_cadence_and_actions(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    keys = set(await followups(slack, incident))
    assert {"appi_preliminary:target", "appi_preliminary:due", "appi_final:due"} <= keys
    assert {"action:police", "action:card_issuers"} <= keys
    assert any(k.startswith("status:") for k in keys)
    assert prompt_refs(slack) == []  # nothing is due yet


async def test_a_due_prompt_is_posted_once_with_its_buttons(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    row, message = await post_first(slack, incident)
    actions = [e["action_id"] for b in message["blocks"] for e in b.get("elements", [])]
    assert actions == [
        "followup_done",
        "followup_snooze_1h",
        "followup_snooze_1d",
        "followup_not_needed",
    ]
    assert message["metadata"]["event_payload"]["followup_id"] == row.id
    await run_at(slack.runtime.queue, row.due_at + timedelta(seconds=2))
    assert prompt_refs(slack).count(f"followup:{row.id}") == 1
    assert (await followups(slack, incident))[row.key].state == FollowupState.POSTED
    kinds = [e.kind for e in await slack.runtime.service.timeline(incident.id)]
    assert "followup.posted" in kinds


async def test_done_records_who_and_when_and_shows_it_on_the_prompt(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    rows = await followups(slack, incident)
    target = rows["appi_preliminary:target"]
    await run_at(slack.runtime.queue, target.due_at + timedelta(seconds=1))
    response = await slack.press(f"followup:{target.id}", "followup_done", user="U0RESP1")
    assert response.status_code == 200
    await slack.work()

    row = (await followups(slack, incident))["appi_preliminary:target"]
    assert row.state == FollowupState.DONE and row.done_by == "U0RESP1" and row.done_at
    message = slack.message_with_ref(f"followup:{target.id}")
    assert "Done — <@U0RESP1>" in str(message["blocks"])
    assert "followup_done" not in str(message["blocks"])
    events = [e for e in await slack.runtime.service.timeline(incident.id)]
    done = [e for e in events if e.kind == "followup.done"]
    assert done[0].actor == "U0RESP1" and done[0].data["deadline"]
    assert await slack.runtime.service.verify(incident.id) is None


async def test_snooze_posts_the_prompt_again_an_hour_later(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    row, _ = await post_first(slack, incident)
    await slack.press(f"followup:{row.id}", "followup_snooze_1h", user="U0RESP1")
    await slack.work()
    assert "Snoozed by <@U0RESP1>" in str(slack.message_with_ref(f"followup:{row.id}")["blocks"])
    snoozed = (await followups(slack, incident))[row.key]
    assert snoozed.state == FollowupState.SNOOZED
    assert timedelta(minutes=59) < snoozed.due_at - utcnow() <= timedelta(hours=1)

    await run_at(slack.runtime.queue, utcnow() + timedelta(minutes=30))
    assert f"followup:{row.id}:1" not in prompt_refs(slack)
    await run_at(slack.runtime.queue, snoozed.due_at + timedelta(seconds=1))
    assert prompt_refs(slack).count(f"followup:{row.id}:1") == 1


async def test_snooze_a_day(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    row, _ = await post_first(slack, incident)
    await slack.press(f"followup:{row.id}", "followup_snooze_1d", user="U0RESP1")
    snoozed = (await followups(slack, incident))[row.key]
    assert timedelta(hours=23) < snoozed.due_at - utcnow() <= timedelta(hours=24)


async def test_not_needed_asks_why_and_keeps_the_reason(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    rows = await followups(slack, incident)
    police = rows["action:police"]
    await run_at(slack.runtime.queue, police.due_at + timedelta(seconds=1))
    await slack.press(f"followup:{police.id}", "followup_not_needed", user="U0RESP1")
    (view,) = [v for v in slack.fake.views if v.get("callback_id") == "followup_not_needed"]
    empty = await slack.send(slack.requests.submit(view, {"reason": ""}, user_id="U0RESP1"))
    assert "errors" in empty.text
    response = await slack.send(
        slack.requests.submit(
            view, {"reason": "Police already informed by the bank"}, user_id="U0RESP1"
        )
    )
    assert response.status_code == 200
    await slack.work()
    row = (await followups(slack, incident))["action:police"]
    assert (
        row.state == FollowupState.NOT_NEEDED
        and row.reason == "Police already informed by the bank"
    )
    assert "informed by the bank" in str(slack.message_with_ref(f"followup:{police.id}")["blocks"])


async def test_a_drills_prompts_are_marked_drill(slack: Slack) -> None:
    incident = await open_with_verdict(slack, "drill Card data skimmed")
    assert incident.is_drill
    _, message = await post_first(slack, incident)
    assert "[DRILL]" in message["text"]


async def test_a_new_verdict_cancels_what_no_longer_applies_and_adds_the_new(slack: Slack) -> None:
    incident = await open_with_verdict(slack, regions=["JP", "EU"])
    before = await followups(slack, incident)
    assert {"gdpr:24h", "gdpr:48h", "gdpr:66h"} <= set(before)
    await slack.answer("subject_regions", ["JP"])
    await slack.work()
    after = await followups(slack, incident)
    assert {after[k].state for k in ("gdpr:24h", "gdpr:48h", "gdpr:66h")} == {"cancelled"}
    async with slack.runtime.sessions() as session:
        work = await session.get(WorkItem, before["gdpr:24h"].work_id)
        assert work is not None and work.status == WorkStatus.CANCELLED
    await run_at(slack.runtime.queue, utcnow() + timedelta(days=4))
    assert not [r for r in prompt_refs(slack) if r == f"followup:{before['gdpr:24h'].id}"]
    await slack.answer("subject_regions", ["JP", "UK"])
    await slack.work()
    revived = await followups(slack, incident)
    assert revived["gdpr:66h"].state == FollowupState.SCHEDULED


async def test_closing_cancels_every_pending_prompt(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    await slack.runtime.service.close(incident.id, "U0RESP1", "contained")
    await slack.work()
    states = {f.state for f in (await followups(slack, incident)).values()}
    assert states == {FollowupState.CANCELLED}
    async with slack.runtime.sessions() as session:
        pending = await session.execute(
            select(WorkItem).where(
                WorkItem.kind == prompt_kind("slack"), WorkItem.status == WorkStatus.PENDING
            )
        )
        assert pending.scalars().all() == []
    await run_at(slack.runtime.queue, utcnow() + timedelta(days=90))
    assert prompt_refs(slack) == []


async def test_a_settled_prompt_refuses_a_second_click_politely(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    row, _ = await post_first(slack, incident)
    await slack.press(f"followup:{row.id}", "followup_done", user="U0RESP1")
    await slack.press(f"followup:{row.id}", "followup_snooze_1h", user="U0LEAD1")
    await slack.work()
    assert (await followups(slack, incident))[row.key].state == FollowupState.DONE
    assert any(
        "already settled" in e.get("text", "") for e in slack.fake.ephemerals(user="U0LEAD1")
    )


async def test_incidents_of_another_platform_get_no_slack_prompts(slack: Slack) -> None:
    service = slack.runtime.service
    incident, _ = await service.open_incident(
        title="Laptop stolen from a car", reporter_id="29:teams-user", platform="teams"
    )
    await service.record_answer(incident.id, "data_categories", ["contact"], "29:teams-user")
    result = await service.record_answer(incident.id, "leak_mode", "stolen_device", "29:teams-user")
    assert result.verdict is not None
    assert await service.followups(incident.id) == []


async def test_publishing_the_statement_schedules_the_promised_update(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    await slack.fill_in_blanks()  # the card period, which only people know
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    statement = await slack.runtime.service.latest_statement(incident.id)
    assert statement is not None and statement.status == "approved"
    assert statement.next_update_at is not None
    rows = [f for f in (await followups(slack, incident)).values() if f.kind == "next_update"]
    assert [(f.deadline_at, f.due_at) for f in rows] == [
        (statement.next_update_at, statement.next_update_at - timedelta(minutes=30))
    ]
