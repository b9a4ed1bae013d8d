"""Reading a Teams activity (its text without mentions, room, actor, tenant, a card's data) and
shaping the replies to an invoke."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.teams import cards
from app.triage.typed import read_number_or_none

_MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")

Reply = tuple[int, dict[str, Any] | None]


def plain_text(value: str | None) -> str:
    """Teams text with mentions and HTML removed, whitespace collapsed."""
    value = _MENTION.sub(" ", value or "")
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def with_mentions(activity: dict[str, Any]) -> str:
    """The activity's text with each person it @mentions as `@@mN@@` (N: the mention's place
    among its entities), which plain_text keeps; the bot's own mention is dropped."""
    raw = str(activity.get("text") or "")
    bot = (activity.get("recipient") or {}).get("id")
    for n, entity in enumerate(mentions_of(activity)):
        marker = str(entity.get("text") or "")
        if marker and marker in raw:
            person = (entity.get("mentioned") or {}).get("id")
            raw = raw.replace(marker, " " if person == bot else f" @@m{n}@@ ", 1)
    return raw


def mentions_of(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in activity.get("entities") or [] if e.get("type") == "mention"]


def first_word(text: str) -> str:
    return text.split(" ", 1)[0].lower()


def room_of(activity: dict[str, Any]) -> str:
    """The channel or chat an activity came from (a channel thread's id without its message)."""
    channel = ((activity.get("channelData") or {}).get("channel") or {}).get("id")
    conversation = str((activity.get("conversation") or {}).get("id", ""))
    return str(channel or conversation.split(";", 1)[0])


def actor_of(activity: dict[str, Any]) -> str:
    """People are known by their Azure AD object id (what LEAKDESK_PR_LEADS lists)."""
    sender = activity.get("from") or {}
    return str(sender.get("aadObjectId") or sender.get("id") or "")


def is_personal(activity: dict[str, Any]) -> bool:
    return (activity.get("conversation") or {}).get("conversationType") == "personal"


def tenant_of(activity: dict[str, Any]) -> str | None:
    tenant = ((activity.get("channelData") or {}).get("tenant") or {}).get("id")
    return tenant or (activity.get("conversation") or {}).get("tenantId")


def card_response(card: dict[str, Any]) -> Reply:
    return 200, {"statusCode": 200, "type": cards.CARD_TYPE, "value": card}


def text_response(text: str) -> Reply:
    return 200, {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": cards.md(text),
    }


def is_row_id(value: Any) -> bool:
    """An incident id from a card: a 64-bit row id in both databases (not a bool, not huge)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def answer_value(kind: str, data: dict[str, Any], tz: str = "Asia/Tokyo") -> Any:
    """The answer from a pressed button (`v`) or the card's input (`value`), typed by kind."""
    if "v" in data:
        return data["v"]
    if kind == "datetime":
        return _local_time(data.get("date"), data.get("time"), tz)
    if kind == "period":
        ends = {end: data.get(end) or None for end in ("from", "to")}
        return {k: v for k, v in ends.items() if v} or None
    raw = data.get("value")
    if raw is None or raw == "":
        return None
    if kind == "multi":
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return [str(item).strip() for item in items if str(item).strip()] or None
    if kind == "number":
        text = str(raw).strip()
        return read_number_or_none(text[:-2] if text.endswith(".0") else text)
    if kind == "bool":
        return {"true": True, "false": False}.get(str(raw).lower())
    return str(raw)


def _local_time(date: Any, time: Any, tz: str) -> str | None:
    """Input.Date (YYYY-MM-DD) and Input.Time (HH:MM) as an ISO time in the configured zone."""
    if not date or not time:
        return None
    try:
        local = datetime.fromisoformat(f"{date}T{time}")
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(tz)).isoformat()
