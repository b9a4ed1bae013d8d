"""`/leak close` with a long resolution: confirmed with the text in an input, never a button."""

from __future__ import annotations

import json

from tests.slack.conftest import Slack

RESOLUTION = (
    "誤送信先から削除完了の連絡を受領し、再発防止策として送信前の二重確認を導入しました。" * 40
)


async def test_a_long_resolution_is_confirmed_and_recorded_not_a_500(slack: Slack) -> None:
    await slack.command("customer list sent to the wrong supplier")
    await slack.work()
    room = slack.room()["id"]
    response = await slack.command(f"close {RESOLUTION}", user="U0RESP1", channel=room)
    assert response.status_code == 200, response.text
    blocks = response.json()["blocks"]
    for block in blocks:
        for element in block.get("elements", []):
            assert set(json.loads(element.get("value") or "{}")) <= {"i"}  # ids only
    (field,) = [b for b in blocks if b["type"] == "input"]
    typed = field["element"]["initial_value"]
    assert typed == RESOLUTION[:3000]
    confirm = next(b for b in blocks if b["type"] == "actions")["elements"][0]
    state = {"values": {"resolution": {"resolution": {"type": "plain_text_input", "value": typed}}}}
    pressed = await slack.send(
        slack.requests.block_actions(
            "close_confirm", confirm["value"], user_id="U0RESP1", channel_id=room, state=state
        )
    )
    assert pressed.status_code == 200
    incident = await slack.runtime.service.get(slack.room_incident_id())
    assert incident.status == "closed"
    assert incident.resolution == RESOLUTION[:3000]
