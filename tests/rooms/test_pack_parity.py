"""The communications pack on both platforms: the same pieces beside the notice in the verdict's
thread, approved by the same rules through each platform's buttons, every Teams card valid and
within Teams' message size limit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.rooms.test_parity import ANSWERS, TITLE, room_events
from tests.slack.conftest import BLANK, Slack, fake_slack, slack  # noqa: F401 - fixtures
from tests.teams.conftest import (  # noqa: F401 - fixtures
    LEAD1,
    RESPONDER,
    Teams,
    action_data,
    card_of,
    fake_teams,
    teams,
)
from tests.teams.test_cards import needs_node, sent_cards, validate

FIRST = ANSWERS[:-1]  # SEV3, a misdirected e-mail: the pack is the letter to the people


async def slack_pack(slack: Slack) -> int:  # noqa: F811 - the fixture's name
    await slack.command(TITLE)
    await slack.work()
    for field, value in FIRST:
        await slack.answer(field, str(value) if isinstance(value, int) else value)
        await slack.work()
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    return slack.room_incident_id()


async def teams_pack(teams: Teams) -> int:  # noqa: F811 - the fixture's name
    await teams.say(f"leak {TITLE}")
    await teams.work()
    for field, value in FIRST:
        await teams.answer(field, value)
        await teams.work()
    await teams.press("statement", "statement_approve", user=LEAD1)
    await teams.work()
    return await teams.incident_id()


def piece_data(card: dict[str, Any], verb: str, kind: str) -> dict[str, Any]:
    """The data of `verb` for the piece `kind` on the pack's card."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute" and node.get("verb") == verb:
                found.append(node.get("data") or {})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return next(d for d in found if d.get("k") == kind)


async def press_piece(
    teams: Teams,  # noqa: F811 - the fixture's name
    verb: str,
    kind: str,
    user: Any,
    inputs: dict[str, Any] | None = None,
) -> Any:
    posted = await teams.posted("pack")
    data = {**piece_data(card_of(posted.body), verb, kind), **(inputs or {})}
    response = await teams.send(teams.activities.execute(verb, data, user, posted.conversation))
    await teams.work()
    return response


async def test_slack_and_teams_show_the_same_pack_beside_the_notice(
    slack: Slack,  # noqa: F811 - the fixture's name
    teams: Teams,  # noqa: F811 - the fixture's name
) -> None:
    slack_id, teams_id = await slack_pack(slack), await teams_pack(teams)
    from_slack = await room_events(slack.runtime.service, slack_id)
    from_teams = await room_events(teams.runtime.service, teams_id)
    assert "pack" in from_slack and from_teams == from_slack
    for service, incident_id in (
        (slack.runtime.service, slack_id),
        (teams.runtime.service, teams_id),
    ):
        pieces = await service.pack(incident_id)
        assert [(p.kind, p.series, p.version) for p in pieces] == [("letter", 1, 1)]
    card = json.dumps(await teams.card("pack"), ensure_ascii=False)
    assert "Letter to the people concerned" in card and "approvals 0/1" in card


async def test_a_letter_is_refused_to_a_responder_and_approved_by_a_lead_in_teams(
    teams: Teams,  # noqa: F811 - the fixture's name
) -> None:
    incident_id = await teams_pack(teams)
    refused = await press_piece(teams, "statement_approve", "letter", RESPONDER)
    assert "Only PR leads can approve or edit" in refused.text
    blanks = await press_piece(teams, "statement_approve", "letter", LEAD1)
    assert "blanks to fill in" in blanks.text
    letter = (await teams.runtime.service.pack(incident_id))[0]
    filled = BLANK.sub("Sample Co., Ltd.", letter.texts["en"])
    edited = await press_piece(teams, "statement_edit", "letter", LEAD1, {"letter_text_en": filled})
    assert edited.status_code == 200
    letter = (await teams.runtime.service.pack(incident_id))[0]
    assert (letter.version, letter.texts["en"]) == (2, filled)
    # The Japanese text is edited on the card switched to Japanese (its own form).
    japanese = await in_japanese(teams)
    data = piece_data(japanese, "statement_edit", "letter")
    ja = BLANK.sub("株式会社サンプル", letter.texts["ja"])
    posted = await teams.posted("pack")
    await teams.send(
        teams.activities.execute(
            "statement_edit", {**data, "letter_text_ja": ja}, LEAD1, posted.conversation
        )
    )
    await teams.work()
    letter = (await teams.runtime.service.pack(incident_id))[0]
    assert (letter.version, letter.texts["ja"], letter.texts["en"]) == (3, ja, filled)
    await press_piece(teams, "statement_approve", "letter", LEAD1)
    letter = (await teams.runtime.service.pack(incident_id))[0]
    assert letter.status == "approved"
    assert "pack approved 1/1" in json.dumps(await teams.card("verdict:1"))


async def in_japanese(teams: Teams) -> dict[str, Any]:  # noqa: F811 - the fixture's name
    """The pack's card as it reads after its 'show the Japanese text' action."""
    posted = await teams.posted("pack")
    data = action_data(card_of(posted.body), "pack_language")
    response = await teams.send(
        teams.activities.execute("pack_language", data, RESPONDER, posted.conversation)
    )
    return response.json()["value"]


@needs_node
async def test_every_pack_card_is_valid_and_within_the_message_limit(
    teams: Teams,  # noqa: F811 - the fixture's name
    tmp_path: Path,
) -> None:
    await teams_pack(teams)
    japanese = await in_japanese(teams)
    assert "ご本人への通知文" in json.dumps(japanese, ensure_ascii=False)
    cards = [c for c in sent_cards(teams) if "pack_language" in json.dumps(c["card"])]
    cards.append({"name": "pack in Japanese", "card": japanese})
    assert validate(cards, tmp_path)["problems"] == []
    for card in cards:  # Teams' limit is 100 KB as UTF-16; the bot keeps well inside it
        assert len(json.dumps(card["card"], ensure_ascii=False).encode("utf-16-le")) < 80_000
