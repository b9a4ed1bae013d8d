"""Add to timeline from a Teams room: the "Add to timeline" message action (a message extension
action command in the message's "…" menu), answered in the invoke. Teams delivers reactions to a
bot only on the bot's own messages, and no event for pins: those are Slack's (docs/teams.md)."""

from __future__ import annotations

from typing import Any

from app.incidents.excerpts import ChatExcerpt
from app.incidents.service import IncidentService
from app.rooms.excerpts import VIA_SHORTCUT, add_from_room
from app.teams import cards

COMMAND = "addToTimeline"


def excerpt_of(payload: dict[str, Any], plain: str) -> ChatExcerpt:
    sender = (payload.get("from") or {}).get("user") or {}
    return ChatExcerpt(
        str(payload.get("id") or ""),
        plain,
        str(sender.get("id") or sender.get("displayName") or ""),
        payload.get("linkToMessage"),
    )


async def on_timeline_action(
    service: IncidentService, room: str, actor: str, payload: dict[str, Any], plain: str, lang: str
) -> tuple[int, dict[str, Any]]:
    """`payload`: the invoke's messagePayload; `plain`: its body as plain text."""
    excerpt = excerpt_of(payload, plain)
    text = await add_from_room(service, room, excerpt, actor=actor, via=VIA_SHORTCUT, lang=lang)
    return 200, {"task": {"type": "message", "value": cards.md(text)}}
