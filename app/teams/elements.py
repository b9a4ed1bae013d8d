"""Adaptive Cards' small pieces: Slack-style markup made Teams markdown, text blocks, the card and
its attachment, Action.Execute, forms and long-text inputs."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from microsoft_teams.cards import AdaptiveCard, ExecuteAction, ShowCardAction, TextBlock, TextInput

CARD_VERSION: Final = "1.5"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
# Card element text is kept well inside Teams' ~28 KB message limit.
TEXT_LIMIT = 6000

_EMOJI = re.compile(r":[a-z0-9_+\-]+:\s?")
_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_CHANNEL = re.compile(r"<#([^>|]+)(?:\|[^>]*)?>")


def teams_words(text: str) -> str:
    """The room's texts name Slack's `/leak …`; in Teams the same command is `leak …`."""
    return text.replace("`/leak ", "`leak ")


def md(text: str) -> str:
    """The catalogue's Slack mrkdwn as the Markdown subset Adaptive Cards render, in Teams'
    words (a follow-up prompt's `/leak role lead me` is `leak role lead me` here). People stay
    `<@id>`: they are named where the message is sent (app.teams.graph `named`)."""
    text = teams_words(_EMOJI.sub("", text))
    text = _CHANNEL.sub(r"\1", text)
    return _BOLD.sub(r"**\1**", text)[:TEXT_LIMIT]


def text(value: str, **style: Any) -> TextBlock:
    return TextBlock(text=md(value), wrap=True, **style)


def card(body: Sequence[Any], actions: Sequence[Any] = ()) -> dict[str, Any]:
    model = AdaptiveCard(version=CARD_VERSION, body=list(body), actions=list(actions) or None)
    data = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return data


def attachment(content: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CARD_TYPE, "content": content}


def execute(title: str, verb: str, data: dict[str, Any], **extra: Any) -> ExecuteAction:
    return ExecuteAction(title=title[:75], verb=verb, data=data, **extra)


def form(
    title: str, inputs: list[Any], submit: str, verb: str, data: dict[str, Any]
) -> ShowCardAction:
    """A button that opens a small form under the card, sent back with Action.Execute."""
    return ShowCardAction(
        title=title,
        card=AdaptiveCard(version=CARD_VERSION, body=inputs, actions=[execute(submit, verb, data)]),
    )


def long_text(input_id: str, label: str, error: str, value: str | None = None) -> TextInput:
    """A required multi-line input (its error shows when it is sent empty)."""
    return TextInput(
        id=input_id,
        label=label,
        value=value,
        is_multiline=True,
        is_required=True,
        error_message=error,
    )


def message_card(value: str) -> dict[str, Any]:
    return card([text(value)])


_AT = re.compile(r"<at>([^<]+)</at>")


def mentioning(content: dict[str, Any]) -> dict[str, Any]:
    """A card whose text @mentions people (`<at>id</at>`, Azure AD object ids) with the
    `msteams.entities` Teams needs to notify them (Adaptive Cards: "Mention support within
    Adaptive Cards", Teams docs). The ids become names and Teams user ids where the card is
    sent (app.teams.people `named`)."""
    ids = list(dict.fromkeys(_AT.findall(json.dumps(content))))
    if ids:
        content["msteams"] = {
            "entities": [
                {"type": "mention", "text": f"<at>{i}</at>", "mentioned": {"id": i, "name": i}}
                for i in ids
            ]
        }
    return content
