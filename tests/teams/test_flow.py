"""The Teams incident flow end to end against the fakes: report → private channel → triage →
verdict → statement approval → close."""

from __future__ import annotations

import json

import httpx

from app.main import create_app
from app.runtime import build_runtime
from tests.fakes.teams_activities import Activities, User
from tests.fakes.teams_services import FakeTeams
from tests.rooms.order import opening
from tests.teams.conftest import (
    GENERAL,
    LEAD1,
    LEAD2,
    REPORTER,
    RESPONDER,
    TENANT,
    Teams,
    action_data,
    card_of,
    shown_ids,
    teams_settings,
)

WITNESS = User("0e3c6a4e-5555-4a1a-9d1d-000000000005", "Wan Witness")


async def test_leak_opens_a_private_channel_and_asks_the_first_question(teams: Teams) -> None:
    await teams.say("leak Customer CSV sent to the wrong address")
    await teams.work()
    assert any("LEAK-" in text for text in teams.replies_to(REPORTER))

    (channel,) = teams.fake.channels
    assert channel["membershipType"] == "private"
    assert channel["displayName"].startswith("leak-")
    assert "-001-customer-csv-sent-to-the-wrong" in channel["displayName"]
    assert len(channel["displayName"]) <= 50
    assert {REPORTER.aad, RESPONDER.aad, LEAD1.aad, LEAD2.aad} == set(channel["members"])
    assert channel["owners"] == [REPORTER.aad]
    assert opening(await teams.refs())
    summary = await teams.card("summary")
    assert "Customer CSV" in str(summary)
    ready = [text for text in teams.replies_to(REPORTER) if channel["displayName"] in text]
    assert ready, "the reporter was not told where the room is"
    incident = await teams.runtime.service.find_by_channel(channel["id"])
    assert incident is not None and incident.platform == "teams"
    kinds = [e.kind for e in await teams.runtime.service.timeline(incident.id)]
    assert kinds[:3] == ["incident.opened", "room.created", "room.ready"]


async def test_an_at_mention_in_a_channel_reports_too(teams: Teams) -> None:
    await teams.say("leak laptop left on a train", conversation=f"{GENERAL};messageid=17000")
    await teams.work()
    assert teams.fake.channels
    replies = teams.fake.replies(f"{GENERAL};messageid=17000")
    assert any("LEAK-" in a.body["summary"] for a in replies)


async def test_a_group_chat_when_private_channels_are_refused(teams: Teams) -> None:
    teams.fake.private_channels_refused = True
    teams.fake.fail(r"/installedApps$", 500)  # the retry adds the bot to the same chat
    await teams.say("leak invoices mailed to the wrong customer")
    await teams.work()
    await _expire_backoff(teams)
    await teams.work()
    assert not teams.fake.channels
    (chat,) = teams.fake.chats
    assert chat["chatType"] == "group"
    assert chat["apps"] == ["catalog-leakdesk"], "the bot was not added to the chat"
    assert {REPORTER.aad, RESPONDER.aad, LEAD1.aad, LEAD2.aad} == set(chat["members"])
    assert opening(await teams.refs())


async def test_microsoft_failing_delays_but_loses_and_doubles_nothing(teams: Teams) -> None:
    teams.fake.fail(r"/teams/.+/channels$", 429, retry_after=0)
    teams.fake.fail(r"/connector/v3/conversations/19", 500)
    await teams.say("leak backup tape missing")
    for _ in range(5):
        await teams.work()
        await _expire_backoff(teams)
    await teams.work()
    assert len(teams.fake.channels) == 1
    refs = await teams.refs()
    assert refs.count("summary") == 1 and refs.count("triage") == 1
    room = teams.room()
    posted = [a for a in teams.fake.messages(room)]
    assert len(posted) == len({a.id for a in posted}) == len(refs) - refs.count("room_ready")


async def _expire_backoff(teams: Teams) -> None:
    """Makes work that is waiting out a backoff due now (the test does not sleep)."""
    from sqlalchemy import update

    from app.models import WorkItem, WorkStatus, utcnow

    async with teams.runtime.sessions() as session:
        await session.execute(
            update(WorkItem).where(WorkItem.status == WorkStatus.PENDING).values(due_at=utcnow())
        )
        await session.commit()


