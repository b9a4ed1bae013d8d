"""Block Kit's small pieces as the JSON Slack gets: text objects, sections split under Slack's
limits, context lines, headers, buttons, actions, and `dump` (at most 50 blocks).

These are the hottest builders (every answer renders the question card again), so they write
what slack_sdk's `to_dict()` would (block_json), keys sorted and empty values left out, instead of
building objects to serialise. Texts are cut to their limits as before; what is not cut (ids,
button values and styles, the number of elements) is checked against slack_sdk's own limits and
refused in its words. The rarer pieces (inputs, selects, views) stay slack_sdk objects, which
take these dicts as children; tests/slack/test_block_json.py proves both byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from slack_sdk.models.blocks.basic_components import ButtonStyles

from app.slack.block_json import as_dict

BlockJson = dict[str, Any]
"""A block, element or text object as Slack gets it: what slack_sdk's `to_dict()` returns."""
AnyBlock = Block | BlockJson  # what `dump` sends: slack_sdk's objects or their JSON already

MAX_BLOCKS = 50
SECTION_LIMIT = 2900
_EMPTY = (None, "", [], {})  # the values to_dict() leaves out, of the kinds written here
_compact = json.JSONEncoder(separators=(",", ":")).encode  # json.dumps(…, separators=…), built once


def _json(**fields: Any) -> BlockJson:
    """Fields as slack_sdk's `to_dict()` writes them: keys sorted, None and empty ones left out."""
    return {key: value for key, value in sorted(fields.items()) if value not in _EMPTY}


def mrkdwn(text: str) -> BlockJson:
    return _json(text=text, type="mrkdwn")


def plain(text: str, limit: int = 75) -> BlockJson:
    return _json(emoji=True, text=text[:limit], type="plain_text")


def section(text: str, accessory: BlockJson | None = None) -> BlockJson:
    return _json(accessory=accessory, text=mrkdwn(text[:SECTION_LIMIT]), type="section")


def sections(text: str) -> list[BlockJson]:
    """Long text split on line breaks into sections under Slack's 3,000-character limit."""
    chunks, current = [], ""
    for line in text.splitlines(keepends=True):
        if len(current) + len(line) > SECTION_LIMIT and current:
            chunks.append(current)
            current = ""
        current += line
    if current.strip():
        chunks.append(current)
    return [section(chunk) for chunk in chunks]


def context(text: str) -> BlockJson:
    return _json(elements=[mrkdwn(text[:2900])], type="context")


def header(text: str) -> BlockJson:
    return _json(text=plain(text, 150), type="header")


def button(
    text: str, action_id: str, value: dict[str, Any] | str, style: str | None = None
) -> BlockJson:
    """A button; its value is JSON (compact) unless given as a string. Refused as slack_sdk's
    validators refuse it, in their order: action_id, style, value."""
    encoded = value if isinstance(value, str) else _compact(value)
    if len(action_id) > ButtonElement.action_id_max_length:
        raise SlackObjectFormationError(
            f"action_id attribute cannot exceed {ButtonElement.action_id_max_length} characters"
        )
    if style is not None and style not in ButtonStyles:
        raise SlackObjectFormationError(
            f"style attribute must be one of the following values: {', '.join(ButtonStyles)}"
        )
    if len(encoded) > ButtonElement.value_max_length:
        raise SlackObjectFormationError(
            f"value attribute cannot exceed {ButtonElement.value_max_length} characters"
        )
    return _json(action_id=action_id, style=style, text=plain(text), type="button", value=encoded)


def actions(*elements: BlockJson, block_id: str | None = None) -> BlockJson:
    """An actions block of elements built here (buttons); refused as slack_sdk's ActionsBlock."""
    if block_id is not None and len(block_id) > ActionsBlock.block_id_max_length:
        raise SlackObjectFormationError(
            f"block_id cannot exceed {ActionsBlock.block_id_max_length} characters"
        )
    if len(elements) > ActionsBlock.elements_max_length:
        raise SlackObjectFormationError(
            f"elements attribute cannot exceed {ActionsBlock.elements_max_length} elements"
        )
    return _json(block_id=block_id, elements=list(elements), type="actions")


def dump(blocks: Sequence[AnyBlock]) -> list[BlockJson]:
    """Serialises as slack_sdk's `to_dict()` does, its validators run (block_json), and enforces
    50 blocks a message; blocks serialised already pass through as they are."""
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("…")]
    return [block if isinstance(block, dict) else as_dict(block) for block in blocks]
