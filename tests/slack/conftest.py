"""A Slack harness: the real bolt app behind FastAPI, signed requests in, the fake Web API out."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.main import create_app
from app.runtime import Runtime, build_runtime
from app.settings import Settings
from app.triage import REPORTED, question
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, make_settings
from tests.fakes import block_kit, slack_types
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests, find_element


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


# What a PR lead types over the placeholders only people can fill in (a card leak's period).
FILLED = {"ja": "2026年8月3日～2026年11月20日", "en": "3 August 2026 to 20 November 2026"}
BLANK = re.compile(r"【要記入：[^】]*】|\[TO FILL IN: [^\]]*\]")


@dataclass
class Slack:
    """Drives leakdesk as Slack and its users would."""

    fake: FakeSlack
    requests: SlackRequests
    http: httpx.AsyncClient
    runtime: Runtime

    async def send(self, signed: tuple[bytes, dict[str, str]]) -> httpx.Response:
        body, headers = signed
        response = await self.http.post("/slack/events", content=body, headers=headers)
        check_ack(response)
        return response

    async def command(
        self, text: str, *, user: str = "U0REPORTER", channel: str = "C0GENERAL"
    ) -> httpx.Response:
        return await self.send(self.requests.slash(text, user_id=user, channel_id=channel))

    async def close(self, resolution: str, *, user: str = "U0RESP1") -> httpx.Response:
        """`/leak close` in the room, then Close pressed with the confirmation's input as shown
        (Slack sends a message's input state with the press)."""
        room = self.room()["id"]
        response = await self.command(f"close {resolution}", channel=room, user=user)
        await self.work()  # what the request set off (the after-action review's offer) runs first
        blocks = response.json()["blocks"]
        (field,) = [b for b in blocks if b["type"] == "input"]
        typed = {"type": "plain_text_input", "value": field["element"].get("initial_value")}
        (actions,) = [b for b in blocks if b["type"] == "actions"]
        return await self.send(
            self.requests.block_actions(
                "close_confirm",
                actions["elements"][0]["value"],
                user_id=user,
                channel_id=room,
                state={"values": {field["block_id"]: {field["element"]["action_id"]: typed}}},
            )
        )

    async def work(self) -> int:
        """Lets the worker do everything that is due (what `leakdesk serve` does in the
        background). With the worker here, what the requests set off is already running:
        it is waited for, and nothing is claimed that the server would not claim."""
        queue = self.runtime.queue
        if queue.poking:
            return await queue.settle()
        return await queue.drain()

    def room(self) -> dict[str, Any]:
        rooms = [c for c in self.fake.channels if c["name"].startswith(("leak-", "drill-"))]
        assert rooms, "no incident room was created"
        return rooms[-1]

    def room_incident_id(self) -> int:
        """The incident behind the newest room (read from its pinned summary's metadata)."""
        summary = self.message_with_ref("summary")
        return int(summary["metadata"]["event_payload"]["incident"])

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        return self.fake.messages(channel or self.room()["id"])

    def message_with_ref(self, ref: str, channel: str | None = None) -> dict[str, Any]:
        for message in reversed(self.messages(channel)):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("ref") == ref:
                return message
        raise AssertionError(f"no message for {ref}; refs: {self.refs(channel)}")

    def refs(self, channel: str | None = None) -> list[str]:
        return [
            ((m.get("metadata") or {}).get("event_payload") or {}).get("ref")
            for m in self.messages(channel)
        ]

    async def fill_in_blanks(self, user: str = "U0LEAD1") -> None:
        """A PR lead fills in the draft's placeholders in the edit modal (a new version)."""
        statement = await self.runtime.service.latest_statement(self.room_incident_id())
        assert statement is not None
        await self.press("statement", "statement_edit", user=user)
        view = [v for v in self.fake.views if v.get("callback_id") == "statement_edit"][-1]
        values = {f"text_{lang}": BLANK.sub(FILLED[lang], statement.texts[lang]) for lang in FILLED}
        await self.send(self.requests.submit(view, values, user_id=user))
        await self.work()

    async def press(
        self, ref: str, action_id: str, *, user: str = "U0RESP1", value: Any = None
    ) -> httpx.Response:
        message = self.message_with_ref(ref)
        return await self.send(self.requests.press(message, action_id, user_id=user, value=value))

    def current_question(self) -> str | None:
        """The question the triage card asks now (None once none is left)."""
        for block in self.message_with_ref("triage")["blocks"]:
            parts = str(block.get("block_id", "")).split(":")
            if len(parts) >= 3 and parts[0] == "q":
                return parts[2]
        return None

    async def question_to_change(self, field: str, user: str) -> dict[str, Any]:
        """The question of an earlier answer, as Slack shows it to `user` after "Change"."""
        triage = self.message_with_ref("triage")
        await self.press("verdict:1", "list_answers", user=user)
        await self.work()
        listing = [
            e for e in self.fake.ephemerals(user=user) if "ask_again" in str(e.get("blocks"))
        ][-1]
        change = next(
            b for b in listing["blocks"] if f'"f":"{field}"' in str(b.get("accessory", {}))
        )
        signed = self.requests.block_actions(
            "ask_again",
            change["accessory"]["value"],
            user_id=user,
            channel_id=self.room()["id"],
            block_id=change["block_id"],
        )
        assert (await self.send(signed)).status_code == 200
        await self.work()
        question = [e for e in self.fake.ephemerals(user=user) if "'q:" in str(e.get("blocks"))]
        assert question, f"no question to change {field}"
        return {**question[-1], "channel": triage.get("channel") or self.room()["id"]}

    async def answer(self, field: str, value: Any, *, user: str = "U0RESP1") -> None:
        """Answers a question the way a person does: on the triage card, which must show it, or
        (an answer given before) through "Change answers" → "Change" → the question."""
        if self.current_question() == field:
            message = self.message_with_ref("triage")
        else:
            message = await self.question_to_change(field, user)
        kind = question(field).kind
        if value is None:  # the question's "Unknown" (or its own "unknown" choice)
            await self._press_unknown(message, field, user)
            return
        if kind in ("datetime", "period") and value != REPORTED:
            await self.pick(message, field, value, user=user)
            return
        action_id = f"answer:{field}"
        buttons = [
            (block, element)
            for block in message["blocks"]
            for element in block.get("elements", [])
            if element.get("type") == "button"
            and element.get("action_id", "").startswith(f"{action_id}:")
        ]
        if not buttons:
            signed = self.requests.press(message, action_id, user_id=user, value=value)
        else:  # one button per choice, each its own action_id: press the one with this value
            wanted = f'"v":{json.dumps(value)}'
            found = [(b, e) for b, e in buttons if wanted in e["value"]]
            assert found, f"no button for {value!r} in question {field}"
            block, button = found[0]
            signed = self.requests.block_actions(
                button["action_id"],
                button["value"],
                user_id=user,
                channel_id=self.room()["id"],
                message_ts=message["ts"],
                block_id=block["block_id"],
                message=message,
            )
        response = await self.send(signed)
        assert response.status_code == 200, response.text

    async def _press_unknown(self, message: dict[str, Any], field: str, user: str) -> None:
        found = [
            (block, element)
            for block in message["blocks"]
            for element in block.get("elements", [])
            if element.get("action_id") == "answer_unknown"
            or (element.get("type") == "button" and '"v":"unknown"' in element.get("value", ""))
        ]
        assert found, f"no 'unknown' in question {field}"
        block, button = found[0]
        signed = self.requests.block_actions(
            button["action_id"],
            button["value"],
            user_id=user,
            channel_id=message.get("channel") or self.room()["id"],
            message_ts=message["ts"],
            block_id=block["block_id"],
            message=message,
        )
        response = await self.send(signed)
        assert response.status_code == 200, response.text

    async def pick(
        self, message: dict[str, Any], field: str, value: Any, *, user: str = "U0RESP1"
    ) -> None:
        """Picks in date and time pickers as a person does, one widget at a time; Slack sends the
        message's whole state (block_actions `state`) with each pick. `value`: an aware datetime
        (awareness: a date, then a time, in the configured zone) or a period's {"from", "to"}."""
        if isinstance(value, datetime):
            local = value.astimezone(ZoneInfo(self.runtime.settings.timezone))
            picks = [
                (f"answer_date:{field}", "datepicker", {"selected_date": f"{local:%Y-%m-%d}"}),
                (f"answer_time:{field}", "timepicker", {"selected_time": f"{local:%H:%M}"}),
            ]
        else:
            picks = [
                (f"answer_{end}:{field}", "datepicker", {"selected_date": value[end]})
                for end in ("from", "to")
                if value.get(end)
            ]
        state: dict[str, Any] = {}
        for action_id, kind, picked in picks:
            block_id, _ = find_element(message["blocks"], action_id)
            state[action_id] = {"type": kind, **picked}
            signed = self.requests.block_actions(
                action_id,
                user_id=user,
                channel_id=message.get("channel") or self.room()["id"],
                message=message,
                block_id=block_id,
                action_type=kind,
                state={"values": {block_id: dict(state)}},
            )
            response = await self.send(signed)
            assert response.status_code == 200, response.text


def check_ack(response: httpx.Response) -> None:
    """Blocks and views in an acknowledgement reach Slack too: the same rules apply to them."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return
    body = response.json()
    if not isinstance(body, dict):
        return
    errors = []
    if isinstance(body.get("blocks"), list):
        slack_types.collect("blocks", body["blocks"])
        errors += block_kit.message_errors(body["blocks"])
    view = body.get("view")
    if body.get("response_action") in ("update", "push") and isinstance(view, dict):
        slack_types.collect(str(view.get("type")), view)
        errors += block_kit.view_errors(view, "modal")
    assert not errors, f"Slack would refuse this acknowledgement: {errors}"


def slack_settings(database_url: str, fake: FakeSlack, **overrides: Any) -> Settings:
    return make_settings(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        **{"language": "en", **overrides},
    )


@contextlib.asynccontextmanager
async def driven(
    database_url: str, fake: FakeSlack, *, worker_here: bool = False, **overrides: Any
) -> AsyncIterator[Slack]:
    """leakdesk with these settings behind FastAPI, driven as Slack and its users would. The
    worker runs when the test says (`slack.work()`); `worker_here`: also as the server's does,
    each request's rows starting as it commits (app.work.at_once), its tick not started."""
    settings = slack_settings(database_url, fake, **overrides)
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    runtime.queue.poking = worker_here
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        yield Slack(
            fake,
            SlackRequests(SIGNING_SECRET, response_url=fake.response_url),
            http,
            runtime,
        )
    await runtime.close()


@pytest.fixture
async def slack(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    async with driven(database_url, fake_slack) as driver:
        yield driver


@pytest.fixture
async def slack_ja(database_url: str, fake_slack: FakeSlack) -> AsyncIterator[Slack]:
    """The room in Japanese, as its people read it."""
    async with driven(database_url, fake_slack, language="ja") as slack:
        yield slack