async def test_a_missing_graph_permission_is_not_retried_forever(teams: Teams) -> None:
    teams.fake.fail(r"/teams/.+/channels$", 403, times=99)
    teams.fake.fail(r"/chats$", 403, times=99)
    await teams.say("leak HR folder shared with everyone")
    await teams.work()
    assert not teams.fake.channels and not teams.fake.chats
    from sqlalchemy import select

    from app.models import WorkItem

    async with teams.runtime.sessions() as session:
        rows = (
            await session.execute(select(WorkItem).where(WorkItem.kind == "teams.open_room"))
        ).scalars()
        assert [r.status for r in rows] == ["dead"]


async def drive_triage(teams: Teams) -> None:
    await teams.answer("discovered_at", "reported")
    await teams.work()
    await teams.answer("data_categories", ["financial", "contact"])
    await teams.work()
    await teams.answer("data_subjects", ["customers"])
    await teams.work()
    await teams.answer("affected_count", 2400)
    await teams.work()
    await teams.answer("subject_regions", ["JP"])
    await teams.work()
    await teams.answer("exposure_period", None)
    await teams.work()
    await teams.answer("encryption", "none")
    await teams.work()
    await teams.answer("leak_mode", "skimming")
    await teams.work()


async def test_triage_verdict_statement_approval_and_close(teams: Teams) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()

    await teams.answer("discovered_at", "reported")

    await teams.work()

    response = await teams.answer("data_categories", ["financial", "contact"])
    refreshed = response.json()
    assert refreshed["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Financial" in str(refreshed["value"]) and RESPONDER.name in str(refreshed["value"])
    await teams.work()
    # Everyone sees the answer: the one triage card was updated in place.
    posted = await teams.posted("triage")
    assert posted.history and RESPONDER.name in str(posted.body)
    await teams.answer("data_subjects", ["customers"])
    await teams.work()
    await teams.answer("affected_count", 2400)
    await teams.work()
    await teams.answer("subject_regions", ["JP"])
    await teams.work()
    await teams.answer("exposure_period", None)
    await teams.work()
    await teams.answer("encryption", "none")
    await teams.work()
    await teams.answer("leak_mode", "skimming")
    await teams.work()

    verdict = await teams.posted("verdict:1")
    assert "SEV1" in str(verdict.body) and "S1-b" in str(verdict.body)
    # The rule codes fold away under "Details (rules)" (Action.ShowCard), not in the card's body.
    (content,) = [a["content"] for a in verdict.body["attachments"]]
    assert "S1-b" not in str(content["body"])
    (details,) = [a for a in content["actions"] if a["type"] == "Action.ShowCard"]
    assert details["title"] == "Details (rules)" and "S1-b" in str(details["card"])
    statement = await teams.posted("statement")
    assert statement.conversation == f"{teams.room()};messageid={verdict.id}"

    # Someone who is not a PR lead is refused and nothing changes.
    response = await teams.press("statement", "statement_approve", user=RESPONDER)
    assert "Only PR leads" in response.json()["value"]
    # The card period is not known to the bot: approval waits until a lead fills it in.
    response = await teams.press("statement", "statement_approve", user=LEAD1)
    assert "blanks" in response.json()["value"]
    await teams.fill_in_blanks(LEAD1)
    # SEV1 needs two different PR leads; a double click approves once.
    response = await teams.press("statement", "statement_approve", user=LEAD1)
    assert "1/2" in str(response.json()["value"])
    response = await teams.press("statement", "statement_approve", user=LEAD1)
    assert "already approved" in response.json()["value"]
    await teams.work()
    assert "published:2" not in await teams.refs()
    await teams.press("statement", "statement_approve", user=LEAD2)
    await teams.work()
    published = card_of((await teams.posted("published:2")).body)
    assert LEAD1.name in str(published) and LEAD2.name in str(published)

    room = teams.room()
    await teams.say("leak note called the card processor", user=RESPONDER, conversation=room)
    await teams.say("leak status", user=RESPONDER, conversation=room)
    await teams.say("leak close processor confirmed", user=RESPONDER, conversation=room)
    await teams.work()
    data = teams.card_with(room, "close_confirm")
    response = await teams.send(teams.activities.execute("close_confirm", data, RESPONDER, room))
    assert "Closing" in response.json()["value"]
    await teams.work()
    assert "closed" in await teams.refs()

    incident = await teams.runtime.service.find_by_channel(room)
    assert incident is not None and incident.status == "closed"
    assert incident.resolution == "processor confirmed"
    kinds = [e.kind for e in await teams.runtime.service.timeline(incident.id)]
    assert kinds.count("statement.approved") == 2 and "note.added" in kinds
    assert await teams.runtime.service.verify(incident.id) is None
    # People are named in everything the bot sent, never shown as their Azure AD ids.
    assert REPORTER.name in str([a.body for a in teams.fake.messages(room)])
    sent = [body for a in teams.fake.activities for body in (a.body, *a.history)]
    assert not [ids for body in sent if (ids := shown_ids(body))]


async def test_a_lead_edits_or_requests_changes_in_the_card(teams: Teams) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    await drive_triage(teams)
    response = await teams.press(
        "statement", "statement_request_changes", user=LEAD1, inputs={"comment": "name the shop"}
    )
    assert response.json()["type"] == "application/vnd.microsoft.card.adaptive"
    await teams.work()
    thread = f"{teams.room()};messageid={(await teams.posted('verdict:1')).id}"
    assert any("name the shop" in a.body["summary"] for a in teams.fake.replies(thread))
    response = await teams.press(
        "statement", "statement_edit", user=LEAD1, inputs={"text_ja": "改訂", "text_en": "Revised"}
    )
    assert "v2" in str(response.json()["value"])
    await teams.work()
    assert "Revised" in str(await teams.card("statement"))
    response = await teams.press(
        "statement", "statement_edit", user=RESPONDER, inputs={"text_ja": "x", "text_en": "y"}
    )
    assert "Only PR leads" in response.json()["value"]


async def test_a_card_action_from_another_conversation_is_refused(teams: Teams) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    card = await teams.card("triage")
    data = {**action_data(card, "answer"), "value": "financial"}
    forged = teams.activities.execute("answer", data, RESPONDER, GENERAL)
    response = await teams.send(forged)
    assert "could not find" in response.json()["value"]
    incident_id = await teams.incident_id()
    kinds = [e.kind for e in await teams.runtime.service.timeline(incident_id)]
    assert "answer.recorded" not in kinds


async def test_the_message_action_reports_a_message(teams: Teams) -> None:
    activity = teams.activities.report_message(
        "<p>Here is the <b>customer export</b></p>", RESPONDER, GENERAL
    )
    response = await teams.send(activity)
    assert "LEAK-" in response.json()["task"]["value"]
    ((incident, _),) = await teams.runtime.service.open_incidents()
    assert incident.title == "Here is the customer export"
    assert incident.source["link"].startswith("https://teams.microsoft.com/l/message/")


async def test_help_and_unknown_words_get_the_help(teams: Teams) -> None:
    await teams.say("hello there")
    await teams.say("leak help")
    await teams.work()
    assert sum("leak [what happened]" in text for text in teams.replies_to(REPORTER)) == 2
    assert await teams.runtime.service.open_incidents() == []


async def test_a_rate_limited_post_waits_as_long_as_microsoft_says(teams: Teams) -> None:
    from sqlalchemy import select

    from app.models import WorkItem, WorkStatus, utcnow

    teams.fake.fail(r"/connector/v3/conversations/19", 429, retry_after=30)
    await teams.say("leak payroll file on a public share")
    await teams.work()
    async with teams.runtime.sessions() as session:
        (row,) = (
            await session.execute(select(WorkItem).where(WorkItem.kind == "teams.open_room"))
        ).scalars()
    assert row.status == WorkStatus.PENDING and "429" in (row.last_error or "")
    wait = (row.due_at.replace(tzinfo=utcnow().tzinfo) - utcnow()).total_seconds()
    assert 25 < wait <= 30
    await _expire_backoff(teams)
    await teams.work()
    assert (await teams.refs()).count("summary") == 1


async def test_a_repeat_report_reveals_nothing_and_the_room_lets_its_reporter_in(
    teams: Teams,
) -> None:
    await teams.say("leak customer list emailed to a supplier by mistake")
    await teams.work()
    await teams.say("leak customer list emailed to a supplier by mistake!", user=WITNESS)
    await teams.work()
    assert len(await teams.runtime.service.open_incidents()) == 1
    conversation = teams.activities.personal(WITNESS)
    (offer,) = [a for a in teams.fake.replies(conversation) if "similar report" in str(a.body)]
    assert "LEAK-" not in str(offer.body) and "supplier" not in str(offer.body)
    assert "storm_join" not in str(offer.body)
    incident_id = await teams.incident_id()
    refs = [r for r in await teams.refs() if r.startswith("admit:")]
    assert len(refs) == 1

    # Pressed outside the room (a personal chat), by the reporter or anyone: nothing happens.
    admit = dict(action_data(card_of((await teams.posted(refs[0])).body), "storm_admit"))
    for user in (WITNESS, RESPONDER):
        personal = teams.activities.personal(user)
        forged = await teams.send(teams.activities.execute("storm_admit", admit, user, personal))
        assert "could not find" in forged.json()["value"]
    kinds = [e.kind for e in await teams.runtime.service.timeline(incident_id)]
    assert kinds.count("reporter.joined") == 0

    response = await teams.press(refs[0], "storm_admit", user=RESPONDER)
    assert response.status_code == 200
    await teams.work()
    kinds = [e.kind for e in await teams.runtime.service.timeline(incident_id)]
    assert kinds.count("reporter.joined") == 1
    (channel,) = teams.fake.channels
    assert WITNESS.aad in channel["members"]
    assert any("was let in by" in a.body["summary"] for a in teams.fake.messages(teams.room()))


async def test_a_repeat_report_may_still_open_its_own_incident(teams: Teams) -> None:
    await teams.say("leak customer list emailed to a supplier by mistake")
    await teams.work()
    await teams.say("leak customer list emailed to a supplier by mistake", user=RESPONDER)
    await teams.work()
    conversation = teams.activities.personal(RESPONDER)
    separate = teams.card_with(conversation, "storm_separate")
    assert set(separate) == {"i", "s"}  # ids only
    snooper = teams.activities.personal(WITNESS)
    refused = await teams.send(
        teams.activities.execute("storm_separate", separate, WITNESS, snooper)
    )
    assert "LEAK-" not in refused.json()["value"]
    response = await teams.send(
        teams.activities.execute("storm_separate", separate, RESPONDER, conversation)
    )
    assert "LEAK-" in response.json()["value"]
    await teams.work()
    assert len(await teams.runtime.service.open_incidents()) == 2
    assert len(teams.fake.channels) == 2


async def test_a_pr_lead_group_in_azure_ad_may_approve_while_its_member_is_in_it(
    database_url: str, fake_teams: FakeTeams
) -> None:
    group = "7d1f0c2e-aaaa-4bbb-8ccc-0000000000aa"
    fake_teams.groups[WITNESS.aad] = {group}
    fake_teams.group_names[group] = "Corporate Communications"
    settings = teams_settings(database_url, fake_teams, pr_leads=[LEAD1.aad, group])
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        teams = Teams(
            fake_teams, Activities(fake_teams.service_url, TENANT, fake_teams.team), http, runtime
        )
        await teams.say("leak customer list emailed to a supplier by mistake")
        await teams.work()
        await drive_triage(teams)
        await teams.fill_in_blanks(LEAD1)  # the card period
        # The draft names the group as Azure AD does, never as "a member" nor by its id, and
        # does not @mention it (a card's mention names one user).
        draft = await teams.card("statement")
        approvers = json.dumps(draft, ensure_ascii=False)
        assert "Corporate Communications" in approvers and group not in approvers
        assert "a member" not in approvers
        mentioned = [e["mentioned"]["id"] for e in draft.get("msteams", {}).get("entities", [])]
        assert group not in mentioned
        fake_teams.groups[WITNESS.aad] = set()  # removed from the group: refused at once
        response = await teams.press("statement", "statement_approve", user=WITNESS)
        assert "Only PR leads" in response.json()["value"]
        fake_teams.groups[WITNESS.aad] = {group}
        response = await teams.press("statement", "statement_approve", user=WITNESS)
        assert response.json()["type"] == "application/vnd.microsoft.card.adaptive"
        assert WITNESS.name in str(response.json()["value"])
    await runtime.close()
