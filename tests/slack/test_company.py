"""Company facts as workspace settings (issue 25, item 3): an admin sets them once with
`/leak settings`; every new incident takes them as answers from the settings (on the timeline),
the triage card does not ask them, the summary shows them, and the room can still change them
for an unusual incident."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.incidents.company import FROM_SETTINGS
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, driven
from tests.slack.room_walk import CARD_SEV1

COMPANY = ("role", "listed_company", "public_body")


async def settings(slack: Slack, text: str, user: str = "U0LEAD1") -> str:
    response = await slack.command(f"settings {text}".strip(), user=user)
    assert response.status_code == 200
    return str(response.json()["text"])


async def walk_triage(slack: Slack, title: str) -> list[str]:
    """/leak, then every question the card asks answered: the fields it asked."""
    await slack.command(title)
    await slack.work()
    asked = []
    while (field := slack.current_question()) is not None:
        asked.append(field)
        await slack.answer(field, CARD_SEV1[field])
        await slack.work()
    return asked


async def test_an_admin_sets_the_company_facts_once_and_triage_skips_them(slack: Slack) -> None:
    refused = await settings(slack, "role processor", user="U0RESP1")
    assert "Only an admin" in refused
    assert "asked in each incident" in await settings(slack, "")
    await settings(slack, "role processor")
    await settings(slack, "listed no")
    shown = await settings(slack, "public_body no")
    assert "Processor" in shown and "Listed company: No" in shown

    asked = await walk_triage(slack, "Card data skimmed at a client's web shop we run")
    assert not set(COMPANY) & set(asked)
    assert "discovered_at" in asked and "data_categories" in asked

    service = slack.runtime.service
    snap = await service.snapshot(slack.room_incident_id())
    assert {f: snap.answers[f].actor for f in COMPANY} == dict.fromkeys(COMPANY, FROM_SETTINGS)
    timeline = await service.timeline(snap.incident.id)
    taken = [e for e in timeline if e.kind == "answers.from_settings"]
    assert taken and taken[0].data["facts"]["role"] == "processor"
    assert snap.verdict is not None
    assert snap.verdict.data["actions"]["announcement"] == "via_principals"
    summary = str(slack.message_with_ref("summary")["blocks"])
    assert "Company settings:" in summary and "Processor" in summary

    # An unusual incident: this time we are the controller. The room changes it; the summary
    # no longer calls it a setting.
    await slack.answer("role", "controller")
    await slack.work()
    snap = await service.snapshot(snap.incident.id)
    assert snap.answers["role"].actor == "U0RESP1"
    assert snap.verdict is not None and snap.verdict.data["actions"]["announcement"] != (
        "via_principals"
    )
    summary = str(slack.message_with_ref("summary")["blocks"])
    assert "Company settings:" in summary and "Processor" not in summary


async def test_unknown_unsets_a_fact_and_the_triage_asks_it_again(slack: Slack) -> None:
    await settings(slack, "listed no")
    assert "Listed company: asked in each incident" in await settings(slack, "listed unknown")
    assert "Usage" in await settings(slack, "listed perhaps")
    assert "Usage" in await settings(slack, "colour blue")


@pytest.fixture
async def slack_env(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    """A deployment that set the company facts in its environment (LEAKDESK_COMPANY_*)."""
    async with driven(
        database_url, fake_slack, company_role="controller", company_listed=True
    ) as slack:
        yield slack


async def test_the_environment_gives_the_defaults(slack_env: Slack) -> None:
    slack = slack_env
    asked = await walk_triage(slack, "Customer list sent to the wrong address")
    assert "role" not in asked and "listed_company" not in asked
    snap = await slack.runtime.service.snapshot(slack.room_incident_id())
    assert snap.answers["listed_company"].value is True
    assert snap.answers["listed_company"].actor == FROM_SETTINGS
