"""Two replicas on one database: a message one replica is still posting, the other waits for
before editing it; a message another replica may have changed, a replica does not take for what
it last showed there; an edit of an older state that lands after a newer one is followed by the
state as it is now. In each case, the room does not stay on an older state."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.fakes.slack_api import FakeSlack
from tests.followups.test_slack_prompts import open_with_verdict
from tests.slack.conftest import Slack, driven
from tests.slack.test_standing import blocks_text, say


def _triage_card(params: dict[str, Any]) -> bool:
    return (params.get("metadata") or {}).get("event_payload", {}).get("ref") == "triage"


def _card_shown(slack: Slack) -> bool:
    rooms = [c for c in slack.fake.channels if c["name"].startswith("leak-")]
    return bool(rooms) and "triage" in slack.refs(rooms[-1]["id"])


async def _until_moved(slack: Slack, asked: str | None, within: float = 10.0) -> str | None:
    """Runs what is due on `slack` until the triage card asks something else (a row that waits
    on another is put off for a second)."""
    deadline = asyncio.get_running_loop().time() + within
    while slack.current_question() == asked and asyncio.get_running_loop().time() < deadline:
        await slack.work()
        await asyncio.sleep(0.1)
    return slack.current_question()


async def test_an_answer_to_a_card_whose_post_is_not_saved_yet_still_moves_the_card_on(
    database_url: str, fake_slack: FakeSlack
) -> None:
    # Replica one posts the room's triage card: Slack shows it, but the reply is still on its
    # way (a slow network, a busy replica), so where the card is is not saved yet. The first
    # question is answered through replica two. Its row used to find nothing to edit and end,
    # and the card kept asking the question just answered.
    reply = fake_slack.hold("chat.postMessage", when=_triage_card)
    async with driven(database_url, fake_slack) as one, driven(database_url, fake_slack) as two:
        await one.command("Payroll spreadsheet e-mailed outside the company")
        opening = asyncio.create_task(one.work())
        await fake_slack.wait_for_async(lambda: _card_shown(one))
        first = one.current_question()
        assert first == "discovered_at"
        await two.answer(first, "reported")
        await two.work()
        assert one.current_question() == first  # the card is not theirs to edit yet
        reply.set()
        await opening
        asked = await _until_moved(two, first)
        assert asked not in (first, None)
        incident_id = one.room_incident_id()
        snap = await one.runtime.service.snapshot(incident_id)
        assert list(snap.answers) == ["discovered_at"]
        assert not fake_slack.block_kit_refusals


async def test_a_message_shown_again_as_it_was_is_edited_when_another_replica_changed_it(
    database_url: str, fake_slack: FakeSlack
) -> None:
    # Each process skips an edit that would show what it last showed there; but another
    # replica may have edited the message since. The lead's role goes to A (replica one),
    # then to B (replica two), then back to A (replica one again): the summary must say A.
    async with driven(database_url, fake_slack) as one, driven(database_url, fake_slack) as two:
        await open_with_verdict(one)
        await say(one, "role lead <@U0LEAD8|a>")
        await say(two, "role lead <@U0LEAD9|b>")
        assert "*Roles:* Incident lead <@U0LEAD9>" in blocks_text(one.message_with_ref("summary"))
        await say(one, "role lead <@U0LEAD8|a>")
        assert "*Roles:* Incident lead <@U0LEAD8>" in blocks_text(one.message_with_ref("summary"))


async def test_an_older_edit_that_lands_after_a_newer_one_is_shown_again(
    database_url: str, fake_slack: FakeSlack
) -> None:
    # The lead's role goes to A through replica one, whose edit of the summary is slow to reach
    # Slack; meanwhile the role goes to B through replica two, whose edit lands first. Then
    # replica one's older edit lands: the summary says A, though B holds the role. Replica one
    # learns that a newer state was shown meanwhile and shows the summary again.
    async with driven(database_url, fake_slack) as one, driven(database_url, fake_slack) as two:
        await open_with_verdict(one)
        summary = one.message_with_ref("summary")["ts"]

        def summary_edits() -> list[Any]:
            return [c for c in fake_slack.calls_to("chat.update") if c.params["ts"] == summary]

        before = len(summary_edits())
        arrive = fake_slack.delay("chat.update", when=lambda params: params.get("ts") == summary)
        response = await one.command("role lead <@U0LEAD8|a>", channel=one.room()["id"])
        assert response.status_code == 200, response.text
        older = asyncio.create_task(one.work())
        await fake_slack.wait_for_async(lambda: len(summary_edits()) > before)
        await say(two, "role lead <@U0LEAD9|b>")
        assert "*Roles:* Incident lead <@U0LEAD9>" in blocks_text(one.message_with_ref("summary"))
        arrive.set()
        await older
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline:
            if "<@U0LEAD9>" in blocks_text(one.message_with_ref("summary")):
                break
            await one.work()
            await asyncio.sleep(0.1)
        assert "*Roles:* Incident lead <@U0LEAD9>" in blocks_text(one.message_with_ref("summary"))
