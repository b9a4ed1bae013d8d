"""The fake Slack refuses Block Kit that breaks a documented rule, as Slack does, and accepts the
limits themselves (each rule's source: tests/fakes/block_kit.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakes import slack_types
from tests.fakes.block_kit import RULES
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import new_trigger_id


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def button(action_id: str = "a", text: str = "OK", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": action_id, **extra}


def option(value: str, text: str = "x") -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def actions(*elements: dict[str, Any], block_id: str = "b") -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def select(options: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": options, **extra}


def section(text: str = "x", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def confirm(**lengths: int) -> dict[str, Any]:
    sizes = {"title": 100, "text": 300, "confirm": 30, "deny": 30, **lengths}
    return {key: plain("x" * size) for key, size in sizes.items()}


# (what breaks the rule, the json-pointer Slack names, the rule)
REFUSED = [
    ([section()] * 51, "/blocks", "message.blocks"),
    ([actions(button("same"), button("same"))], "/blocks/0/elements/1/action_id", "actions"),
    ([section(block_id="x"), section(block_id="x")], "/blocks/1/block_id", "block.block_id"),
    ([section(block_id="x" * 256)], "/blocks/0/block_id", "block.block_id"),
    ([{"type": "carousel"}], "/blocks/0/type", "block.type"),
    ([section("x" * 3001)], "/blocks/0/text/text", "section"),
    ([{"type": "section"}], "/blocks/0", "section"),
    ([{"type": "section", "fields": [mrkdwn("x")] * 11}], "/blocks/0/fields", "section"),
    ([{"type": "section", "fields": [mrkdwn("x" * 2001)]}], "/blocks/0/fields/0/text", "section"),
    ([{"type": "header", "text": plain("x" * 151)}], "/blocks/0/text/text", "header"),
    ([{"type": "header", "text": mrkdwn("x")}], "/blocks/0/text/type", "header"),
    ([section("")], "/blocks/0/text/text", "text.object"),
    ([{"type": "section", "text": {**mrkdwn("x"), "emoji": True}}], "/blocks/0/text/emoji", "text.object"),
    ([{"type": "context", "elements": [mrkdwn("x")] * 11}], "/blocks/0/elements", "context"),
    ([{"type": "context", "elements": []}], "/blocks/0", "context"),
    ([actions(*[button(str(i)) for i in range(26)])], "/blocks/0/elements", "actions"),
    ([actions()], "/blocks/0", "actions"),
    ([actions(button(text="x" * 76))], "/blocks/0/elements/0/text/text", "button"),
    ([actions(button(value="x" * 2001))], "/blocks/0/elements/0/value", "button"),
    ([actions(button(url="https://" + "x" * 3000))], "/blocks/0/elements/0/url", "button"),
    ([actions(button(style="green"))], "/blocks/0/elements/0/style", "button"),
    ([actions(button("a" * 256))], "/blocks/0/elements/0/action_id", "element.action_id"),
    ([actions(button(confirm=confirm(title=101)))], "/blocks/0/elements/0/confirm/title/text", "confirm"),
    ([actions(button(confirm=confirm(deny=31)))], "/blocks/0/elements/0/confirm/deny/text", "confirm"),
    ([actions(select([option(str(i)) for i in range(101)]))], "/blocks/0/elements/0/options", "select"),
    ([actions(select([option("v", "x" * 76)]))], "/blocks/0/elements/0/options/0/text/text", "option"),
    ([actions(select([option("v" * 151)]))], "/blocks/0/elements/0/options/0/value", "option"),
    ([actions(select([option("v"), option("v")]))], "/blocks/0/elements/0/options/1/value", "option"),
    ([actions(select([option("v")], placeholder=plain("x" * 151)))], "/blocks/0/elements/0/placeholder/text", "select"),
    ([actions(select([option("v")], initial_option=option("w")))], "/blocks/0/elements/0", "select"),
    ([actions({"type": "overflow", "action_id": "o", "options": [option(str(i)) for i in range(6)]})], "/blocks/0/elements/0/options", "overflow"),
    ([actions({"type": "checkboxes", "action_id": "c", "options": [option(str(i)) for i in range(11)]})], "/blocks/0/elements/0/options", "checkboxes"),
    ([{"type": "input", "label": plain("x" * 2001), "element": {"type": "plain_text_input", "action_id": "t"}}], "/blocks/0/label/text", "input"),
    ([{"type": "input", "label": plain("x")}], "/blocks/0", "input"),
    ([{"type": "input", "label": plain("x"), "element": {"type": "plain_text_input", "action_id": "t", "max_length": 3001}}], "/blocks/0/element", "plain_text_input"),
    ([{"type": "input", "label": plain("x"), "element": {"type": "number_input", "action_id": "n"}}], "/blocks/0/element", "number_input"),
    ([{"type": "input", "label": plain("x"), "element": {"type": "datepicker", "action_id": "d", "initial_date": "1/2/2026"}}], "/blocks/0/element/initial_date", "datepicker"),
    ([{"type": "image", "image_url": "https://example.com/x.png"}], "/blocks/0", "image"),
]  # fmt: skip


@pytest.fixture
def client() -> Iterator[WebClient]:
    with FakeSlack(refused_blocks_fail=False) as fake:
        yield WebClient(token="xoxb-test", base_url=fake.url)


def _room(client: WebClient) -> str:
    return client.conversations_create(name="block-kit", is_private=True)["channel"]["id"]


@pytest.mark.parametrize(("blocks", "pointer", "rule"), REFUSED)
def test_slack_refuses_blocks_that_break_a_documented_rule(
    client: WebClient, blocks: list[dict[str, Any]], pointer: str, rule: str
) -> None:
    assert rule in RULES and RULES[rule].source.startswith("https://docs.slack.dev/")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=_room(client), text="x", blocks=blocks)
    reply = raised.value.response
    assert reply["error"] == "invalid_blocks"
    messages = reply["response_metadata"]["messages"]
    assert any(
        m.startswith("[ERROR] ") and m.endswith(f"[json-pointer:{pointer}]") for m in messages
    ), messages


def test_the_limits_themselves_are_accepted(client: WebClient) -> None:
    blocks = [
        {"type": "header", "text": plain("x" * 150)},
        section("x" * 3000, fields=[mrkdwn("x" * 2000)] * 10),
        {"type": "context", "elements": [mrkdwn("x")] * 10},
        actions(
            button("yes", text="x" * 75, value="x" * 2000, confirm=confirm()),
            button("no"),
            select([option(str(i)) for i in range(100)], placeholder=plain("x" * 150)),
            block_id="q",
        ),
        *[section(block_id=f"s{i}") for i in range(46)],
    ]
    assert len(blocks) == 50
    client.chat_postMessage(channel=_room(client), text="x", blocks=blocks)


def test_a_modal_breaking_a_rule_is_invalid_arguments(client: WebClient) -> None:
    view = {
        "type": "modal",
        "title": plain("Edit"),
        "blocks": [{"type": "input", "label": plain("x"), "element": {"type": "plain_text_input"}}],
    }
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=new_trigger_id(), view=view)
    assert raised.value.response["error"] == "invalid_arguments"
    assert "[ERROR] missing required field: submit [json-pointer:/view]" in str(
        raised.value.response
    )
    view = {**view, "submit": plain("Save"), "blocks": [section()] * 101}
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id=new_trigger_id(), view=view)


def test_a_refusal_fails_the_test_that_caused_it() -> None:
    with pytest.raises(AssertionError, match="duplicate action_id"):
        with FakeSlack() as fake:
            client = WebClient(token="xoxb-test", base_url=fake.url)
            with pytest.raises(SlackApiError):
                blocks = [actions(button("same"), button("same"))]
                client.chat_postMessage(channel=_room(client), text="x", blocks=blocks)


@pytest.mark.skipif(slack_types.unavailable() is not None, reason=str(slack_types.unavailable()))
def test_the_slack_types_check_names_a_payload_that_slack_types_refuses(tmp_path: Path) -> None:
    good = json.dumps([actions(button("a"), button("b"))])
    typo = json.dumps([{"type": "section", "txt": mrkdwn("x")}])
    modal = json.dumps({"type": "modal", "title": plain("x"), "blocks": [{"type": "carousel"}]})
    passed, output = slack_types.check(
        tmp_path,
        [("blocks", "t::good", good), ("blocks", "t::typo", typo), ("modal", "t::m", modal)],
    )
    assert not passed
    assert "sent by t::typo" in output and "sent by t::m" in output
    assert "sent by t::good" not in output
