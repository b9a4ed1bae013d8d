"""Add to timeline from a Slack room: the "Add to timeline" message shortcut (answered at once,
through response_url), and a configured emoji reaction or a pin (a work row fetches the message
and its permalink off the acknowledgement path). What the room says is in app/rooms/excerpts."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.incidents.excerpts import ChatExcerpt
from app.incidents.service import IncidentService
from app.rooms.excerpts import VIA_PIN, VIA_REACTION, VIA_SHORTCUT, add_from_room
from app.slack.common import deps_of, guarded, reply_later
from app.slack.effects import SlackChat
from app.work.queue import Claimed, Permanent, WorkQueue, WorkSpec

SHORTCUT = "add_to_timeline"
WORK = "slack.add_to_timeline"


def excerpt_of(message: dict[str, Any], channel: str, link: str | None) -> ChatExcerpt:
    author = message.get("user") or message.get("bot_id") or ""
    return ChatExcerpt(
        f"{channel}:{message.get('ts', '')}", str(message.get("text") or ""), author, link
    )


def permalink(domain: str, channel: str, ts: str) -> str:
    """Slack's permalink shape, built without a call (the shortcut answers within 3 s)."""
    return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


@guarded
async def add_message(ack: Any, body: dict[str, Any], context: Any) -> None:
    """The message shortcut: one transaction, then an ephemeral word through response_url."""
    await ack()
    deps = deps_of(context)
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id", "")
    domain = (body.get("team") or {}).get("domain", "app")
    link = permalink(domain, channel, str(message.get("ts", ""))) if message.get("ts") else None
    text = await add_from_room(
        deps.service,
        channel,
        excerpt_of(message, channel, link),
        actor=body["user"]["id"],
        via=VIA_SHORTCUT,
        lang=deps.settings.language,
    )
    await reply_later(deps.queue, body.get("response_url"), text)


async def reacted(body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    item = event.get("item") or {}
    wanted = {name.strip(":") for name in deps.settings.timeline_reactions}
    if item.get("type") != "message" or str(event.get("reaction", "")) not in wanted:
        return
    await _fetch_later(deps.queue, deps.service, item, event, body, VIA_REACTION)


async def pinned(body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    item = event.get("item") or {}
    # The bot pins the room's summary itself: only people's pins add a message.
    if not deps.settings.timeline_pins or event.get("user") in _bots(body, context):
        return
    if item.get("type") != "message":
        return
    ts = (item.get("message") or {}).get("ts")
    await _fetch_later(deps.queue, deps.service, {**item, "ts": ts}, event, body, VIA_PIN)


def _bots(body: dict[str, Any], context: Any) -> set[str]:
    """The bot's own user id: the event's authorizations name it (bolt's context may not)."""
    found = {a.get("user_id") for a in body.get("authorizations") or [] if a.get("is_bot")}
    return {str(u) for u in (*found, context.get("bot_user_id")) if u}


async def _fetch_later(
    queue: WorkQueue,
    service: IncidentService,
    item: dict[str, Any],
    event: dict[str, Any],
    body: dict[str, Any],
    via: str,
) -> None:
    channel, ts = item.get("channel") or event.get("channel_id"), item.get("ts")
    if not channel or not ts or await service.find_by_channel(str(channel)) is None:
        return  # not an incident room: a reaction or pin elsewhere is none of ours
    payload = {"channel": channel, "ts": ts, "user": event.get("user"), "via": via}
    await queue.enqueue(WorkSpec(WORK, {**payload, "team": body.get("team_id")}))


class TimelineWork:
    """The row a reaction or pin wrote: read the message and its permalink, then add it."""

    def __init__(self, chat: SlackChat, service: IncidentService) -> None:
        self.chat, self.service = chat, service

    async def add(self, item: Claimed) -> None:
        channel, ts = item.payload["channel"], item.payload["ts"]
        client = self.chat.client
        replies = await client.conversations_replies(channel=channel, ts=ts, limit=200)
        message = next((m for m in replies.get("messages", []) if m.get("ts") == ts), None)
        if message is None:
            raise Permanent("message_not_found")
        link = (await client.chat_getPermalink(channel=channel, message_ts=ts)).get("permalink")
        await add_from_room(
            self.service,
            channel,
            excerpt_of(message, channel, link),
            actor=item.payload.get("user") or "",
            via=item.payload["via"],
            lang=self.chat.settings.language,
        )


def register(bolt: AsyncApp) -> None:
    bolt.shortcut(SHORTCUT)(add_message)
    bolt.event("reaction_added")(reacted)
    bolt.event("pin_added")(pinned)


def register_work(chat: SlackChat, service: IncidentService, queue: WorkQueue) -> None:
    queue.register(WORK, chat.guard(TimelineWork(chat, service).add))
