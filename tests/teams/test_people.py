"""People in Teams by name (app.teams.people): a card's `<@id>` and `<at>id</at>` become the
person's name with a mention entity that matches the card's text; someone Teams will not name is
a neutral word; the directory is bounded and asks Teams once."""

from __future__ import annotations

import json
from typing import Any

from app.i18n import t
from app.teams.elements import mentioning, message_card
from app.teams.people import People, Person, named, people_in
from app.work.queue import Retry

RILEY = "3f2a1b4c-0000-4a1a-9d1d-000000000007"
GONE = "3f2a1b4c-0000-4a1a-9d1d-000000000008"


def test_a_card_names_people_and_its_mention_entity_matches_the_text() -> None:
    card = mentioning(message_card(f"<at>{RILEY}</at> <at>{GONE}</at> — set by <@{RILEY}>"))
    assert people_in(card) == {RILEY, GONE}
    people = {RILEY: Person("Riley Responder", f"29:teams-{RILEY}"), GONE: None}
    shown = named(card, people, t("teams.someone", "en"))
    (line,) = [b["text"] for b in shown["body"]]
    assert line == "<at>Riley Responder</at> a member — set by Riley Responder"
    (entity,) = shown["msteams"]["entities"]
    assert entity == {
        "type": "mention",
        "text": "<at>Riley Responder</at>",
        "mentioned": {"id": f"29:teams-{RILEY}", "name": "Riley Responder"},
    }
    assert GONE not in json.dumps(shown)


def test_someone_unknown_is_the_neutral_word_in_both_languages() -> None:
    for lang, word in (("ja", "メンバー"), ("en", "a member")):
        assert t("teams.someone", lang) == word
        assert named({"summary": f"<@{GONE}> 担当"}, {}, word) == {"summary": f"{word} 担当"}


async def test_a_refused_look_up_is_asked_once_and_a_throttled_one_again() -> None:
    people, asked = People(), []

    async def refused(aad: str) -> dict[str, Any]:
        asked.append(aad)
        raise LookupError("404 MemberNotFoundInConversation")

    async def throttled(aad: str) -> dict[str, Any]:
        asked.append(aad)
        raise Retry("429")

    assert await people.find({RILEY}, throttled) == {RILEY: None}
    assert await people.find({RILEY}, refused) == {RILEY: None}
    assert await people.find({RILEY}, refused) == {RILEY: None}
    assert asked == [RILEY, RILEY]  # throttled: asked again; refused: not again
    people.learn_account({"aadObjectId": RILEY, "name": "Riley Responder", "id": "29:x"})
    assert await people.find({RILEY}, refused) == {RILEY: Person("Riley Responder", "29:x")}


def test_the_directory_is_bounded() -> None:
    people = People(limit=2)
    for n in range(3):
        people.learn(f"3f2a1b4c-0000-4a1a-9d1d-00000000000{n}", f"P{n}", f"29:{n}")
    assert people.known("3f2a1b4c-0000-4a1a-9d1d-000000000000") is None
    assert people.known("3f2a1b4c-0000-4a1a-9d1d-000000000002") == Person("P2", "29:2")


async def test_the_word_for_someone_unknown_follows_the_message_not_the_install() -> None:
    """A Japanese drill on an English install: its messages carry `locale` ja-JP (Bot
    Framework's field for the language of their text), and someone Teams will not name is
    メンバー in them, "a member" in the English ones."""
    from app.teams.effects import message
    from app.teams.graph import Microsoft
    from tests.conftest import make_settings

    microsoft = Microsoft(make_settings("sqlite+aiosqlite:///:memory:", language="en"))
    try:
        for lang, word in (("ja", "メンバー"), ("en", "a member")):
            activity = message(message_card(f"<@{GONE}> 担当"), f"<@{GONE}> 担当", lang)
            assert activity["locale"] == {"ja": "ja-JP", "en": "en-US"}[lang]
            shown = await microsoft.named(
                "https://smba.example", "19:room", activity, look_up=False
            )
            assert shown["summary"] == f"{word} 担当" and GONE not in json.dumps(shown)
    finally:
        await microsoft.close()
