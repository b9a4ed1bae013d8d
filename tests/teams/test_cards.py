"""Every card the bot sends parses and validates in Microsoft's `adaptivecards` package."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.teams.conftest import LEAD1, RESPONDER, Teams
from tests.teams.test_flow import drive_triage

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(__file__).with_name("validate_cards.js")

needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "adaptivecards").is_dir(),
    reason="Node or node_modules/adaptivecards is missing: run `npm ci` at the repository root",
)


def validate(cards: list[dict[str, Any]], tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "cards.json"
    path.write_text(json.dumps(cards, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(VALIDATOR), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def sent_cards(teams: Teams) -> list[dict[str, Any]]:
    """Every card in every message the bot posted or updated, in every version."""
    cards = []
    for activity in teams.fake.activities:
        for n, body in enumerate([*activity.history, activity.body]):
            for attachment in body.get("attachments", []):
                cards.append({"name": f"{activity.id}#{n}", "card": attachment["content"]})
    return cards


@needs_node
async def test_every_card_of_a_whole_incident_is_valid(teams: Teams, tmp_path: Path) -> None:
    await teams.say("leak Card data skimmed on the web shop")
    await teams.work()
    responses = []
    await drive_triage(teams)
    responses.append(await teams.answer("access", "confirmed"))
    await teams.work()
    responses.append(
        await teams.press(
            "statement", "statement_request_changes", user=LEAD1, inputs={"comment": "shorter"}
        )
    )
    responses.append(await teams.press("statement", "statement_approve", user=RESPONDER))
    responses.append(await teams.press("statement", "statement_approve", user=LEAD1))
    room = teams.room()
    await teams.say("leak status", user=RESPONDER, conversation=room)
    await teams.say("leak close done", user=RESPONDER, conversation=room)
    await teams.work()
    confirm = teams.card_with(room, "close_confirm")
    await teams.send(teams.activities.execute("close_confirm", confirm, RESPONDER, room))
    await teams.work()

    cards = sent_cards(teams)
    cards += [
        {"name": f"invoke response {n}", "card": r.json()["value"]}
        for n, r in enumerate(responses)
        if r.json().get("type") == "application/vnd.microsoft.card.adaptive"
    ]
    assert len(cards) > 15
    result = validate(cards, tmp_path)
    assert result["problems"] == []
    assert result["checked"] == len(cards)


@needs_node
def test_the_validator_catches_a_broken_card(tmp_path: Path) -> None:
    broken = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "Input.Text"}, {"type": "NoSuchElement"}],
    }
    result = validate([{"name": "broken", "card": broken}], tmp_path)
    assert {p["phase"] for p in result["problems"]} == {"parse", "validate"}
