"""Roles, action items and the incident lead's severity call, through signed requests and the
fake Slack: commands, the summary's buttons and modals, the message shortcut, the prompts."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from app.statements.pack import press_readiness
from app.triage.followups import LEAD_WAIT, TASK_CHASE
from tests.fakes.slack_api import FakeSlack
from tests.followups.test_slack_prompts import followups, open_with_verdict, run_at
from tests.slack.conftest import Slack, driven


async def say(slack: Slack, text: str, user: str = "U0RESP1") -> dict[str, Any]:
    """A `/leak …` in the incident room; its ephemeral answer."""
    response = await slack.command(text, channel=slack.room()["id"], user=user)
    assert response.status_code == 200, response.text
    await slack.work()
    return response.json()


def blocks_text(message: dict[str, Any]) -> str:
    return str(message.get("blocks"))


async def events(slack: Slack, kind: str) -> list[Any]:
    incident_id = slack.room_incident_id()
    return [e for e in await slack.runtime.service.timeline(incident_id) if e.kind == kind]


async def test_a_role_is_assigned_shown_on_the_summary_and_said_in_its_thread(
    slack: Slack,
) -> None:
    await open_with_verdict(slack)
    answer = await say(slack, "role lead <@U0LEAD9|lead>")
    assert "<@U0LEAD9> is now Incident lead" in answer["text"]
    summary = slack.message_with_ref("summary")
    assert "*Roles:* Incident lead <@U0LEAD9>" in blocks_text(summary)
    (line,) = [m for m in slack.messages() if "is now Incident lead" in str(m.get("blocks"))]
    assert line["thread_ts"] == summary["ts"]  # a thread reply, not a new top-level post
    (event,) = await events(slack, "role.assigned")
    assert event.actor == "U0RESP1"
    assert event.data == {"role": "lead", "user": "U0LEAD9", "previous": None}
    # Whoever is given a role is brought into the private room.
    invited = [c.params.get("users") for c in slack.fake.calls_to("conversations.invite")]
    assert "U0LEAD9" in invited
    # The verdict's 「今やること」 names the lead as the owner of the lead's actions.
    assert "(owner <@U0LEAD9>)" in blocks_text(slack.message_with_ref("verdict:1"))


async def test_bad_role_commands_get_one_line_with_examples_and_change_nothing(
    slack: Slack,
) -> None:
    await open_with_verdict(slack)
    unknown = await say(slack, "role boss <@U0LEAD9|lead>")
    assert unknown["text"].startswith("There is no role “boss”")
    assert "`/leak role lead @someone`" in unknown["text"]
    typed = await say(slack, "role lead @taro")
    assert typed["text"].startswith("I could not tell who “@taro” is")
    assert await events(slack, "role.assigned") == []


async def test_a_sev1_without_a_lead_is_prompted_once_and_the_assignment_settles_it(
    slack: Slack,
) -> None:
    incident = await open_with_verdict(slack)
    assert incident.severity in ("SEV1", "SEV2")
    rows = await followups(slack, incident)
    lead = rows["role:lead"]
    assert lead.due_at >= incident.created_at + LEAD_WAIT - timedelta(seconds=1)
    await run_at(slack.runtime.queue, lead.due_at.replace(tzinfo=UTC) + timedelta(seconds=1))
    await run_at(slack.runtime.queue, lead.due_at.replace(tzinfo=UTC) + timedelta(seconds=5))
    prompts = [m for m in slack.messages() if "No incident lead yet" in blocks_text(m)]
    assert len(prompts) == 1
    await say(slack, "role lead me", user="U0RESP2")
    row = (await followups(slack, incident))["role:lead"]
    assert row.state == "done" and row.done_by == "U0RESP2"
    settled = slack.message_with_ref(f"followup:{row.id}")
    assert "Done — <@U0RESP2>" in blocks_text(settled)


async def test_no_lead_prompt_for_a_room_that_has_one(slack: Slack) -> None:
    await slack.command("Card data skimmed on the web shop")
    await slack.work()
    await say(slack, "role lead me")
    incident = await open_with_verdict_answers(slack)
    assert "role:lead" not in await followups(slack, incident)


async def open_with_verdict_answers(slack: Slack, **facts: Any) -> Any:
    """Answers the triage card in the order open_with_verdict does, with these facts."""
    answers: dict[str, Any] = {
        "discovered_at": "reported",
        "data_categories": ["financial", "contact"],
        "data_subjects": ["customers"],
        "affected_count": "300",
        "subject_regions": ["JP"],
        "exposure_period": None,
        "encryption": "none",
        "leak_mode": "skimming",
        **facts,
    }
    for field, value in answers.items():
        await slack.answer(field, value)
        await slack.work()
    return await slack.runtime.service.find_by_channel(slack.room()["id"])


async def test_the_roles_button_opens_a_modal_whose_save_assigns_them(slack: Slack) -> None:
    await open_with_verdict(slack)
    await slack.press("summary", "roles_open", user="U0RESP1")
    view = [v for v in slack.fake.views if v.get("callback_id") == "roles"][-1]
    answers = {"user_lead": "U0RESP1", "user_comms": "U0LEAD1"}
    response = await slack.send(slack.requests.submit(view, answers, user_id="U0RESP1"))
    assert response.status_code == 200
    await slack.work()
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident.roles == {"lead": "U0RESP1", "comms": "U0LEAD1"}
    assert len(await events(slack, "role.assigned")) == 2


async def test_an_action_item_is_added_listed_prompted_when_due_chased_and_completed(
    slack: Slack,
) -> None:
    incident = await open_with_verdict(slack)
    answer = await say(
        slack, 'task "Call the card company, card 4111 1111 1111 1111" <@U0RESP2|b> 2h'
    )
    assert "Added • #" in answer["text"] and "owner <@U0RESP2>" in answer["text"]
    assert "4111 1111 1111 1111" not in answer["text"]  # masked before storage
    items = await slack.runtime.service.tasks(incident.id)
    item = next(i for i in items if i.source is None)
    assert "4111 1111 1111 1111" not in item.title
    assert item.owner == "U0RESP2" and item.due_at is not None
    assert f"#{item.number} Call the card company" in blocks_text(slack.message_with_ref("summary"))
    (line,) = [m for m in slack.messages() if "is yours" in blocks_text(m)]
    assert "<@U0RESP2>" in blocks_text(line) and line.get("thread_ts")
    # Due: one prompt with its line; still open two hours later: prompted again.
    due = item.due_at.replace(tzinfo=UTC)
    await run_at(slack.runtime.queue, due + timedelta(seconds=1))
    first = [m for m in slack.messages() if "Action item due" in blocks_text(m)]
    assert len(first) == 1 and "Call the card company" in blocks_text(first[0])
    await run_at(slack.runtime.queue, due + TASK_CHASE + timedelta(seconds=2))
    assert len([m for m in slack.messages() if "Action item due" in blocks_text(m)]) == 2
    # The list, and Done on it: the item and its prompts are settled.
    listing = await say(slack, "tasks")
    assert "task_done" in str(listing["blocks"])
    await slack.send(
        slack.requests.block_actions(
            "task_done",
            f'{{"i":{incident.id},"n":{item.number}}}',
            user_id="U0RESP2",
            channel_id=slack.room()["id"],
        )
    )
    await slack.work()
    done = next(i for i in await slack.runtime.service.tasks(incident.id) if i.id == item.id)
    assert done.state == "done" and done.done_by == "U0RESP2"
    rows = await followups(slack, incident)
    states = [r.state for k, r in rows.items() if k.startswith(f"task:{item.id}")]
    assert states.count("done") == 2 and set(states) <= {"done", "cancelled"}  # next chase off
    assert f"#{item.number} Call" not in blocks_text(slack.message_with_ref("summary"))
    later = due + TASK_CHASE * 3
    await run_at(slack.runtime.queue, later)
    assert len([m for m in slack.messages() if "Action item due" in blocks_text(m)]) == 2


async def test_task_commands_refuse_bad_input_in_one_line_and_store_nothing(slack: Slack) -> None:
    incident = await open_with_verdict(slack)
    before = len(await slack.runtime.service.tasks(incident.id))
    bad_due = await say(slack, 'task "Call the insurer" <@U0RESP2|b> someday')
    assert bad_due["text"].startswith("I could not read the due time “someday”")
    assert "`tomorrow 10:00`" in bad_due["text"]
    empty = await say(slack, 'task "" <@U0RESP2|b>')
    assert empty["text"].startswith("Say what needs doing")
    missing = await say(slack, "task done 99")
    assert missing["text"] == "There is no action item #99 here. `/leak tasks` lists them."
    assert len(await slack.runtime.service.tasks(incident.id)) == before


async def test_the_verdicts_recommended_actions_become_items_the_room_can_assign(
    slack: Slack,
) -> None:
    incident = await open_with_verdict(slack)
    items = {i.source: i for i in await slack.runtime.service.tasks(incident.id)}
    assert "verdict:card_issuers" in items and items["verdict:card_issuers"].owner is None
    number = items["verdict:card_issuers"].number
    answer = await say(slack, f"task {number} <@U0RESP2|b> tomorrow 10:00")
    assert "owner <@U0RESP2>" in answer["text"]
    await say(slack, f"task done {number}")
    rows = await followups(slack, incident)
    assert rows["action:card_issuers"].state in ("cancelled", "done")
    verdict = blocks_text(slack.message_with_ref("verdict:1"))
    assert "card companies" not in verdict.split("*Do now*")[1].split("*Statement")[0]


async def test_the_create_action_item_shortcut_opens_the_modal_with_the_message(
    slack: Slack,
) -> None:
    incident = await open_with_verdict(slack)
    room = slack.room()["id"]
    signed = slack.requests.message_action(
        "create_task",
        user_id="U0RESP1",
        channel_id=room,
        message_ts="1700000000.000100",
        message_text="Ask the hosting company for logs",
    )
    assert (await slack.send(signed)).status_code == 200
    view = [v for v in slack.fake.views if v.get("callback_id") == "task_add"][-1]
    title = next(b for b in view["blocks"] if b["block_id"] == "title")
    assert title["element"]["initial_value"] == "Ask the hosting company for logs"
    answers = {"owner": "U0RESP2", "due": "nonsense"}
    refused = await slack.send(slack.requests.submit(view, answers, user_id="U0RESP1"))
    assert refused.json()["response_action"] == "errors"
    assert "due" in refused.json()["errors"]
    answers["due"] = "tomorrow 10:00"
    await slack.send(slack.requests.submit(view, answers, user_id="U0RESP1"))
    await slack.work()
    item = next(
        i for i in await slack.runtime.service.tasks(incident.id) if i.title.startswith("Ask")
    )
    assert item.owner == "U0RESP2"
    (added,) = [e for e in await events(slack, "task.added") if e.data.get("number") == item.number]
    assert added.data["link"].endswith("/p1700000000000100")


async def test_the_shortcut_outside_an_incident_room_says_so(slack: Slack) -> None:
    signed = slack.requests.message_action(
        "create_task",
        user_id="U0RESP1",
        channel_id="C0GENERAL",
        message_ts="1700000000.000100",
        message_text="x",
    )
    assert (await slack.send(signed)).status_code == 200
    await slack.work()
    assert not [v for v in slack.fake.views if v.get("callback_id") == "task_add"]


async def test_only_the_lead_sets_a_severity_call_and_both_stand_side_by_side(
    slack: Slack,
) -> None:
    incident = await open_with_verdict(slack)
    policy = incident.severity
    nobody = await say(slack, "severity SEV1 already on a leak site")
    assert nobody["text"].startswith("Only the incident lead sets a severity call")
    await say(slack, "role lead <@U0LEAD9|lead>")
    other = await say(slack, "severity SEV1 already on a leak site")
    assert other["text"] == "Only the incident lead (<@U0LEAD9>) sets a severity call."
    no_reason = await say(slack, "severity SEV1", user="U0LEAD9")
    assert no_reason["text"].startswith("Give your reason")
    unknown = await say(slack, "severity SEV9 why", user="U0LEAD9")
    assert unknown["text"].startswith("“SEV9” is not a severity")
    called = "SEV1" if policy != "SEV1" else "SEV2"
    answer = await say(slack, f"severity {called} already on a leak site", user="U0LEAD9")
    assert "Incident lead's call:" in answer["text"]
    after = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert after.severity == policy  # the policy's verdict is never rewritten
    assert after.severity_call["severity"] == called
    verdicts = await slack.runtime.service.verdicts(incident.id)
    assert verdicts[-1].severity == policy
    for ref in ("summary", "verdict:1"):
        shown = blocks_text(slack.message_with_ref(ref))
        assert "Incident lead's call:" in shown and "policy verdict" in shown
    (event,) = await events(slack, "severity.called")
    assert event.data["severity"] == called and event.data["policy"] == policy
    assert event.data["reason"] == "already on a leak site"
    # The legal clocks still come from the facts.
    assert after.deadline_at == incident.deadline_at


async def test_the_severity_button_opens_the_leads_modal(slack: Slack) -> None:
    await open_with_verdict(slack)
    await say(slack, "role lead me", user="U0RESP1")
    await slack.press("summary", "severity_open", user="U0RESP1")
    view = [v for v in slack.fake.views if v.get("callback_id") == "severity_call"][-1]
    answers = {"severity": "SEV1", "reason": "patients' data may be among it"}
    response = await slack.send(slack.requests.submit(view, answers, user_id="U0RESP1"))
    assert response.status_code == 200
    await slack.work()
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident.severity_call is not None or incident.severity == "SEV1"
    assert await events(slack, "severity.called")


async def test_roles_items_and_the_call_add_no_top_level_post(slack: Slack) -> None:
    """The room stays calm: confirmations are ephemeral, the rest edits the summary and the
    verdict, and the lines that @mention someone are thread replies."""
    await open_with_verdict(slack)
    top_level = [m for m in slack.messages() if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
    await say(slack, "role lead me")
    await say(slack, "role comms <@U0LEAD1|pr>")
    await say(slack, 'task "Preserve the web server logs" <@U0RESP2|b> 17:00')
    await say(slack, "severity SEV1 the skimmer ran for three months", user="U0RESP1")
    after = [m for m in slack.messages() if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
    assert len(after) == len(top_level), [m.get("text") for m in after[len(top_level) :]]


async def test_a_press_conference_brings_its_readiness_items_owned_by_the_comms_lead(
    slack: Slack,
) -> None:
    await slack.command("Patient records exposed")
    await slack.work()
    await open_with_verdict_answers(
        slack,
        data_categories=["special_care", "identity"],
        data_subjects=["patients"],
        affected_count="5000",
        leak_mode="unauthorized_access",
    )
    await say(slack, "role comms <@U0LEAD1|pr>")  # the items nobody owns yet go to them
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    verdict = (await slack.runtime.service.verdicts(incident.id))[-1].data
    assert verdict["actions"]["press_conference"] in (True, "conditional")
    items = await slack.runtime.service.tasks(incident.id)
    press = [i for i in items if (i.source or "").startswith("press:")]
    titles = " ".join(i.title for i in press)
    assert [i.title for i in press] == press_readiness(verdict, "en")
    assert "spokesperson" in titles.lower() or "speak" in titles.lower()
    assert {i.owner for i in press} == {"U0LEAD1"} and all(i.due_at for i in press)
    # Chased until done: each is prompted when due, and again while still open.
    due = max(i.due_at for i in press).replace(tzinfo=UTC)
    await run_at(slack.runtime.queue, due + timedelta(seconds=1))
    rows = await followups(slack, incident)
    assert all(rows[f"task:{i.id}"].state == "posted" for i in press)
    assert all(f"task:{i.id}:2" in rows for i in press)


async def test_in_japanese_do_now_names_each_actions_owner(
    database_url: str, fake_slack: FakeSlack
) -> None:
    """#25 item 2: 「今やること」 says who owns each action once roles exist (広報 for the
    statement, 法務 for the PPC reports, the incident lead for the rest)."""
    async with driven(database_url, fake_slack, language="ja") as slack:
        await open_with_verdict(slack)
        await say(slack, "role lead <@U0LEAD9|lead>")
        await say(slack, "role 広報 <@U0LEAD1|pr>")
        await say(slack, "role 法務 <@U0LEGAL|legal>")
        verdict = blocks_text(slack.message_with_ref("verdict:1"))
        do_now = verdict.split("*今やること*")[1]
        assert "（担当 <@U0LEAD1>）" in do_now or "（担当 <@U0LEGAL>）" in do_now
        summary = blocks_text(slack.message_with_ref("summary"))
        assert "*役割：* インシデント責任者 <@U0LEAD9> · 広報責任者 <@U0LEAD1>" in summary
        assert "（担当 <@U0LEGAL>）" in summary or "（担当 <@U0LEAD" in summary
