"""Roles, action items and the severity call in Teams: `leak role lead @someone` with a real
mention entity (its `29:` id read as an Azure AD id through the Bot Connector), the summary
card's forms, `leak tasks` with Done, and the "Create action item" message action."""

from __future__ import annotations

from typing import Any

from tests.fakes.teams_activities import User
from tests.teams.conftest import LEAD1, LEAD2, REPORTER, RESPONDER, Teams, action_data, card_of
from tests.teams.test_flow import drive_triage


def with_mention(teams: Teams, text: str, person: User, *, by: User) -> dict[str, Any]:
    """`leak …` in the room with `person` @mentioned as Teams sends it: the entity names their
    Teams id (`29:…`) and display name only."""
    activity = teams.activities.message(text + " @PERSON", by, teams.room())
    marker = f"<at>{person.name}</at>"
    activity["text"] = activity["text"].replace("@PERSON", marker)
    activity["entities"].append(
        {
            "type": "mention",
            "text": marker,
            "mentioned": {"id": person.teams_id, "name": person.name},
        }
    )
    return activity


def bot_texts(teams: Teams) -> list[str]:
    return [str(a.body) for a in teams.fake.messages(teams.room())]


async def opened(teams: Teams) -> int:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    await drive_triage(teams)
    return await teams.incident_id()


async def test_a_role_by_mention_is_the_persons_azure_ad_id_shown_by_name(teams: Teams) -> None:
    incident_id = await opened(teams)
    activity = with_mention(teams, "leak role lead", RESPONDER, by=REPORTER)
    assert (await teams.send(activity)).status_code == 200
    await teams.work()
    incident = await teams.runtime.service.get(incident_id)
    assert incident.roles == {"lead": RESPONDER.aad}
    said = f"{RESPONDER.name} is now Incident lead (set by {REPORTER.name})"
    assert any(said in text for text in bot_texts(teams)), bot_texts(teams)
    summary = await teams.card("summary")
    assert f"Incident lead {RESPONDER.name}" in str(summary)
    assert RESPONDER.aad not in str(summary) and RESPONDER.aad not in str(bot_texts(teams))
    assert teams.fake.calls_to("/members/", "GET")


async def test_someone_never_seen_is_read_from_the_room_by_azure_ad_id(teams: Teams) -> None:
    """A PR lead who has not spoken yet (the statement card and the summary name them)."""
    incident_id = await opened(teams)
    await teams.runtime.service.assign_role(incident_id, "comms", LEAD2.aad, REPORTER.aad)
    await teams.work()
    assert LEAD2.name in str(await teams.card("summary"))
    assert len(teams.fake.calls_to(f"/members/{LEAD2.aad}", "GET")) == 1  # then remembered


async def test_someone_teams_will_not_name_reads_as_a_member_never_their_id(
    teams: Teams,
) -> None:
    """The lead is someone Teams refuses to look up (not in the room): the role is theirs, the
    room says "a member", and their id shows nowhere."""
    incident_id = await opened(teams)
    stranger = "0e3c6a4e-9999-4a1a-9d1d-000000000009"
    await teams.runtime.service.assign_role(incident_id, "lead", stranger, REPORTER.aad)
    await teams.work()
    summary = await teams.card("summary")
    assert "Incident lead a member" in str(summary)
    assert stranger not in str(bot_texts(teams))
    assert len(teams.fake.calls_to(f"/members/{stranger}", "GET")) == 1  # refused, not re-asked
    assert not teams.fake.calls_to(f"/groups/{stranger}", "GET")  # only configured ids may be


async def test_someone_outside_the_room_is_not_a_person_it_knows(teams: Teams) -> None:
    incident_id = await opened(teams)
    stranger = User("0e3c6a4e-9999-4a1a-9d1d-000000000009", "Sam Stranger")
    await teams.send(with_mention(teams, "leak role lead", stranger, by=REPORTER))
    await teams.work()
    assert (await teams.runtime.service.get(incident_id)).roles in (None, {})
    (refusal,) = [text for text in bot_texts(teams) if "I could not tell who" in text]
    assert "`leak role lead @someone`" in refusal and "/leak" not in refusal  # Teams' words


async def test_the_summary_card_takes_a_role_adds_an_item_and_records_the_call(
    teams: Teams,
) -> None:
    incident_id = await opened(teams)
    summary = await teams.card("summary")
    assert action_data(summary, "role_take") and action_data(summary, "task_add")
    reply = await teams.press("summary", "role_take", user=RESPONDER, inputs={"role": "lead"})
    assert "is now Incident lead" in reply.json()["value"]
    added = await teams.press(
        "summary",
        "task_add",
        user=RESPONDER,
        inputs={"title": "Ask the host for logs", "due": "2h"},
    )
    assert "Ask the host for logs" in str(added.json())
    bad = await teams.press(
        "summary", "task_add", user=RESPONDER, inputs={"title": "Call the insurer", "due": "soon"}
    )
    assert "could not read the due time" in str(bad.json())
    titles = [i.title for i in await teams.runtime.service.tasks(incident_id)]
    assert "Ask the host for logs" in titles and "Call the insurer" not in titles
    refused = await teams.press(
        "summary", "severity_call", user=LEAD1, inputs={"severity": "SEV1", "reason": "x"}
    )
    assert "Only the incident lead" in str(refused.json())
    called = await teams.press(
        "summary",
        "severity_call",
        user=RESPONDER,
        inputs={"severity": "SEV2", "reason": "fewer cards than first counted"},
    )
    assert "Incident lead's call" in str(called.json())
    await teams.work()
    incident = await teams.runtime.service.get(incident_id)
    assert incident.severity_call and incident.severity_call["severity"] == "SEV2"
    assert incident.severity == "SEV1"  # the policy's verdict stands beside the call


async def test_leak_tasks_lists_the_items_and_done_completes_one(teams: Teams) -> None:
    incident_id = await opened(teams)
    await teams.say(
        'leak task "Ask the host for logs" me tomorrow 10:00', conversation=teams.room()
    )
    await teams.work()
    await teams.say("leak tasks", conversation=teams.room())
    await teams.work()
    listing = next(
        a for a in reversed(teams.fake.messages(teams.room())) if "task_done" in str(a.body)
    )
    item = next(
        i for i in await teams.runtime.service.tasks(incident_id) if i.title.startswith("Ask")
    )
    assert item.owner == REPORTER.aad
    card = card_of(listing.body)
    done = [a for a in _executes(card) if a["data"].get("n") == item.number]
    assert done
    await teams.send(
        teams.activities.execute("task_done", done[0]["data"], RESPONDER, teams.room())
    )
    await teams.work()
    item = next(i for i in await teams.runtime.service.tasks(incident_id) if i.id == item.id)
    assert item.state == "done" and item.done_by == RESPONDER.aad


async def test_the_create_action_item_message_action_adds_the_message(teams: Teams) -> None:
    incident_id = await opened(teams)
    activity = teams.activities.report_message(
        "<p>Check the <b>payment page</b> script</p>", RESPONDER, teams.room()
    )
    activity["value"]["commandId"] = "createTask"
    activity["value"]["data"] = {"due": "tomorrow 10:00"}
    response = await teams.send(activity)
    assert response.status_code == 200
    assert "Check the payment page script" in str(response.json())
    titles = [i.title for i in await teams.runtime.service.tasks(incident_id)]
    assert "Check the payment page script" in titles


def _executes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "Action.Execute" else []
        return found + [a for v in node.values() for a in _executes(v)]
    if isinstance(node, list):
        return [a for v in node for a in _executes(v)]
    return []
