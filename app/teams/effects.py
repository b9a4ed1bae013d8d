"""Teams' side of a room: transport (the `Chat` port over the Bot Connector and Graph: post once,
update, make the private channel or group chat, add people) and the replies only Teams sends.
What a room posts is decided in app/rooms."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from app.incidents.messages import Posted
from app.incidents.reactions import Reactions
from app.incidents.service import IncidentService
from app.models import ChatMessage, Incident
from app.rooms.names import room_names
from app.rooms.ports import Handler
from app.rooms.room import Room
from app.settings import Settings
from app.teams import cards
from app.teams.graph import Microsoft, Refused, aad_ids
from app.work.queue import Claimed, Permanent, Retry, WorkQueue

log = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/"
CHANNEL_NAME_LIMIT = 50


def is_channel(conversation: str) -> bool:
    """Team channels thread their messages; group chats do not."""
    return conversation.endswith("@thread.tacv2") or conversation.endswith("@thread.skype")


LOCALES = {"ja": "ja-JP", "en": "en-US"}  # an activity's `locale`: its text's language


def message(card: dict[str, Any], text: str, lang: str | None = None) -> dict[str, Any]:
    """A card message; `summary` is what notifications and the chat list show (a `text` would
    be shown above the card as well). With `lang`, its `locale` (Bot Framework's activity
    field, "a locale name for the contents of the text field"), which also picks the word the
    bot writes for someone Teams would not name (app.teams.graph `named`)."""
    activity = {
        "type": "message",
        "summary": cards.md(text)[:2000],
        "attachments": [cards.attachment(card)],
    }
    if lang in LOCALES:
        activity["locale"] = LOCALES[lang]
    return activity


def service_url(incident: Incident) -> str:
    return str(incident.source.get("service_url") or DEFAULT_SERVICE_URL)


class TeamsChat:
    """The `Chat` port for Teams. (The Bot Connector cannot read a channel back, so a crash
    between a post and saving its id may repeat that one message; a saved id never repeats.)"""

    platform = "teams"

    def __init__(
        self, settings: Settings, service: IncidentService, microsoft: Microsoft | None = None
    ) -> None:
        self.settings = settings
        self.service = service
        self.microsoft = microsoft or Microsoft(settings)

    def guard(self, handler: Handler) -> Handler:
        async def run(item: Claimed) -> None:
            try:
                await handler(item)
            except Refused as exc:
                # 4xx other than 429: a missing permission or a bad id does not heal by waiting.
                raise Permanent(str(exc)) from exc

        run.__name__ = handler.__name__
        return run

    async def close(self) -> None:
        await self.microsoft.close()

    # ----- posting once -----------------------------------------------------------------------

    def thread(self, room: str, thread: str | None) -> str | None:
        return thread if is_channel(room) else None  # group chats do not thread

    async def send(
        self,
        item: Claimed,
        incident: Incident,
        message_: Any,
        text: str,
        *,
        thread: str | None,
        meta: dict[str, Any],
    ) -> str:
        room = incident.channel_id
        conversation = f"{room};messageid={thread}" if thread else str(room)
        return await self.microsoft.send(
            service_url(incident), conversation, message(message_, text, incident.language)
        )

    async def find(self, incident: Incident, ref: str, thread: str | None) -> str | None:
        return None  # the Bot Connector cannot read a conversation back

    async def edit(
        self, incident: Incident, posted: ChatMessage | Posted, message_: Any, text: str
    ) -> None:
        conversation = (
            f"{posted.channel_id};messageid={posted.thread_ts}"
            if posted.thread_ts
            else posted.channel_id
        )
        await self.microsoft.update(
            service_url(incident),
            conversation,
            str(posted.ts),
            message(message_, text, incident.language),
        )

    async def reply(self, item: Claimed) -> None:
        """A message to where the user spoke (their chat with the bot, or the channel thread)."""
        payload = item.payload
        await self.microsoft.send(
            payload["service_url"],
            payload["conversation"],
            message(payload.get("card") or cards.message_card(payload["text"]), payload["text"]),
        )

    # ----- the room ---------------------------------------------------------------------------

    async def open_room(self, item: Claimed, incident: Incident) -> Incident:
        if incident.channel_id is None:
            return await self._create_room(incident)
        if not is_channel(incident.channel_id) and item.attempt > 1:
            assert self.settings.teams_app_id is not None
            await self.microsoft.install_in_chat(incident.channel_id, self.settings.teams_app_id)
        return incident

    async def add_people(self, item: Claimed, incident: Incident) -> None:
        """Nothing to do: Teams makes the private channel or group chat with its members."""

    async def pin(self, incident: Incident, message_id: str) -> None:
        """Teams has no pin the bot may set: the summary is the room's first card."""

    async def set_topic(self, incident: Incident, topic: str) -> None:
        """Teams has no channel topic the bot may set: the summary card carries it."""

    async def tell_reporter(self, item: Claimed, incident: Incident, text: str) -> None:
        """In the chat the report came from, recorded so a retry does not repeat it."""
        conversation = incident.source.get("conversation")
        if not conversation or await self.service.message_ref(incident.id, "room_ready"):
            return
        activity_id = await self.microsoft.send(
            service_url(incident),
            str(conversation),
            message(cards.message_card(text), text, incident.language),
        )
        await self.service.save_message_ref(
            incident.id, "room_ready", str(conversation)[:64], activity_id
        )

    async def invite(self, incident: Incident, user: str) -> None:
        if aad_ids({user}):
            await self.microsoft.add_member(self.settings.teams_team_id, incident.channel_id, user)

    async def announce(self, incident: Incident, channel: str, message_: Any, text: str) -> str:
        return await self.microsoft.send(
            service_url(incident), channel, message(message_, text, incident.language)
        )

    async def archive(self, incident: Incident) -> bool:
        """A channel is archived (Graph); Graph has no archive for a group chat: it is kept."""
        team, room = self.settings.teams_team_id, incident.channel_id
        if not team or room is None or not is_channel(room):
            return False
        await self.microsoft.archive_channel(team, room)
        return True

    def _people(self, incident: Incident) -> list[str]:
        return aad_ids({incident.reporter_id, *self.settings.responders, *self.settings.pr_leads})

    async def _create_room(self, incident: Incident) -> Incident:
        """A private channel in the incident team, or a group chat where those are refused.
        The name is reserved first so a retry adopts the channel it already made."""
        team = self.settings.teams_team_id
        if team and incident.channel_name:
            if found := await self.microsoft.find_channel(team, incident.channel_name):
                return await self._private_channel(incident, team, found, incident.channel_name)
        people = self._people(incident)
        if not people:
            raise Permanent("no Azure AD user to put in the room (reporter, responders, leads)")
        owner = incident.reporter_id if incident.reporter_id in people else people[0]
        async for name in room_names(self.service, incident, self.settings.tz, CHANNEL_NAME_LIMIT):
            if team is None:
                return await self._group_chat(incident, name, people)
            try:
                channel = await self.microsoft.create_private_channel(
                    team, name, f"{incident.key} {incident.title}", people, owner
                )
            except Refused as exc:
                if exc.code == "NameAlreadyExists" or exc.status == 409:
                    continue
                if exc.status == 403:
                    log.warning("private channels refused (%s); opening a group chat", exc)
                    return await self._group_chat(incident, name, people)
                raise
            return await self._private_channel(incident, team, channel, name)
        raise Retry("no free channel name")

    async def _private_channel(
        self, incident: Incident, team: str, channel: str, name: str
    ) -> Incident:
        """The room is the channel once the bot is in it (an app in the team is not in its
        private channels); where the tenant refuses that, a group chat with the same people."""
        assert self.settings.teams_app_id is not None
        try:
            await self.microsoft.add_to_private_channel(team, channel, self.settings.teams_app_id)
        except Refused as exc:
            log.warning("leakdesk cannot be added to the private channel (%s); group chat", exc)
            with contextlib.suppress(Refused):  # without Channel.Delete.All it stays, empty
                await self.microsoft.delete_channel(team, channel)
            return await self._group_chat(incident, name, self._people(incident))
        return await self.service.record_room(incident.id, channel_id=channel, channel_name=name)

    async def _group_chat(self, incident: Incident, name: str, people: list[str]) -> Incident:
        chat = await self.microsoft.create_group_chat(name, people)
        incident = await self.service.record_room(incident.id, channel_id=chat, channel_name=name)
        assert self.settings.teams_app_id is not None
        await self.microsoft.install_in_chat(chat, self.settings.teams_app_id)
        return incident


def register(
    chat: TeamsChat, service: IncidentService, queue: WorkQueue, reactions: Reactions
) -> Room:
    """Teams' room (app.rooms) and Teams' own replies, on the queue and the reactions."""
    room = Room(chat, cards.AdaptiveCards(), service, chat.settings)
    room.register(queue, reactions)
    queue.register("teams.reply", chat.guard(chat.reply))
    return room
