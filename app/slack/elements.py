"""Block Kit's small pieces: text objects, sections split under Slack's limits, context lines,
buttons, and `dump` (at most 50 blocks)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from app.slack.block_json import as_dict

MAX_BLOCKS = 50
SECTION_LIMIT = 2900


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def plain(text: str, limit: int = 75) -> PlainTextObject:
    return PlainTextObject(text=text[:limit], emoji=True)


def section(text: str) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text[:SECTION_LIMIT]))


def sections(text: str) -> list[SectionBlock]:
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


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text[:2900])])


def button(
    text: str, action_id: str, value: dict[str, Any] | str, style: str | None = None
) -> ButtonElement:
    encoded = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return ButtonElement(text=plain(text), action_id=action_id, value=encoded, style=style)


def dump(blocks: Sequence[Block | dict[str, Any]]) -> list[dict[str, Any]]:
    """Serialises as slack_sdk's `to_dict()` does, its validators run (block_json), and enforces
    50 blocks a message; blocks serialised already pass through as they are."""
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("…")]
    return [block if isinstance(block, dict) else as_dict(block) for block in blocks]
