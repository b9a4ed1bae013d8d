"""Follow-up prompts through Teams: proactive cards in the room, posted once when due, settled
from the card for everyone; Slack's prompts keep going to Slack when both are on."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.main import create_app
from app.models import FollowupState, utcnow
from app.runtime import build_runtime
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.teams_activities import Activities
from tests.fakes.teams_services import FakeTeams
from tests.followups.test_slack_prompts import open_with_verdict, run_at
from tests.slack.conftest import Slack, fake_slack  # noqa: F401 - the fixture
from tests.teams.conftest import (
    LEAD1,
    LEAD2,
    RESPONDER,
    TENANT,
    Teams,
    action_data,
    card_of,
    teams_settings,
)
from tests.teams.test_flow import drive_triage


async def prompted(teams: Teams) -> list[str]:
    return [r for r in await teams.refs() if r.startswith("followup:")]


async def test_due_prompts_are_posted_once_and_settled_from_the_card(teams: Teams) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    await drive_triage(teams)
    incident_id = await teams.incident_id()
    rows = await teams.runtime.service.followups(incident_id)
    assert rows, "a verdict schedules follow-ups"
    first = min(rows, key=lambda r: r.due_at)
    later = first.due_at.replace(tzinfo=utcnow().tzinfo) + timedelta(seconds=1)
    await run_at(teams.runtime.queue, later)
    await run_at(teams.runtime.queue, later)  # a second pass posts nothing again
    refs = await prompted(teams)
    assert refs and len(refs) == len(set(refs))
    ref = f"followup:{first.id}"
    assert ref in refs

    posted = await teams.posted(ref)
    data = action_data(card_of(posted.body), "followup_done")
    room = teams.room()
    response = await teams.send(teams.activities.execute("followup_done", data, RESPONDER, room))
    assert RESPONDER.name in response.json()["value"]
    await teams.work()
    (row,) = [r for r in await teams.runtime.service.followups(incident_id) if r.id == first.id]
    assert row.state == FollowupState.DONE and row.done_by == RESPONDER.aad
    # Everyone sees it settled: the buttons are gone from the prompt's message.
    posted = await teams.posted(ref)
    assert posted.history and "followup_done" not in str(posted.body)

    again = await teams.send(teams.activities.execute("followup_done", data, RESPONDER, room))
    assert again.status_code == 200


async def test_a_prompt_snoozed_from_the_card_comes_back_later(teams: Teams) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    await drive_triage(teams)
    incident_id = await teams.incident_id()
    first = min(await teams.runtime.service.followups(incident_id), key=lambda r: r.due_at)
    due = first.due_at.replace(tzinfo=utcnow().tzinfo) + timedelta(seconds=1)
    await run_at(teams.runtime.queue, due)
    posted = await teams.posted(f"followup:{first.id}")
    room = teams.room()
    snooze = [
        a
        for a in card_of(posted.body)["actions"]
        if a.get("verb") == "followup_snooze" and a["data"]["h"] == 1
    ][0]["data"]
    response = await teams.send(
        teams.activities.execute("followup_snooze", snooze, RESPONDER, room)
    )
    assert "Snoozed" in response.json()["value"]
    await run_at(teams.runtime.queue, due + timedelta(hours=1, seconds=5))
    assert f"followup:{first.id}:1" in await prompted(teams)


async def test_with_slack_and_teams_on_each_platform_gets_its_own_prompts(
    database_url: str,
    fake_teams: FakeTeams,
    fake_slack: FakeSlack,  # noqa: F811 - the fixture's name
) -> None:
    settings = teams_settings(
        database_url,
        fake_teams,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        pr_leads=[LEAD1.aad, LEAD2.aad, "U0LEAD1", "U0LEAD2"],
        responders=[RESPONDER.aad, "U0RESP1"],
    )
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        teams = Teams(
            fake_teams, Activities(fake_teams.service_url, TENANT, fake_teams.team), http, runtime
        )
        slack = Slack(
            fake_slack,
            SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url),
            http,
            runtime,
        )
        await teams.say("leak Card data skimmed on the web shop")
        await teams.work()
        await drive_triage(teams)
        await open_with_verdict(slack, "Laptop with payroll stolen from a car")
        later = utcnow() + timedelta(days=40)
        await run_at(runtime.queue, later)

        assert await prompted(teams)
        slack_refs = [
            m["metadata"]["event_payload"].get("ref", "")
            for m in fake_slack.posts_with_metadata("leakdesk_message")
        ]
        assert any(r.startswith("followup:") for r in slack_refs)
        teams_ids = {r.removeprefix("followup:").split(":")[0] for r in await prompted(teams)}
        slack_ids = {
            r.removeprefix("followup:").split(":")[0]
            for r in slack_refs
            if r.startswith("followup:")
        }
        assert teams_ids and slack_ids and not teams_ids & slack_ids
    await runtime.close()


async def test_the_no_lead_prompt_names_the_command_as_teams_takes_it(teams: Teams) -> None:
    """Slack's `/leak role lead me` is `leak role lead me` in Teams (no slash commands there)."""
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    await drive_triage(teams)
    rows = await teams.runtime.service.followups(await teams.incident_id())
    (lead,) = [r for r in rows if r.key == "role:lead"]
    await run_at(
        teams.runtime.queue, lead.due_at.replace(tzinfo=utcnow().tzinfo) + timedelta(seconds=1)
    )
    body = str((await teams.posted(f"followup:{lead.id}")).body)
    assert "`leak role lead me`" in body and "/leak" not in body
