"""Slack's transport for a room (the `Chat` port of app/rooms): send, find a message again after
a crash, edit, make the private channel, invite, pin, topic — each call with the workspace's
client, paced under Slack's limits, its errors mapped to the queue's Retry/Permanent. What a room
posts is decided in app/rooms; Slack's own work rows are in work.py."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from app.i18n import t
from app.incidents.messages import Posted
from app.incidents.service import IncidentService
from app.logs import SLACK_SDK, level_set
from app.models import ChatMessage, Incident
from app.rooms.names import room_names
from app.rooms.ports import Handler
from app.settings import Settings
from app.slack import blocks as ui
from app.slack.common import group_members
from app.slack.installs import WorkspaceClients
from app.slack.pacing import SLACK_LIMITS, Pacer
from app.tally import ApiErrors
from app.work.queue import Claimed, Defer, Permanent, Retry

log = logging.getLogger(__name__)

_current_client: ContextVar[AsyncWebClient | None] = ContextVar("slack_client", default=None)

METADATA_TYPE = "leakdesk_message"
TOPICS_KEPT = 10_000  # rooms whose topic a process remembers (`SlackChat.set_topic`)
REPORTER_TOLD = "reporter_told"  # on a waiting room's row: its reporter knows the key


PERMANENT_ERRORS = {
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "invalid_auth",
    "account_inactive",
    "missing_scope",
    "not_authed",
    "restricted_action",
}


def method_of(exc: SlackApiError) -> str:
    """The Web API method a failed call named (`chat.postMessage`)."""
    url = str(getattr(exc.response, "api_url", "") or "")
    return url.rstrip("/").rsplit("/", 1)[-1] or "unknown"


def error_of(exc: SlackApiError) -> str:
    if exc.response is not None and exc.response.status_code == 429:
        return "ratelimited"
    error = exc.response.get("error", "") if exc.response is not None else ""
    return str(error or f"http_{getattr(exc.response, 'status_code', 0)}")


def slack_failure(exc: SlackApiError) -> Exception:
    """Maps Slack's answer to the queue's vocabulary: wait and retry, or give up."""
    error = exc.response.get("error", "") if exc.response is not None else ""
    if exc.response is not None and exc.response.status_code == 429:
        return Retry("ratelimited", after=float(exc.response.headers.get("Retry-After", 5)))
    if error in PERMANENT_ERRORS:
        return Permanent(error)
    return Retry(error or "slack_error")


class SlackChat:
    """The `Chat` port over slack_sdk: one client per workspace, Slack's errors mapped to the
    queue's Retry/Permanent, posts paced under Slack's limits and found again after a crash."""

    platform = "slack"

    def __init__(
        self,
        settings: Settings,
        service: IncidentService,
        client: AsyncWebClient,
        clients: WorkspaceClients | None = None,
        errors: ApiErrors | None = None,
    ) -> None:
        self.errors = errors or ApiErrors()
        self.settings = settings
        self.service = service
        self._default = client
        self._clients = clients
        self._sessions: list[aiohttp.ClientSession] = []
        self._bot_ids: dict[str, str | None] = {}  # bot token → the bot's user id (auth.test)
        self._topics: dict[str, str] = {}  # channel → the topic this process last set there
        self.pacer = Pacer(SLACK_LIMITS if settings.slack_pacing else {})

    @property
    def client(self) -> AsyncWebClient:
        """The client for the workspace of the row being worked on (one per install)."""
        return _current_client.get() or self._default

    def guard(self, handler: Handler) -> Handler:
        async def run(item: Claimed) -> None:
            client = await self._client_for(item)
            self._keep_alive(client or self._default)
            token = _current_client.set(client)
            try:
                await handler(item)
            except SlackApiError as exc:
                self.errors.record("slack", method_of(exc), error_of(exc))
                raise slack_failure(exc) from exc
            finally:
                _current_client.reset(token)

        run.__name__ = handler.__name__
        return run

    def _keep_alive(self, client: AsyncWebClient) -> None:
        """One connection pool per client instead of a new TCP connection for every call."""
        if client.session is None:
            client.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=client.timeout)
            )
            self._sessions.append(client.session)

    def webhook(self, url: str) -> AsyncWebhookClient:
        """A response_url's client, on the kept-alive connections (not a new pool a call)."""
        self._keep_alive(self._default)
        return AsyncWebhookClient(
            url, session=self._default.session, logger=level_set(SLACK_SDK[1])
        )

    async def respond(self, response_url: str, text: str) -> None:
        """An ephemeral message through a command's response_url."""
        webhook = self.webhook(response_url)
        await webhook.send(text=text, response_type="ephemeral", replace_original=False)

    async def close(self) -> None:
        for session in self._sessions:
            await session.close()
        self._sessions.clear()

    async def _client_for(self, item: Claimed) -> AsyncWebClient | None:
        if self._clients is None:
            return None
        team = item.payload.get("team")
        if team is None and item.incident_id is not None:
            team = (await self.service.get(item.incident_id)).workspace_id
        return await self._clients.for_team(team)

    # ----- posting once -----------------------------------------------------------------------

    def thread(self, room: str, thread: str | None) -> str | None:
        return thread

    async def send(
        self,
        item: Claimed,
        incident: Incident,
        message: Any,
        text: str,
        *,
        thread: str | None,
        meta: dict[str, Any],
    ) -> str:
        """chat.postMessage, paced per channel; `meta` rides along as the message's metadata,
        which is how `find` recognises the message after a crash."""
        channel = incident.channel_id
        await self.pacer.wait(f"post:{channel}", item.id)
        response = await self.client.chat_postMessage(
            channel=channel,
            text=text[:3000],
            blocks=ui.dump(message),
            thread_ts=thread,
            metadata={"event_type": METADATA_TYPE, "event_payload": meta},
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def find(self, incident: Incident, ref: str, thread: str | None) -> str | None:
        channel = incident.channel_id
        if thread:
            response = await self.client.conversations_replies(
                channel=channel, ts=thread, include_all_metadata=True, limit=200
            )
        else:
            response = await self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=200
            )
        for message in response.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("incident") == incident.id and payload.get("ref") == ref:
                return str(message["ts"])
        return None

    async def edit(
        self, incident: Incident, posted: ChatMessage | Posted, message: Any, text: str
    ) -> None:
        await self.client.chat_update(
            channel=posted.channel_id, ts=posted.ts, text=text[:3000], blocks=ui.dump(message)
        )

    # ----- the room ---------------------------------------------------------------------------

    async def open_room(self, item: Claimed, incident: Incident) -> Incident:
        if incident.channel_id is None:
            incident = await self._create_channel(incident, item)
        return incident

    async def add_people(self, item: Claimed, incident: Incident) -> None:
        """The reporter, the responders and the PR leads (user groups expanded) in one
        conversations.invite; the bot's own id (auth.test, once per workspace) left out."""
        await self._invite(incident)

    async def pin(self, incident: Incident, message_id: str) -> None:
        try:
            await self.client.pins_add(channel=incident.channel_id, timestamp=message_id)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_pinned":
                raise

    async def set_topic(self, incident: Incident, topic: str) -> None:
        """Sets the topic unless it already reads so: Slack posts "set the channel topic" into
        the room on every conversations.setTopic, the same text included. The room is asked
        (conversations.info) only when this process has not set or read its topic before;
        otherwise what it set last is the topic (a person's change since is left alone until
        the topic has something new to say)."""
        channel = incident.channel_id
        assert channel is not None
        known = self._topics.get(channel)
        if known is None:
            info = await self.client.conversations_info(channel=channel)
            known = ((info.get("channel") or {}).get("topic") or {}).get("value")
        if known != topic:
            await self.client.conversations_setTopic(channel=channel, topic=topic)
        if len(self._topics) >= TOPICS_KEPT:
            self._topics.clear()
        self._topics[channel] = topic

    async def tell_reporter(self, item: Claimed, incident: Incident, text: str) -> None:
        if response_url := incident.source.get("response_url"):
            await self.respond(response_url, text)

    async def announce(self, incident: Incident, channel: str, message: Any, text: str) -> str:
        response = await self.client.chat_postMessage(
            channel=channel, text=text[:3000], blocks=ui.dump(message), unfurl_links=False
        )
        return str(response["ts"])

    async def archive(self, incident: Incident) -> bool:
        try:
            await self.client.conversations_archive(channel=incident.channel_id)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_archived":  # a retry after archiving
                raise
        return True

    async def invite(self, incident: Incident, user: str) -> None:
        await self._invite_each(incident.channel_id, {user})

    async def _create_channel(self, incident: Incident, item: Claimed) -> Incident:
        """Creates the private room; the name is reserved first so a retry after a lost answer
        adopts the channel it already made instead of making a second one."""
        if incident.channel_name and (found := await self._own_channel(incident.channel_name)):
            return await self.service.record_room(
                incident.id, channel_id=found, channel_name=incident.channel_name
            )

        async def paced() -> None:
            # Paced first: a storm's rooms wait their turn off the worker, their names unspent.
            try:
                await self.pacer.wait("conversations.create", item.id)
            except Defer as exc:
                if await self._tell_delayed(incident, item):  # noted on the row that waits
                    told = {**item.payload, REPORTER_TOLD: True}
                    raise Defer(str(exc), exc.after, payload=told) from None
                raise

        async for name in room_names(self.service, incident, self.settings.tz, 80, paced):
            try:
                response = await self.client.conversations_create(name=name, is_private=True)
            except SlackApiError as exc:
                if exc.response.get("error") == "name_taken":
                    continue
                raise
            channel = response["channel"]
            self._topics[channel["id"]] = ""  # a room made now has no topic yet
            return await self.service.record_room(
                incident.id, channel_id=channel["id"], channel_name=channel["name"]
            )
        raise Retry("no free channel name")

    async def _tell_delayed(self, incident: Incident, item: Claimed) -> bool:
        """The reporter learns its key while its room waits for its turn, once: True when told
        now (the deferral notes it on the waiting row's payload, in the statement that defers
        it, instead of a reservation and a save of their own)."""
        response_url = incident.source.get("response_url")
        if not response_url or item.payload.get(REPORTER_TOLD):
            return False
        text = t("command.room_delayed", incident.language, key=incident.key)
        try:
            await self.respond(response_url, text)
        except (aiohttp.ClientError, TimeoutError):
            log.warning("could not tell the reporter of %s that its room is delayed", incident.key)
            return False  # (told at its next deferral, if it has one)
        return True

    async def _own_channel(self, name: str) -> str | None:
        """The id of a private channel of ours with this name (the bot is in those it created)."""
        cursor = None
        while True:
            response = await self.client.conversations_list(
                types="private_channel", exclude_archived=True, limit=1000, cursor=cursor
            )
            for channel in response.get("channels", []):
                if channel.get("name") == name:
                    return str(channel["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    async def _invite(self, incident: Incident) -> None:
        users = await self._people(
            {incident.reporter_id, *self.settings.responders, *self.settings.pr_leads}
        )
        users.discard(await self._bot_user_id())
        if not users:
            return
        try:
            await self.client.conversations_invite(
                channel=incident.channel_id, users=",".join(sorted(users))
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in ("already_in_channel", "cant_invite_self"):
                # One bad id must not keep the others out: invite one by one.
                await self._invite_each(incident.channel_id, users)

    async def _invite_each(self, channel: str | None, users: set[str]) -> None:
        for user in sorted(users):
            try:
                await self.client.conversations_invite(channel=channel, users=user)
            except SlackApiError as exc:
                log.warning("could not invite %s: %s", user, exc.response.get("error"))

    async def _people(self, ids: set[str]) -> set[str]:
        """User ids, with user groups (S…) expanded to their members."""
        users = {i for i in ids if not i.startswith("S")}
        for group in sorted(i for i in ids if i.startswith("S")):
            try:
                users.update(await group_members(self.client, group) or [])
            except SlackApiError as exc:
                log.warning("could not read user group %s: %s", group, exc.response.get("error"))
        return users

    async def _bot_user_id(self) -> str | None:
        """The bot's user id in the current workspace: one auth.test per workspace and process
        (a token's bot user does not change), not one per room."""
        client = self.client
        key = client.token or ""
        if key not in self._bot_ids:
            self._bot_ids[key] = (await client.auth_test()).get("user_id")
        return self._bot_ids[key]
