"""App Home's counterpart in Teams: `leak mine` lists the open incidents whose room you are in."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.teams_activities import User
from tests.teams.conftest import GENERAL, REPORTER, RESPONDER, Teams, card_of
from tests.teams.test_cards import needs_node, sent_cards, validate

OUTSIDER = User("0e3c6a4e-9999-4a1a-9d1d-000000000009", "Oki Outsider")


def latest_card(teams: Teams, user: User) -> str:
    (last, *_) = reversed(teams.fake.replies(teams.activities.personal(user)))
    return str(card_of(last.body))


async def test_leak_mine_lists_the_open_incidents_whose_room_you_are_in(teams: Teams) -> None:
    await teams.say("leak laptop stolen from a car")
    await teams.work()
    await teams.say("leak mine", user=RESPONDER)
    await teams.say("leak mine", user=OUTSIDER)
    await teams.work()
    mine = latest_card(teams, RESPONDER)
    assert "Open incidents" in mine and "laptop stolen" in mine
    assert teams.fake.channels[0]["displayName"] in mine
    theirs = latest_card(teams, OUTSIDER)
    assert "laptop stolen" not in theirs and "No open incidents" in theirs


async def test_a_room_left_is_no_longer_listed(teams: Teams) -> None:
    await teams.say("leak invoices mailed to the wrong customer")
    await teams.work()
    teams.fake.channels[0]["members"].remove(RESPONDER.aad)
    await teams.say("leak mine", user=RESPONDER)
    await teams.work()
    assert "invoices" not in latest_card(teams, RESPONDER)


async def test_leak_mine_in_a_channel_lists_nothing_there(teams: Teams) -> None:
    await teams.say("leak laptop stolen from a car", user=REPORTER)
    await teams.work()
    await teams.say("leak mine", user=RESPONDER, conversation=f"{GENERAL};messageid=1")
    await teams.work()
    said = str([a.body for a in teams.fake.replies(f"{GENERAL};messageid=1")])
    assert "laptop stolen" not in said and "personal chat" in said


@needs_node
async def test_the_card_is_a_valid_adaptive_card(teams: Teams, tmp_path: Path) -> None:
    await teams.say("leak laptop stolen from a car")
    await teams.work()
    await teams.say("leak mine", user=RESPONDER)
    await teams.say("leak mine", user=OUTSIDER)
    await teams.work()
    cards = [c for c in sent_cards(teams) if "Open incidents" in str(c["card"])]
    assert len(cards) == 2
    assert validate(cards, tmp_path)["problems"] == []
