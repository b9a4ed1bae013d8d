"""A fake Slack Web API on 127.0.0.1 that answers like Slack, records every call and can fail."""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import json
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import jwt

from . import block_kit, slack_types
from .slack_requests import API_APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, trigger_issued_at

BOT_ID = "B0BOT"
BOT_NAME = "leakdesk"
TEAM_NAME = "Leakdesk Test"
MAX_TEXT = 40_000
MAX_TOPIC = 250
TRIGGER_TTL = 3.0
HOOK_USES = 5
HOOK_TTL = 30 * 60
JSON_FIELDS = ("blocks", "attachments", "metadata", "view")
DEFAULT_USERS = (
    ("U0REPORTER", "reporter", "Rie Porter"),
    ("U0LEAD1", "pr-lead-1", "Hana Lead"),
    ("U0LEAD2", "pr-lead-2", "Ken Lead"),
    ("U0RESP1", "responder-1", "Yuki Responder"),
    ("U0OUTSIDER", "outsider", "Otto Sider"),
)
DEFAULT_USERGROUPS = (
    ("S0PRLEADS", "pr-leads", ("U0LEAD1", "U0LEAD2")),
    ("S0RESPONDERS", "leak-responders", ("U0RESP1",)),
)
_INTERACTIVE = block_kit.ACTION_ELEMENTS | block_kit.INPUTS
# What Slack refuses for Block Kit that breaks a documented rule (tests/fakes/block_kit.py).
_BLOCK_KIT_ERRORS = frozenset({"invalid_blocks", "invalid_arguments"})
_TZ_LABELS = {
    "Asia/Tokyo": "Japan Standard Time",
    "UTC": "Coordinated Universal Time",
    "Europe/London": "Greenwich Mean Time",
    "America/Los_Angeles": "Pacific Standard Time",
}
_BOT_PROFILE = {
    "id": BOT_ID,
    "app_id": API_APP_ID,
    "name": BOT_NAME,
    "deleted": False,
    "team_id": TEAM_ID,
    "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
}
_HTML_500 = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
# Sign in with Slack: the token exchange authenticates the app (client id and secret, HTTP Basic or
# form fields), userInfo the person's own token (xoxp-) from that exchange, not a bot token.
_APP_AUTH_METHODS = frozenset({"openid.connect.token"})
_USER_TOKEN_METHODS = frozenset({"openid.connect.userInfo"})
OIDC_ISSUER = "https://slack.com"

Params = dict[str, Any]
Reply = dict[str, Any]


@dataclass
class Call:
    """One request the fake received: Web API method, arguments, arrival time and outcome."""

    method: str
    params: Params
    at: float
    outcome: str = "pending"


class SlackError(Exception):
    """A Slack error reply: `{"ok": false, "error": code}` plus any extra fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        """Keep the error code and the extra fields of the reply."""
        super().__init__(error)
        self.error = error
        self.extra = extra

    def reply(self) -> Reply:
        """Return the JSON body Slack answers with."""
        return {"ok": False, "error": self.error, **self.extra}


def _invalid(error: str, messages: list[str]) -> SlackError:
    """Return an error carrying Slack's `response_metadata.messages` explanations."""
    return SlackError(error, response_metadata={"messages": messages})


@dataclass
class _Fault:
    """A queued failure for calls to one method (or "*")."""

    method: str
    kind: str
    remaining: int | None
    error: str = ""
    status: int = 500
    retry_after: int = 1
    after_processing: bool = False
    when: Callable[[Params], bool] | None = None
    body: bytes | None = None
    extra: Params = field(default_factory=dict)
    reply: threading.Event | None = None  # "hold": the call is carried out, answered once set
    arrive: threading.Event | None = None  # "delay": the call is carried out once set

    def matches(self, method: str, params: Params) -> bool:
        """Tell whether this fault applies to a call."""
        if self.method not in (method, "*"):
            return False
        return self.when is None or bool(self.when(params))


@dataclass
class _RandomFaults:
    """Settings for faults injected at random (soak tests)."""

    rate: float
    rng: random.Random
    kinds: tuple[str, ...]
    methods: frozenset[str]
    retry_after: int


def _text_field(value: str = "", creator: str = "", last_set: int = 0) -> Params:
    """Return a topic or purpose object."""
    return {"value": value, "creator": creator, "last_set": last_set}


@dataclass
class _Channel:
    """A conversation with its members, messages and pins."""

    id: str
    name: str
    created: int
    creator: str
    is_private: bool = False
    is_im: bool = False
    is_general: bool = False
    is_archived: bool = False
    user: str | None = None
    members: list[str] = field(default_factory=list)
    topic: Params = field(default_factory=_text_field)
    purpose: Params = field(default_factory=_text_field)
    messages: list[Params] = field(default_factory=list)
    pins: list[Params] = field(default_factory=list)

    def info(self, *, num_members: bool = False) -> Params:
        """Return Slack's conversation object as the bot sees it."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": TEAM_ID,
                "user": self.user,
                "is_user_deleted": False,
                "priority": 0,
            }
        out = {
            "id": self.id,
            "name": self.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": self.created,
            "is_archived": self.is_archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": TEAM_ID,
            "updated": self.created * 1000,
            "parent_conversation": None,
            "creator": self.creator,
            "is_member": BOT_USER_ID in self.members,
            "topic": dict(self.topic),
            "purpose": dict(self.purpose),
            "previous_names": [],
            "priority": 0,
        }
        if num_members:
            out["num_members"] = len(self.members)
        return out

    def find(self, ts: str | None) -> Params | None:
        """Return the message with timestamp `ts`, if any."""
        return next((m for m in self.messages if m["ts"] == ts), None) if ts else None


def _flag(value: Any) -> bool:
    """Read a boolean argument the way Slack does (true, 1, "true", "1")."""
    return value is True or value == 1 or str(value).lower() in {"1", "true"}


def _limit(params: Params, default: int, ceiling: int) -> int:
    """Read `limit`, falling back to Slack's default when absent or zero."""
    try:
        value = int(params.get("limit") or 0)
    except (TypeError, ValueError):
        value = 0
    return min(value, ceiling) if value > 0 else default


def _page(items: list[Any], params: Params, default: int, ceiling: int) -> tuple[list[Any], str]:
    """Return one page of `items` and the next cursor ("" at the end)."""
    start = 0
    cursor = params.get("cursor")
    if cursor:
        try:
            kind, _, offset = base64.b64decode(cursor).decode().partition(":")
            start = int(offset) if kind == "offset" else -1
        except (ValueError, UnicodeDecodeError):
            start = -1
        if start < 0:
            raise SlackError("invalid_cursor")
    end = start + _limit(params, default, ceiling)
    more = end < len(items)
    return items[start:end], base64.b64encode(f"offset:{end}".encode()).decode() if more else ""


def _strings(value: Any) -> list[str]:
    """Read a list argument sent as a list or as a comma-separated string."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


def _stamp_blocks(blocks: list[Params]) -> list[Params]:
    """Copy blocks, adding the block_id and action_id Slack generates when they are missing."""
    stamped = copy.deepcopy(blocks)
    for block in stamped:
        block.setdefault("block_id", secrets.token_urlsafe(4)[:5])
        children = list(block.get("elements") or [])
        children += [block[k] for k in ("accessory", "element") if isinstance(block.get(k), dict)]
        for element in children:
            if isinstance(element, dict) and element.get("type") in _INTERACTIVE:
                element.setdefault("action_id", secrets.token_urlsafe(4)[:5])
    return stamped


def _content(params: Params) -> tuple[str, list[Params] | None, list[Params] | None]:
    """Validate a message's text, blocks and attachments the way chat.postMessage does."""
    text = params.get("text") or params.get("markdown_text") or ""
    blocks = params.get("blocks") or None
    attachments = params.get("attachments") or None
    if params.get("markdown_text") and (params.get("text") or blocks):
        raise SlackError("markdown_text_conflict")
    if not text and blocks is None and attachments is None:
        raise SlackError("no_text")
    if len(str(text)) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if isinstance(blocks, str):
        raise SlackError("invalid_blocks_format")
    if blocks is not None:
        _check_blocks(blocks)
    if attachments is not None and (not isinstance(attachments, list) or len(attachments) > 100):
        raise SlackError(
            "too_many_attachments" if isinstance(attachments, list) else "invalid_attachments"
        )
    return str(text), blocks, attachments


def _check_blocks(blocks: Any) -> None:
    """Raise invalid_blocks, as Slack does, for blocks a message cannot carry."""
    errors = block_kit.message_errors(blocks)
    if errors:
        plain = [e.removeprefix("[ERROR] ") for e in errors]
        raise SlackError("invalid_blocks", errors=plain, response_metadata={"messages": errors})


_MESSAGE_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "response_url",
    }
)


def _collect_block_kit(method: str, params: Params) -> None:
    """Hand what a call sends to the @slack/types check at the end of the test session."""
    if method in _MESSAGE_METHODS and isinstance(params.get("blocks"), list):
        slack_types.collect("blocks", params["blocks"])
    view = params.get("view")
    if method.startswith("views.") and isinstance(view, dict):
        slack_types.collect(str(view.get("type")), view)


def _metadata(raw: Any) -> Params | None:
    """Validate message metadata: an event_type string and an event_payload object."""
    if raw is None or raw == "" or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise SlackError("invalid_metadata_format")
    event_type, payload = raw.get("event_type"), raw.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise SlackError("invalid_metadata_format")
    return {"event_type": event_type, "event_payload": copy.deepcopy(payload)}


def _user_object(
    user_id: str,
    name: str,
    real_name: str,
    *,
    tz: str,
    email: str | None,
    is_bot: bool,
    is_admin: bool,
) -> Params:
    """Return Slack's user object."""
    zone = datetime.now(ZoneInfo(tz))
    offset = zone.utcoffset()
    profile = {
        "title": "",
        "phone": "",
        "skype": "",
        "real_name": real_name,
        "real_name_normalized": real_name,
        "display_name": name,
        "display_name_normalized": name,
        "fields": None,
        "status_text": "",
        "status_emoji": "",
        "status_expiration": 0,
        "avatar_hash": "g0000000000a",
        "first_name": real_name.split(" ")[0],
        "last_name": " ".join(real_name.split(" ")[1:]),
        "image_48": "https://secure.gravatar.com/avatar/0.jpg?s=48",
        "team": TEAM_ID,
    }
    if email:
        profile["email"] = email
    if is_bot:
        profile.update({"bot_id": BOT_ID, "api_app_id": API_APP_ID, "always_active": True})
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "deleted": False,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": tz,
        "tz_label": _TZ_LABELS.get(tz, zone.tzname() or tz),
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": profile,
        "is_admin": is_admin,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": int(time.time()),
        "is_email_confirmed": not is_bot,
        "who_can_share_contact_card": "EVERYONE",
    }


_API: dict[str, Callable[[_Workspace, Params], Reply]] = {}


def _api(name: str) -> Callable[[Callable[..., Reply]], Callable[..., Reply]]:
    """Register a workspace method as the handler of Web API method `name`."""

    def register(handler: Callable[..., Reply]) -> Callable[..., Reply]:
        _API[name] = handler
        return handler

    return register


def _public(message: Params, *, with_metadata: bool = True) -> Params:
    """Return a stored message as Slack returns it (fake-only keys and maybe metadata removed)."""
    out = {k: copy.deepcopy(v) for k, v in message.items() if not k.startswith("_")}
    if not with_metadata:
        out.pop("metadata", None)
    return out


def _top_level(message: Params) -> bool:
    """Tell whether conversations.history lists a message (not a plain thread reply)."""
    thread_ts = message.get("thread_ts")
    return (
        not thread_ts or thread_ts == message["ts"] or message.get("subtype") == "thread_broadcast"
    )


class _Workspace:
    """One workspace's state and the semantics of each Web API method (call under a lock)."""

    def __init__(self) -> None:
        """Create the workspace with its default users, #general and user groups."""
        self.users: dict[str, Params] = {}
        self.locales: dict[str, str] = {}
        self.usergroups: dict[str, Params] = {}
        self.channels: dict[str, _Channel] = {}
        self.ephemerals: list[Params] = []
        self.views: dict[str, Params] = {}
        self.stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.expired_triggers: set[str] = set()
        self.exchanged_triggers: set[str] = set()
        self.trigger_ttl: float | None = TRIGGER_TTL
        self.hooks: dict[str, Params] = {}
        self.responses: list[Params] = []
        self.sign_in_codes: dict[str, Params] = {}
        self.user_tokens: dict[str, Params] = {}
        self.required_channels: set[str] = set()  # an admin's "required" channels (Enterprise)
        self._last_us = 0
        self._ids = itertools.count(1)
        self._seed()

    def _seed(self) -> None:
        """Add the bot, the default people, #general and the default user groups."""
        self.add_user(BOT_USER_ID, BOT_NAME, real_name="Leakdesk", is_bot=True, tz="UTC")
        for user_id, name, real_name in DEFAULT_USERS:
            self.add_user(user_id, name, real_name=real_name, email=f"{name}@example.com")
        humans = [u for u, *_ in DEFAULT_USERS]
        general = self.add_channel("general", members=humans, channel_id="C0GENERAL")
        general.is_general = True
        for group_id, handle, members in DEFAULT_USERGROUPS:
            self.add_usergroup(group_id, handle, list(members))

    # -- set-up -------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """Return a fresh Slack-style id with the given prefix."""
        return f"{prefix}{next(self._ids) + 0x1000000:08X}"

    def next_ts(self) -> str:
        """Return a unique message timestamp, strictly increasing, like "1732780000.000100"."""
        now_us = int(time.time() * 1_000_000)
        self._last_us = max(now_us, self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "Asia/Tokyo",
        email: str | None = None,
        is_bot: bool = False,
        is_admin: bool = False,
        locale: str = "ja-JP",
    ) -> Params:
        """Add (or replace) a user."""
        user = _user_object(
            user_id,
            name,
            real_name or name,
            tz=tz,
            email=email,
            is_bot=is_bot,
            is_admin=is_admin,
        )
        self.users[user_id] = user
        self.locales[user_id] = locale
        return user

    def add_usergroup(
        self, group_id: str, handle: str, users: list[str], name: str | None = None
    ) -> Params:
        """Add (or replace) a user group."""
        group = {
            "id": group_id,
            "team_id": TEAM_ID,
            "is_usergroup": True,
            "is_subteam": True,
            "name": name or handle,
            "description": "",
            "handle": handle,
            "is_external": False,
            "date_create": int(time.time()),
            "date_update": int(time.time()),
            "date_delete": 0,
            "auto_type": None,
            "created_by": "U0LEAD1",
            "updated_by": "U0LEAD1",
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
            "users": list(users),
            "user_count": len(users),
        }
        self.usergroups[group_id] = group
        return group

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        members: Iterable[str] = (),
        channel_id: str | None = None,
        creator: str = "U0LEAD1",
    ) -> _Channel:
        """Add a channel with the given members."""
        channel = _Channel(
            id=channel_id or self.new_id("C"),
            name=name,
            created=int(time.time()),
            creator=creator,
            is_private=is_private,
            members=list(dict.fromkeys(members)),
        )
        self.channels[channel.id] = channel
        return channel

    def im(self, user_id: str) -> _Channel:
        """Return the bot's direct-message channel with a user, opening it if needed."""
        channel_id = f"D{user_id[1:]}"
        if channel_id not in self.channels:
            channel = _Channel(
                id=channel_id,
                name=channel_id,
                created=int(time.time()),
                creator=BOT_USER_ID,
                is_im=True,
                is_private=True,
                user=user_id,
                members=[user_id, BOT_USER_ID],
            )
            self.channels[channel_id] = channel
        return self.channels[channel_id]

    def new_hook(self, kind: str, channel_id: str, user_id: str, message_ts: str | None) -> str:
        """Register a response_url bound to a channel, a user and maybe a message; return path."""
        path = f"/{kind}/{TEAM_ID}/{next(self._ids)}/{secrets.token_urlsafe(16)}"
        self.hooks[path] = {
            "channel": channel_id,
            "user": user_id,
            "message_ts": message_ts,
            "uses": 0,
            "created": time.time(),
        }
        return path

    # -- lookups ------------------------------------------------------------------------------

    def lookup(self, ref: str, *, by_name: bool = False) -> _Channel | None:
        """Find a channel by id, or (for chat methods) by #name or a user id (their DM)."""
        if ref in self.channels:
            return self.channels[ref]
        if not by_name or not ref:
            return None
        if ref[0] in "UW" and ref in self.users:
            return self.im(ref)
        name = ref.removeprefix("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def channel(self, params: Params, *, write: bool = False, by_name: bool = False) -> _Channel:
        """Return the channel a call names, with Slack's visibility and membership errors."""
        channel = self.lookup(str(params.get("channel") or ""), by_name=by_name)
        if channel is None or (channel.is_private and BOT_USER_ID not in channel.members):
            raise SlackError("channel_not_found")
        if write and channel.is_archived:
            raise SlackError("is_archived")
        if write and BOT_USER_ID not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def member_channel(self, params: Params) -> _Channel:
        """Return a channel the bot must be in to read its messages."""
        channel = self.channel(params)
        if BOT_USER_ID not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def message(self, channel: _Channel, ts: Any, missing: str = "message_not_found") -> Params:
        """Return a message of `channel` or raise `missing`."""
        if not ts:
            raise SlackError(missing)
        found = channel.find(str(ts))
        if found is None:
            raise SlackError("message_not_found")
        return found

    def user(self, user_id: Any) -> Params:
        """Return a user or raise user_not_found."""
        user = self.users.get(str(user_id or ""))
        if user is None or user["deleted"]:
            raise SlackError("user_not_found")
        return user

    # -- messages -----------------------------------------------------------------------------

    def bot_message(
        self,
        text: str,
        blocks: list[Params] | None,
        attachments: list[Params] | None,
        metadata: Params | None,
    ) -> Params:
        """Return a new message authored by the bot."""
        message: Params = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": API_APP_ID,
            "text": text,
            "ts": self.next_ts(),
            "team": TEAM_ID,
            "bot_profile": copy.deepcopy(_BOT_PROFILE),
        }
        if blocks is not None:
            message["blocks"] = _stamp_blocks(blocks)
        if attachments is not None:
            message["attachments"] = copy.deepcopy(attachments)
        if metadata:
            message["metadata"] = metadata
        return message

    def append(self, channel: _Channel, message: Params, thread_ts: Any = None) -> Params:
        """Add a message to a channel, threading it under `thread_ts`'s parent when given."""
        if thread_ts:
            parent = channel.find(str(thread_ts))
            root = parent.get("thread_ts", parent["ts"]) if parent else str(thread_ts)
            message["thread_ts"] = root
            self._count_reply(channel.find(root), message)
        channel.messages.append(message)
        return message

    def _count_reply(self, parent: Params | None, reply: Params) -> None:
        """Update a thread parent's reply fields for a new reply."""
        if parent is None:
            return
        reply["parent_user_id"] = parent.get("user")
        users = parent.setdefault("reply_users", [])
        if reply["user"] not in users:
            users.append(reply["user"])
        parent.update(
            thread_ts=parent["ts"],
            reply_count=parent.get("reply_count", 0) + 1,
            reply_users_count=len(users),
            latest_reply=reply["ts"],
            is_locked=False,
            subscribed=False,
        )

    def system(self, channel: _Channel, subtype: str, user: str, text: str, **extra: Any) -> None:
        """Post a system message (join, topic) the way Slack records it in history."""
        message = {"type": "message", "subtype": subtype, "user": user, "text": text}
        channel.messages.append({**message, "ts": self.next_ts(), **extra})

    def human_message(self, user_id: str, text: str, blocks: list[Params] | None) -> Params:
        """Return a new message written by a person."""
        rich = [
            {
                "type": "rich_text",
                "block_id": secrets.token_urlsafe(4)[:5],
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ]
        return {
            "type": "message",
            "user": user_id,
            "text": text,
            "ts": self.next_ts(),
            "team": TEAM_ID,
            "client_msg_id": secrets.token_hex(16),
            "blocks": blocks if blocks is not None else rich,
        }

    def permalink(self, channel: _Channel, message: Params) -> str:
        """Return a message's permalink."""
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            link += f"?thread_ts={thread_ts}&cid={channel.id}"
        return link

    # -- auth, team, users --------------------------------------------------------------------

    @_api("auth.test")
    def auth_test(self, params: Params) -> Reply:
        """Who the token belongs to."""
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    @_api("team.info")
    def team_info(self, params: Params) -> Reply:
        """The workspace."""
        if params.get("team") not in (None, "", TEAM_ID):
            raise SlackError("team_not_found")
        team = {
            "id": TEAM_ID,
            "name": TEAM_NAME,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "domain": TEAM_DOMAIN,
            "email_domain": "example.com",
            "icon": {"image_default": True, "image_34": "https://a.slack-edge.com/img/34.png"},
            "avatar_base_url": "https://ca.slack-edge.com/",
            "is_verified": False,
        }
        return {"team": team}

    @_api("users.info")
    def users_info(self, params: Params) -> Reply:
        """One user."""
        user = copy.deepcopy(self.user(params.get("user")))
        if _flag(params.get("include_locale")):
            user["locale"] = self.locales.get(user["id"], "ja-JP")
        return {"user": user}

    @_api("users.list")
    def users_list(self, params: Params) -> Reply:
        """All users, paginated."""
        page, cursor = _page(list(self.users.values()), params, 1000, 1000)
        return {
            "members": copy.deepcopy(page),
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": cursor},
        }

    @_api("users.lookupByEmail")
    def users_lookup_by_email(self, params: Params) -> Reply:
        """A user by email address."""
        email = params.get("email")
        found = next((u for u in self.users.values() if u["profile"].get("email") == email), None)
        if not email or found is None:
            raise SlackError("users_not_found")
        return {"user": copy.deepcopy(found)}

    @_api("usergroups.list")
    def usergroups_list(self, params: Params) -> Reply:
        """All user groups (members only with include_users)."""
        groups = copy.deepcopy(list(self.usergroups.values()))
        if not _flag(params.get("include_users")):
            for group in groups:
                group.pop("users")
        return {"usergroups": groups}

    @_api("usergroups.users.list")
    def usergroups_users_list(self, params: Params) -> Reply:
        """The members of one user group."""
        group = self.usergroups.get(str(params.get("usergroup") or ""))
        if group is None:
            raise SlackError("no_such_subteam")
        return {"users": list(group["users"])}

    # -- Sign in with Slack (OpenID Connect) ---------------------------------------------------

    @_api("openid.connect.token")
    def openid_connect_token(self, params: Params) -> Reply:
        """Exchange a one-time sign-in code for the person's token and an ID token."""
        client_id = str(params.get("client_id") or "")
        if not client_id:
            raise SlackError("invalid_client_id")
        if not params.get("client_secret"):
            raise SlackError("bad_client_secret")
        grant = self.sign_in_codes.pop(str(params.get("code") or ""), None)
        if grant is None or grant["client_id"] not in (None, client_id):
            raise SlackError("invalid_code")
        if grant["redirect_uri"] not in (None, params.get("redirect_uri")):
            raise SlackError("bad_redirect_uri")
        token = f"xoxp-{secrets.token_hex(12)}"
        self.user_tokens[token] = grant
        now = int(time.time())
        claims = {
            "iss": OIDC_ISSUER,
            "sub": grant["user_id"],
            "aud": client_id,
            "exp": now + 3600,
            "iat": now,
            "auth_time": now,
            **({"nonce": grant["nonce"]} if grant["nonce"] else {}),
            "at_hash": secrets.token_urlsafe(16),
            **self._identity(grant),
        }
        return {
            "access_token": token,
            "token_type": "Bearer",
            "id_token": jwt.encode(claims, grant["signing_key"], algorithm="HS256"),
        }

    @_api("openid.connect.userInfo")
    def openid_connect_user_info(self, params: Params) -> Reply:
        """Who the person behind a Sign in with Slack token is."""
        grant = self.user_tokens.get(str(params.get("token") or ""))
        if grant is None:
            raise SlackError("invalid_auth")
        return {"sub": grant["user_id"], **self._identity(grant)}

    def _identity(self, grant: Params) -> Params:
        """The claims of the `openid` and `profile` scopes, as userInfo and the ID token hold them."""
        user = self.users.get(grant["user_id"])
        profile = user["profile"] if user else {}
        name = grant["name"] or (user["real_name"] if user else grant["user_id"])
        return {
            "https://slack.com/user_id": grant["user_id"],
            "https://slack.com/team_id": grant["team_id"],
            "name": name,
            "given_name": profile.get("first_name", name.split(" ")[0]),
            "family_name": profile.get("last_name", ""),
            "picture": profile.get("image_48", "https://secure.gravatar.com/avatar/0.jpg?s=48"),
            "locale": self.locales.get(grant["user_id"], "ja-JP").replace("-", "_"),
            "https://slack.com/team_name": TEAM_NAME if grant["team_id"] == TEAM_ID else "",
            "https://slack.com/team_domain": TEAM_DOMAIN if grant["team_id"] == TEAM_ID else "",
        }

    # -- conversations ------------------------------------------------------------------------

    @_api("conversations.create")
    def conversations_create(self, params: Params) -> Reply:
        """Create a channel; the bot is its creator and first member."""
        name = str(params.get("name") or "")
        if not name:
            raise SlackError("invalid_name_required")
        if len(name) > 80:
            raise SlackError("invalid_name_maxlength")
        if not re.fullmatch(r"[a-z0-9_-]+", name):
            raise SlackError("invalid_name_specials")
        if not re.search(r"[a-z0-9]", name):
            raise SlackError("invalid_name_punctuation")
        if any(c.name == name for c in self.channels.values()):
            raise SlackError("name_taken")
        channel = self.add_channel(
            name,
            is_private=_flag(params.get("is_private")),
            members=[BOT_USER_ID],
            creator=BOT_USER_ID,
        )
        self.system(
            channel, "channel_join", BOT_USER_ID, f"<@{BOT_USER_ID}> has joined the channel"
        )
        return {"channel": channel.info()}

    @_api("conversations.invite")
    def conversations_invite(self, params: Params) -> Reply:
        """Invite users; all or nothing unless `force`, as Slack does."""
        channel = self.channel(params, write=True)
        ids = list(dict.fromkeys(_strings(params.get("users"))))
        if not ids:
            raise SlackError("no_user")
        failed = {u: e for u in ids if (e := self._invite_error(channel, u))}
        errors = [{"user": u, "ok": False, "error": e} for u, e in failed.items()]
        if failed and not (_flag(params.get("force")) and len(failed) < len(ids)):
            raise SlackError(errors[0]["error"], errors=errors)
        for user_id in ids:
            if user_id not in failed:
                channel.members.append(user_id)
                text = f"<@{user_id}> has joined the channel"
                self.system(channel, "channel_join", user_id, text, inviter=BOT_USER_ID)
        reply: Reply = {"channel": channel.info()}
        if errors:
            reply["errors"] = errors
        return reply

    def _invite_error(self, channel: _Channel, user_id: str) -> str | None:
        """Return why a user cannot be invited, or None."""
        if user_id == BOT_USER_ID:
            return "cant_invite_self"
        if user_id not in self.users or self.users[user_id]["deleted"]:
            return "user_not_found"
        if user_id in channel.members:
            return "already_in_channel"
        return None

    @_api("conversations.info")
    def conversations_info(self, params: Params) -> Reply:
        """One channel."""
        channel = self.channel(params)
        return {"channel": channel.info(num_members=_flag(params.get("include_num_members")))}

    @_api("conversations.list")
    def conversations_list(self, params: Params) -> Reply:
        """Channels the bot can see, of the requested types."""
        types = set(_strings(params.get("types")) or ["public_channel"])
        seen = [c for c in self.channels.values() if self._listed(c, types)]
        if _flag(params.get("exclude_archived")):
            seen = [c for c in seen if not c.is_archived]
        page, cursor = _page(seen, params, 100, 1000)
        channels = [c.info() for c in page]
        return {"channels": channels, "response_metadata": {"next_cursor": cursor}}

    def _listed(self, channel: _Channel, types: set[str]) -> bool:
        """Tell whether conversations.list shows a channel for the given types."""
        if channel.is_im:
            return "im" in types
        if channel.is_private:
            return "private_channel" in types and BOT_USER_ID in channel.members
        return "public_channel" in types

    @_api("users.conversations")
    def users_conversations(self, params: Params) -> Reply:
        """Channels a user is a member of that the bot can see (private ones: bot is a member)."""
        user = str(params.get("user") or BOT_USER_ID)
        self.user(user)
        types = set(_strings(params.get("types")) or ["public_channel"])
        seen = [c for c in self.channels.values() if user in c.members and self._listed(c, types)]
        page, cursor = _page(seen, params, 100, 1000)
        return {"channels": [c.info() for c in page], "response_metadata": {"next_cursor": cursor}}

    @_api("conversations.members")
    def conversations_members(self, params: Params) -> Reply:
        """A channel's member ids, paginated."""
        page, cursor = _page(self.channel(params).members, params, 100, 1000)
        return {"members": list(page), "response_metadata": {"next_cursor": cursor}}

    @_api("conversations.setTopic")
    def conversations_set_topic(self, params: Params) -> Reply:
        """Set the topic and record Slack's channel_topic message."""
        return self._set_text_field(params, "topic")

    @_api("conversations.setPurpose")
    def conversations_set_purpose(self, params: Params) -> Reply:
        """Set the purpose (description) and record Slack's channel_purpose message."""
        return self._set_text_field(params, "purpose")

    def _set_text_field(self, params: Params, key: str) -> Reply:
        """Set a channel's topic or purpose."""
        channel = self.channel(params, write=True)
        value = str(params.get(key) or "")
        if len(value) > MAX_TOPIC:
            raise SlackError("too_long")
        setattr(channel, key, _text_field(value, BOT_USER_ID, int(time.time())))
        text = f"set the channel {key}: {value}"
        self.system(channel, f"channel_{key}", BOT_USER_ID, text, **{key: value})
        return {"channel": channel.info()}

    @_api("conversations.history")
    def conversations_history(self, params: Params) -> Reply:
        """Top-level messages, newest first; metadata only with include_all_metadata."""
        channel = self.member_channel(params)
        listed = [m for m in channel.messages if _top_level(m) and self._in_range(m, params)]
        page, cursor = _page(listed[::-1], params, 100, 999)
        meta = _flag(params.get("include_all_metadata"))
        return {
            "messages": [_public(m, with_metadata=meta) for m in page],
            "has_more": bool(cursor),
            "pin_count": len(channel.pins),
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }

    def _in_range(self, message: Params, params: Params) -> bool:
        """Apply conversations.history's oldest / latest / inclusive bounds."""
        ts = float(message["ts"])
        inclusive = _flag(params.get("inclusive"))
        oldest, latest = params.get("oldest"), params.get("latest")
        if oldest and (ts < float(oldest) or (ts == float(oldest) and not inclusive)):
            return False
        return not (latest and (ts > float(latest) or (ts == float(latest) and not inclusive)))

    @_api("conversations.replies")
    def conversations_replies(self, params: Params) -> Reply:
        """A thread: its parent first, then replies oldest first."""
        channel = self.member_channel(params)
        found = channel.find(str(params.get("ts") or ""))
        if found is None:
            raise SlackError("thread_not_found")
        root = found.get("thread_ts", found["ts"])
        thread = [m for m in channel.messages if m["ts"] == root or m.get("thread_ts") == root]
        page, cursor = _page(thread, params, 1000, 1000)
        meta = _flag(params.get("include_all_metadata"))
        return {
            "messages": [_public(m, with_metadata=meta) for m in page],
            "has_more": bool(cursor),
            "response_metadata": {"next_cursor": cursor},
        }

    @_api("conversations.join")
    def conversations_join(self, params: Params) -> Reply:
        """The bot joins a public channel."""
        channel = self.channel(params)
        if channel.is_im or channel.is_private:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("is_archived")
        if BOT_USER_ID in channel.members:
            warning = {"warning": "already_in_channel"}
            return {
                "channel": channel.info(),
                **warning,
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        channel.members.append(BOT_USER_ID)
        self.system(
            channel, "channel_join", BOT_USER_ID, f"<@{BOT_USER_ID}> has joined the channel"
        )
        return {"channel": channel.info()}

    @_api("conversations.archive")
    def conversations_archive(self, params: Params) -> Reply:
        """Archive a channel (docs.slack.dev/reference/methods/conversations.archive: errors
        already_archived, cant_archive_general, cant_archive_required, channel_not_found,
        method_not_supported_for_channel_type, not_in_channel, restricted_action)."""
        channel = self.channel(params)
        if channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("already_archived")
        if channel.is_general:
            raise SlackError("cant_archive_general")
        if channel.id in self.required_channels:
            raise SlackError("cant_archive_required")
        if BOT_USER_ID not in channel.members:
            raise SlackError("not_in_channel")
        channel.is_archived = True
        return {}

    @_api("conversations.open")
    def conversations_open(self, params: Params) -> Reply:
        """Open (or find) the bot's DM with one user."""
        users = _strings(params.get("users"))
        if params.get("channel"):
            return {"channel": self.channel(params).info()}
        if len(users) != 1:
            raise SlackError("users_list_not_supplied" if not users else "not_supported")
        self.user(users[0])
        channel = self.im(users[0])
        return {"channel": channel.info() if _flag(params.get("return_im")) else {"id": channel.id}}

    # -- chat ---------------------------------------------------------------------------------

    @_api("chat.postMessage")
    def chat_post_message(self, params: Params) -> Reply:
        """Post a message (or a thread reply) as the bot."""
        channel = self.channel(params, write=True, by_name=True)
        text, blocks, attachments = _content(params)
        message = self.bot_message(text, blocks, attachments, _metadata(params.get("metadata")))
        for key in ("unfurl_links", "unfurl_media"):
            if key in params:
                message[f"_{key}"] = _flag(params[key])
        if params.get("thread_ts") and _flag(params.get("reply_broadcast")):
            message["subtype"] = "thread_broadcast"
        self.append(channel, message, params.get("thread_ts"))
        return {"channel": channel.id, "ts": message["ts"], "message": _public(message)}

    @_api("chat.update")
    def chat_update(self, params: Params) -> Reply:
        """Edit one of the bot's messages; metadata is kept unless given ({} removes it)."""
        channel = self.channel(params, write=True)
        message = self.message(channel, params.get("ts"))
        if message.get("user") != BOT_USER_ID or message.get("subtype") not in (
            None,
            "thread_broadcast",
        ):
            raise SlackError("cant_update_message")
        text, blocks, attachments = _content(params)
        message["text"] = text
        if blocks is not None:
            message["blocks"] = _stamp_blocks(blocks)
        if attachments is not None:
            message["attachments"] = copy.deepcopy(attachments)
        if "metadata" in params:
            message.pop("metadata", None)
            if metadata := _metadata(params["metadata"]):
                message["metadata"] = metadata
        message["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        reply = {"channel": channel.id, "ts": message["ts"], "text": text}
        return {**reply, "message": _public(message)}

    @_api("chat.delete")
    def chat_delete(self, params: Params) -> Reply:
        """Delete one of the bot's messages."""
        channel = self.channel(params, write=True)
        message = self.message(channel, params.get("ts"))
        if message.get("user") != BOT_USER_ID:
            raise SlackError("cant_delete_message")
        channel.messages.remove(message)
        return {"channel": channel.id, "ts": message["ts"]}

    @_api("chat.postEphemeral")
    def chat_post_ephemeral(self, params: Params) -> Reply:
        """Show a message to one member of a channel only."""
        channel = self.channel(params, write=True, by_name=True)
        user = self.user(params.get("user"))
        if user["id"] not in channel.members:
            raise SlackError("user_not_in_channel")
        text, blocks, attachments = _content(params)
        ts = self.next_ts()
        ephemeral = {
            "type": "message",
            "channel": channel.id,
            "user": user["id"],
            "ts": ts,
            "text": text,
            "blocks": _stamp_blocks(blocks) if blocks is not None else None,
            "thread_ts": params.get("thread_ts"),
            "via": "chat.postEphemeral",
        }
        self.ephemerals.append(ephemeral)
        return {"message_ts": ts}

    @_api("chat.getPermalink")
    def chat_get_permalink(self, params: Params) -> Reply:
        """A message's permalink."""
        channel = self.channel(params)
        message = self.message(channel, params.get("message_ts"))
        return {"channel": channel.id, "permalink": self.permalink(channel, message)}

    # -- pins and reactions -------------------------------------------------------------------

    @_api("pins.add")
    def pins_add(self, params: Params) -> Reply:
        """Pin a message."""
        channel = self.channel(params, write=True)
        message = self.message(channel, params.get("timestamp"), "no_item_specified")
        if any(p["ts"] == message["ts"] for p in channel.pins):
            raise SlackError("already_pinned")
        channel.pins.append(
            {"ts": message["ts"], "created": int(time.time()), "created_by": BOT_USER_ID}
        )
        message.setdefault("pinned_to", []).append(channel.id)
        return {}

    @_api("pins.remove")
    def pins_remove(self, params: Params) -> Reply:
        """Unpin a message."""
        channel = self.channel(params, write=True)
        message = self.message(channel, params.get("timestamp"), "no_item_specified")
        pin = next((p for p in channel.pins if p["ts"] == message["ts"]), None)
        if pin is None:
            raise SlackError("not_pinned")
        channel.pins.remove(pin)
        message.pop("pinned_to", None)
        return {}

    @_api("pins.list")
    def pins_list(self, params: Params) -> Reply:
        """Pinned items, newest pin first."""
        channel = self.channel(params)
        items = []
        for pin in reversed(channel.pins):
            message = _public(channel.find(pin["ts"]) or {"ts": pin["ts"]})
            message["permalink"] = self.permalink(channel, message)
            item = {"type": "message", "created": pin["created"], "created_by": pin["created_by"]}
            items.append({**item, "channel": channel.id, "message": message})
        return {"items": items}

    @_api("reactions.add")
    def reactions_add(self, params: Params) -> Reply:
        """Add the bot's emoji reaction to a message."""
        channel = self.channel(params, write=True)
        name = str(params.get("name") or "").strip(":")
        if not re.fullmatch(r"[a-z0-9_+'-]+(::skin-tone-[2-6])?", name):
            raise SlackError("invalid_name")
        message = self.message(channel, params.get("timestamp"), "no_item_specified")
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == name), None)
        if reaction and BOT_USER_ID in reaction["users"]:
            raise SlackError("already_reacted")
        if reaction is None:
            reaction = {"name": name, "users": [], "count": 0}
            reactions.append(reaction)
        reaction["users"].append(BOT_USER_ID)
        reaction["count"] += 1
        return {}

    # -- views --------------------------------------------------------------------------------

    def exchange_trigger(self, params: Params) -> None:
        """Use up a trigger id: once only, and within the trigger's lifetime."""
        trigger = str(params.get("trigger_id") or params.get("interactivity_pointer") or "")
        if not trigger:
            raise _invalid("invalid_arguments", ["[ERROR] missing required field: trigger_id"])
        if trigger in self.exchanged_triggers:
            raise SlackError("exchanged_trigger_id")
        issued = trigger_issued_at(trigger)
        too_old = issued is not None and self.trigger_ttl is not None
        if trigger in self.expired_triggers or (
            too_old and time.time() - issued > self.trigger_ttl
        ):
            raise SlackError("expired_trigger_id")
        self.exchanged_triggers.add(trigger)

    def checked_view(self, params: Params, kind: str, own_id: str | None = None) -> Params:
        """Return the `view` argument if it is a valid view of `kind`."""
        view = params.get("view")
        if not isinstance(view, dict):
            raise _invalid(
                "invalid_arguments",
                ["[ERROR] failed to match all allowed schemas [json-pointer:/view]"],
            )
        errors = block_kit.view_errors(view, kind)
        if errors:
            raise _invalid("invalid_arguments", errors)
        external_id = view.get("external_id")
        others = [v for v in self.views.values() if v["id"] != own_id]
        if external_id and any(v["external_id"] == external_id for v in others):
            raise SlackError("duplicate_external_id")
        return view

    def store_view(self, spec: Params, view_id: str, root: str, previous: str | None) -> Params:
        """Store a view as Slack returns it, with a fresh hash."""
        view = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": spec["type"],
            "title": spec.get("title"),
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "blocks": _stamp_blocks(spec.get("blocks") or []),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "external_id": spec.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "root_view_id": root,
            "previous_view_id": previous,
            "app_id": API_APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self.views[view_id] = view
        return view

    @_api("views.open")
    def views_open(self, params: Params) -> Reply:
        """Open a modal with a trigger id."""
        spec = self.checked_view(params, "modal")
        self.exchange_trigger(params)
        view_id = self.new_id("V")
        self.stacks[view_id] = [view_id]
        return {"view": copy.deepcopy(self.store_view(spec, view_id, view_id, None))}

    @_api("views.push")
    def views_push(self, params: Params) -> Reply:
        """Push a modal onto the most recently opened stack (at most three deep)."""
        spec = self.checked_view(params, "modal")
        self.exchange_trigger(params)
        if not self.stacks:
            raise _invalid("invalid_arguments", ["[ERROR] no modal is open to push onto"])
        root, stack = next(reversed(self.stacks.items()))
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        view_id = self.new_id("V")
        stack.append(view_id)
        return {"view": copy.deepcopy(self.store_view(spec, view_id, root, stack[-2]))}

    @_api("views.update")
    def views_update(self, params: Params) -> Reply:
        """Replace a view by view_id or external_id, refusing a stale hash."""
        view_id, external_id = params.get("view_id"), params.get("external_id")
        current = self.views.get(str(view_id)) if view_id else None
        if external_id and not view_id:
            current = next(
                (v for v in self.views.values() if v["external_id"] == external_id), None
            )
        if current is None:
            raise SlackError("not_found")
        if params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        spec = self.checked_view(params, current["type"], current["id"])
        spec = {**spec, "external_id": spec.get("external_id") or current["external_id"]}
        root, previous = current["root_view_id"], current["previous_view_id"]
        return {"view": copy.deepcopy(self.store_view(spec, current["id"], root, previous))}

    @_api("views.publish")
    def views_publish(self, params: Params) -> Reply:
        """Publish a user's App Home, refusing a stale hash."""
        user = self.user(params.get("user_id"))
        view_id = self.home_views.get(user["id"]) or self.new_id("V")
        spec = self.checked_view(params, "home", view_id)
        current = self.views.get(view_id)
        if current and params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        self.home_views[user["id"]] = view_id
        return {"view": copy.deepcopy(self.store_view(spec, view_id, view_id, None))}

    # -- response_url -------------------------------------------------------------------------

    def hook_post(self, path: str, payload: Params) -> tuple[int, str]:
        """Apply a post to a response_url; return Slack's status and plain-text body."""
        hook = self.hooks.get(path)
        if hook is None:
            return 404, "no_service"
        if time.time() - hook["created"] > HOOK_TTL:
            return 404, "expired_url"
        if hook["uses"] >= HOOK_USES:
            return 404, "used_url"
        hook["uses"] += 1
        self.responses.append({"url": path, "payload": copy.deepcopy(payload), "at": time.time()})
        if _flag(payload.get("delete_original")):
            return self._delete_original(hook)
        if not payload.get("text") and not payload.get("blocks"):
            return 400, "no_text"
        if payload.get("blocks") and block_kit.message_errors(payload["blocks"]):
            return 400, "invalid_blocks"
        if _flag(payload.get("replace_original")):
            return self._replace_original(hook, payload)
        return self._respond(hook, payload)

    def _original(self, hook: Params) -> tuple[_Channel | None, Params | None]:
        """Return the channel and message (or ephemeral) a response_url belongs to."""
        channel = self.channels.get(hook["channel"])
        ts = hook["message_ts"]
        found = channel.find(ts) if channel and ts else None
        if found is None and ts:
            found = next((e for e in self.ephemerals if e["ts"] == ts), None)
        return channel, found

    def _delete_original(self, hook: Params) -> tuple[int, str]:
        """Delete the message a response_url belongs to."""
        channel, original = self._original(hook)
        if original is None:
            return 404, "message_not_found"
        holder = self.ephemerals if original in self.ephemerals else channel.messages
        holder.remove(original)
        return 200, "ok"

    def _replace_original(self, hook: Params, payload: Params) -> tuple[int, str]:
        """Replace the text and blocks of the message a response_url belongs to."""
        _, original = self._original(hook)
        if original is None:
            return 404, "message_not_found"
        original["text"] = payload.get("text", "")
        original["blocks"] = _stamp_blocks(payload.get("blocks") or [])
        original["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        return 200, "ok"

    def _respond(self, hook: Params, payload: Params) -> tuple[int, str]:
        """Post a response_url message: in the channel, or ephemerally to the user."""
        channel = self.channels.get(hook["channel"])
        blocks = payload.get("blocks")
        if payload.get("response_type") == "in_channel" and channel is not None:
            message = self.bot_message(payload.get("text", ""), blocks, None, None)
            self.append(channel, message, payload.get("thread_ts"))
            return 200, "ok"
        ephemeral = {
            "type": "message",
            "channel": hook["channel"],
            "user": hook["user"],
            "ts": self.next_ts(),
            "text": payload.get("text", ""),
            "blocks": _stamp_blocks(blocks) if blocks else None,
            "thread_ts": payload.get("thread_ts"),
            "via": "response_url",
        }
        self.ephemerals.append(ephemeral)
        return 200, "ok"

    def call(self, method: str, params: Params) -> Reply:
        """Run one Web API method; raises SlackError for Slack's error replies."""
        handler = _API.get(method)
        if handler is None:
            raise SlackError("unknown_method", req_method=method)
        return {"ok": True, **handler(self, params)}


def _bearer(header: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer …` header."""
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def _basic(header: str | None) -> Params:
    """Return client_id and client_secret from an `Authorization: Basic …` header."""
    if not header or not header.lower().startswith("basic "):
        return {}
    try:
        client_id, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return {}
    return {"client_id": client_id, "client_secret": secret}


def _multipart(body: bytes, content_type: str) -> Params:
    """Parse a multipart/form-data body into fields (file parts summarised by size)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: Params = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        fields[str(name)] = (
            data.decode("utf-8", "replace")
            if part.get_filename() is None
            else f"<{len(data)} bytes>"
        )
    return fields


def _parse_params(query: str, body: bytes, content_type: str) -> Params:
    """Merge query-string and body arguments; decode JSON-valued form fields."""
    params: Params = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if body:
        params.update(_parse_body(body, kind, content_type))
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                pass
    return params


def _parse_body(body: bytes, kind: str, content_type: str) -> Params:
    """Parse a request body of one of the content types Slack accepts."""
    if kind == "application/json":
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SlackError("invalid_json") from None
        if not isinstance(data, dict):
            raise SlackError("invalid_json")
        return data
    if kind == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise SlackError("invalid_form_data") from None
    if kind == "multipart/form-data":
        return _multipart(body, content_type)
    raise SlackError("missing_post_type" if not kind else "invalid_post_type")


class _Server(ThreadingHTTPServer):
    """The HTTP server of one FakeSlack."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, fake: FakeSlack, port: int) -> None:
        """Bind to 127.0.0.1 on `port` (0: the OS picks)."""
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    """Hands every request to the FakeSlack that owns the server."""

    server: _Server
    # Keep-alive, as Slack's API does: HTTP/1.0 (the default here) closed the connection after
    # every answer, and each call paid for a new TCP connection on the client's side.
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        """Serve a POST (slack_sdk sends most methods this way)."""
        self.server.fake._serve(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read `fake.calls` instead."""


def _send(
    req: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    """Write a complete HTTP response."""
    req.send_response(status)
    req.send_header("Content-Type", content_type)
    req.send_header("Content-Length", str(len(body)))
    req.send_header("X-Slack-Req-Id", secrets.token_hex(16))
    for name, value in (headers or {}).items():
        req.send_header(name, value)
    req.end_headers()
    req.wfile.write(body)


def _json(payload: Reply) -> bytes:
    """Encode a reply body."""
    return json.dumps(payload, ensure_ascii=False).encode()


class FakeSlack:
    """A fake Slack Web API served on 127.0.0.1 in a background thread.

    Give `fake.url` to slack_sdk as `base_url` (or to the app as SLACK_API_URL).
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] | None = None,
        port: int = 0,
        trigger_ttl: float | None = TRIGGER_TTL,
        refused_blocks_fail: bool = True,
    ) -> None:
        """Accept `tokens` (default: any token starting with xoxb-); serve on `port` (0: any).

        Block Kit that Slack would refuse fails the test when the `with` block ends, unless
        `refused_blocks_fail` is False (tests of the refusals themselves)."""
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._ws = _Workspace()
        self._ws.trigger_ttl = trigger_ttl
        self._tokens = set(tokens) if tokens is not None else None
        self._port = port
        self._faults: list[_Fault] = []
        self._random: _RandomFaults | None = None
        self._latencies: dict[str, float] = {}
        self._calls: list[Call] = []
        self.block_kit_refusals: list[Params] = []
        self._refused_blocks_fail = refused_blocks_fail
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.latency = 0.0

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Start serving in a daemon thread."""
        if self._server is None:
            self._server = _Server(self, self._port)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fake-slack",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        """Start on entering a `with` block."""
        return self.start()

    def __exit__(self, kind: object, *exc: object) -> None:
        """Stop on leaving a `with` block; fail if Block Kit was refused (and nothing else did)."""
        self.stop()
        if kind is None and self._refused_blocks_fail:
            self.assert_block_kit_accepted()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The Web API base URL, like https://slack.com/api/."""
        return f"http://127.0.0.1:{self.port}/api/"

    # -- serving ------------------------------------------------------------------------------

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        """Route one HTTP request to the Web API or to a response_url."""
        parts = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        if parts.path.startswith("/api/"):
            self._serve_api(req, parts.path[len("/api/") :], parts.query, body)
        elif parts.path.startswith(("/commands/", "/actions/")):
            self._serve_hook(req, parts.path, body)
        else:
            _send(req, 404, b"Not Found", "text/plain")

    def _serve_api(self, req: BaseHTTPRequestHandler, method: str, query: str, body: bytes) -> None:
        """Answer one Web API call: parse, record, wait, authenticate, fault, run, reply."""
        at = time.time()
        parse_error = None
        try:
            params = _parse_params(query, body, req.headers.get("Content-Type", ""))
        except SlackError as err:
            params, parse_error = {}, err
        token = _bearer(req.headers.get("Authorization")) or params.get("token")
        params.pop("token", None)
        if method in _APP_AUTH_METHODS:
            params.update(_basic(req.headers.get("Authorization")))
        call = self._record(method, params, at)
        self._sleep(method)
        error = parse_error or self._auth_error(token, method)
        if error is not None:
            return self._reply(req, call, error.reply())
        if method in _USER_TOKEN_METHODS:
            params["token"] = token
        fault = self._take_fault(method, params)
        if fault is not None and fault.arrive is not None:
            fault.arrive.wait(timeout=60)  # on its way: carried out (and answered) once it arrives
            fault = None
        carried_out = fault is not None and (fault.after_processing or fault.kind == "hold")
        if fault is not None and not carried_out:
            return self._apply_fault(req, call, fault)
        payload = self._run(method, params)
        if fault is not None and fault.reply is not None:
            fault.reply.wait(timeout=60)  # the reply on its way: the call is done in Slack
        elif fault is not None:
            return self._drop(req, call)
        self._reply(req, call, payload)

    def _auth_error(self, token: str | None, method: str = "") -> SlackError | None:
        """Return Slack's error for a missing or unaccepted token."""
        if method in _APP_AUTH_METHODS:
            return None  # the method checks the app's client id and secret
        if not token:
            return SlackError("not_authed")
        if method in _USER_TOKEN_METHODS:
            return None  # the method checks the person's token
        accepted = token.startswith("xoxb-") if self._tokens is None else token in self._tokens
        return None if accepted else SlackError("invalid_auth")

    def _run(self, method: str, params: Params) -> Reply:
        """Run a method against the workspace under the lock."""
        with self._changed:
            try:
                payload = self._ws.call(method, copy.deepcopy(params))
            except SlackError as err:
                payload = err.reply()
            except Exception as exc:  # a bug in the fake must not look like a dropped connection
                payload = {"ok": False, "error": "internal_error", "fake_exception": repr(exc)}
            self._changed.notify_all()
        messages = (payload.get("response_metadata") or {}).get("messages")
        if payload.get("error") in _BLOCK_KIT_ERRORS and messages:
            self.block_kit_refusals.append({"method": method, "messages": messages})
        return payload

    def _reply(self, req: BaseHTTPRequestHandler, call: Call, payload: Reply) -> None:
        """Send a 200 JSON reply and note its outcome."""
        self._settle(call, "ok" if payload.get("ok") else str(payload.get("error")))
        _send(req, 200, _json(payload))

    def _apply_fault(self, req: BaseHTTPRequestHandler, call: Call, fault: _Fault) -> None:
        """Answer a call with an injected failure."""
        if fault.kind == "drop":
            return self._drop(req, call)
        if fault.kind == "error":
            return self._reply(req, call, SlackError(fault.error, **fault.extra).reply())
        if fault.kind == "ratelimit":
            self._settle(call, "ratelimited")
            body = _json({"ok": False, "error": "ratelimited"})
            return _send(req, 429, body, headers={"Retry-After": str(fault.retry_after)})
        self._settle(call, f"http_{fault.status}")
        if fault.body is not None:
            return _send(req, fault.status, fault.body)
        _send(req, fault.status, _HTML_500, "text/html; charset=utf-8")

    def _drop(self, req: BaseHTTPRequestHandler, call: Call) -> None:
        """Close the connection without any response."""
        self._settle(call, "dropped")
        req.close_connection = True

    def _serve_hook(self, req: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        """Answer a post to a response_url."""
        try:
            payload = json.loads(body or b"{}")
        except json.JSONDecodeError:
            payload = dict(parse_qsl(body.decode("utf-8", "replace")))
        payload = payload if isinstance(payload, dict) else {}
        call = self._record("response_url", {"url": path, **payload}, time.time())
        self._sleep("response_url")
        with self._changed:
            status, text = self._ws.hook_post(path, payload)
            self._changed.notify_all()
        if text == "invalid_blocks":
            messages = block_kit.message_errors(payload.get("blocks"))
            self.block_kit_refusals.append({"method": "response_url", "messages": messages})
        self._settle(call, text)
        _send(req, status, text.encode(), "text/plain; charset=utf-8")

    def _record(self, method: str, params: Params, at: float) -> Call:
        """Append a call to the log."""
        call = Call(method, copy.deepcopy(params), at)
        if self._refused_blocks_fail:  # not the tests that send what Slack refuses on purpose
            _collect_block_kit(method, params)
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        return call

    def _settle(self, call: Call, outcome: str) -> None:
        """Note how a call ended."""
        with self._changed:
            call.outcome = outcome
            self._changed.notify_all()

    def _sleep(self, method: str) -> None:
        """Wait the configured latency (outside the lock)."""
        with self._lock:
            delay = self.latency + self._latencies.get(method, 0.0) + self._latencies.get("*", 0.0)
        if delay > 0:
            time.sleep(delay)

    # -- fault injection ----------------------------------------------------------------------

    def _queue(self, fault: _Fault) -> None:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)

    def fail(
        self,
        method: str,
        error: str = "name_taken",
        times: int | None = 1,
        *,
        when: Callable[[Params], bool] | None = None,
        **extra: Any,
    ) -> None:
        """Answer the next `times` calls (None: all) with ok:false and `error` (HTTP 200)."""
        self._queue(_Fault(method, "error", times, error=error, when=when, extra=extra))

    def fail_http(
        self,
        method: str,
        status: int = 500,
        times: int | None = 1,
        *,
        body: bytes | None = None,
        when: Callable[[Params], bool] | None = None,
    ) -> None:
        """Answer with an HTTP error status (an HTML page unless `body` is given)."""
        self._queue(_Fault(method, "http", times, status=status, body=body, when=when))

    def rate_limit(
        self,
        method: str,
        retry_after: int = 1,
        times: int | None = 1,
        *,
        when: Callable[[Params], bool] | None = None,
    ) -> None:
        """Answer HTTP 429 with Retry-After and {"ok": false, "error": "ratelimited"}."""
        self._queue(_Fault(method, "ratelimit", times, retry_after=retry_after, when=when))

    def drop(
        self,
        method: str,
        times: int | None = 1,
        *,
        after_processing: bool = False,
        when: Callable[[Params], bool] | None = None,
    ) -> None:
        """Close the connection without a response (after applying the call if asked)."""
        fault = _Fault(method, "drop", times, after_processing=after_processing, when=when)
        self._queue(fault)

    def hold(self, method: str, *, when: Callable[[Params], bool] | None = None) -> threading.Event:
        """Carry out the next call of `method` (a message posted is in the channel, for all to
        see and answer) but answer the caller only once the returned event is set: a reply
        still on its way, or a caller too busy to read it yet."""
        reply = threading.Event()
        self._queue(_Fault(method, "hold", 1, when=when, reply=reply))
        return reply

    def delay(
        self, method: str, *, when: Callable[[Params], bool] | None = None
    ) -> threading.Event:
        """Carry out the next call of `method` only once the returned event is set (and answer
        it then): a call still on its way to Slack, which calls sent after it overtake."""
        arrive = threading.Event()
        self._queue(_Fault(method, "delay", 1, when=when, arrive=arrive))
        return arrive

    def set_latency(self, method: str, seconds: float) -> None:
        """Add `seconds` to every call of `method` ("*": all methods)."""
        with self._lock:
            self._latencies[method] = seconds

    def random_faults(
        self,
        rate: float = 0.2,
        seed: int | None = None,
        *,
        methods: Iterable[str] = ("*",),
        kinds: Iterable[str] = ("http_500", "ratelimited", "dropped"),
        retry_after: int = 1,
    ) -> None:
        """Fail a `rate` share of calls at random with one of `kinds` (also "dropped_after")."""
        with self._lock:
            self._random = _RandomFaults(
                rate, random.Random(seed), tuple(kinds), frozenset(methods), retry_after
            )

    def clear_faults(self) -> None:
        """Remove every queued and random fault (latency stays)."""
        with self._lock:
            self._faults.clear()
            self._random = None

    def _take_fault(self, method: str, params: Params) -> _Fault | None:
        """Return the fault that applies to a call, consuming one use of it."""
        with self._lock:
            matching = [f for f in self._faults if f.matches(method, params)]
            specific = [f for f in matching if f.method == method]
            fault = (specific or matching or [None])[0]
            if fault is None:
                return self._random_fault(method)
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault

    def _random_fault(self, method: str) -> _Fault | None:
        """Draw a random fault, when random faults are on."""
        settings = self._random
        if settings is None or not ({"*", method} & settings.methods):
            return None
        if settings.rng.random() >= settings.rate:
            return None
        kind = settings.rng.choice(settings.kinds)
        if kind == "ratelimited":
            return _Fault(method, "ratelimit", 1, retry_after=settings.retry_after)
        if kind in ("dropped", "dropped_after"):
            return _Fault(method, "drop", 1, after_processing=kind == "dropped_after")
        return _Fault(method, "http", 1, status=int(kind.removeprefix("http_")))

    # -- set-up -------------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, **fields: Any) -> Params:
        """Add a person (real_name=, tz=, email=, is_admin=, locale=, is_bot=)."""
        with self._lock:
            return copy.deepcopy(self._ws.add_user(user_id, name, **fields))

    def add_usergroup(
        self, usergroup_id: str, handle: str, users: Iterable[str], *, name: str | None = None
    ) -> Params:
        """Add a user group with its members."""
        with self._lock:
            return copy.deepcopy(self._ws.add_usergroup(usergroup_id, handle, list(users), name))

    def sign_in_code(
        self,
        user_id: str,
        *,
        team_id: str = TEAM_ID,
        name: str | None = None,
        nonce: str | None = None,
        client_id: str | None = None,
        redirect_uri: str | None = None,
    ) -> str:
        """Return the one-time code Slack's authorize page gives when `user_id` of `team_id`
        approves Sign in with Slack; pass the authorize URL's nonce, client_id and redirect_uri
        to have the token exchange check them (None: anything goes). Names come from the
        workspace's users unless `name` is given (people of other workspaces)."""
        code = f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**12)}.{secrets.token_hex(32)}"
        grant = {
            "user_id": user_id,
            "team_id": team_id,
            "name": name,
            "nonce": nonce,
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "signing_key": secrets.token_hex(32),
        }
        with self._lock:
            self._ws.sign_in_codes[code] = grant
        return code

    def add_channel(
        self,
        name: str,
        *,
        is_private: bool = False,
        members: Iterable[str] = (),
        channel_id: str | None = None,
    ) -> str:
        """Add a channel (the bot is in it only if listed in `members`); return its id."""
        with self._lock:
            return self._ws.add_channel(
                name, is_private=is_private, members=members, channel_id=channel_id
            ).id

    def add_member(self, channel: str, user_id: str) -> None:
        """Put a user (or the bot, U0BOT) in a channel without any API call."""
        with self._changed:
            members = self._channel(channel).members
            if user_id not in members:
                members.append(user_id)
            self._changed.notify_all()

    def remove_member(self, channel: str, user_id: str) -> None:
        """Take a user out of a channel."""
        with self._changed:
            members = self._channel(channel).members
            if user_id in members:
                members.remove(user_id)
            self._changed.notify_all()

    def post_as(
        self,
        user_id: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        blocks: list[Params] | None = None,
    ) -> Params:
        """Post a message as a person (e.g. one to run a message shortcut on); return it."""
        with self._changed:
            target = self._channel(channel)
            message = self._ws.human_message(user_id, text, blocks)
            self._ws.append(target, message, thread_ts)
            self._changed.notify_all()
            return {**_public(message), "channel": target.id}

    def expire_trigger(self, trigger_id: str) -> None:
        """Make views.open / views.push answer expired_trigger_id for this trigger."""
        with self._lock:
            self._ws.expired_triggers.add(trigger_id)

    @property
    def trigger_ttl(self) -> float | None:
        """Seconds a trigger id made by `new_trigger_id` stays usable (None: forever)."""
        return self._ws.trigger_ttl

    @trigger_ttl.setter
    def trigger_ttl(self, seconds: float | None) -> None:
        """Change the trigger lifetime."""
        with self._lock:
            self._ws.trigger_ttl = seconds

    def response_url(
        self,
        channel_id: str,
        user_id: str,
        message_ts: str | None = None,
        *,
        kind: str = "commands",
    ) -> str:
        """Return a response_url served by this fake, bound to a channel, user and message."""
        with self._lock:
            path = self._ws.new_hook(kind, channel_id, user_id, message_ts)
        return f"http://127.0.0.1:{self.port}{path}"

    # -- readers ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call received so far, in arrival order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str, *, outcome: str | None = None) -> list[Call]:
        """Calls of one method (optionally only those that ended with `outcome`)."""
        return [
            c
            for c in self.calls
            if c.method == method and (outcome is None or c.outcome == outcome)
        ]

    def call_counts(self) -> dict[str, int]:
        """How many times each method was called."""
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return counts

    def assert_block_kit_accepted(self) -> None:
        """Fail when the fake refused any Block Kit (the test that sent it fails, with why)."""
        if self.block_kit_refusals:
            lines = [f"{r['method']}: {m}" for r in self.block_kit_refusals for m in r["messages"]]
            raise AssertionError(
                "Slack would refuse Block Kit sent in this test (rules and their sources: "
                "tests/fakes/block_kit.py):\n" + "\n".join(lines)
            )

    def reset_calls(self) -> None:
        """Forget the calls received so far."""
        with self._lock:
            self._calls.clear()

    def _channel(self, ref: str) -> _Channel:
        """Return a channel by id or name (KeyError when absent)."""
        found = self._ws.lookup(ref, by_name=True)
        if found is None:
            raise KeyError(f"no channel {ref!r}")
        return found

    def channel(self, ref: str) -> Params:
        """A channel (by id or name) as conversations.info shows it, plus its `members`."""
        with self._lock:
            found = self._channel(ref)
            return {**found.info(num_members=True), "members": list(found.members)}

    def channel_by_name(self, name: str) -> Params | None:
        """A channel by name (None when absent)."""
        with self._lock:
            found = next((c for c in self._ws.channels.values() if c.name == name), None)
            return None if found is None else self.channel(found.id)

    @property
    def channels(self) -> list[Params]:
        """Every channel (not DMs), oldest first."""
        with self._lock:
            ids = [c.id for c in self._ws.channels.values() if not c.is_im]
            return [self.channel(i) for i in ids]

    def members(self, channel: str) -> list[str]:
        """The member ids of a channel."""
        with self._lock:
            return list(self._channel(channel).members)

    def messages(self, channel: str, *, system: bool = False) -> list[Params]:
        """A channel's messages oldest first, thread replies included (joins/topic if `system`)."""
        with self._lock:
            found = self._channel(channel)
            chosen = [
                m
                for m in found.messages
                if system or "subtype" not in m or m["subtype"] == "thread_broadcast"
            ]
            return [self._reader_message(found, m) for m in chosen]

    def _reader_message(self, channel: _Channel, message: Params) -> Params:
        """A stored message for assertions: Slack's fields plus channel and unfurl flags."""
        out = {**_public(message), "channel": channel.id}
        out.setdefault("thread_ts", None)
        out.setdefault("blocks", None)
        out.setdefault("metadata", None)
        for key in ("unfurl_links", "unfurl_media"):
            if f"_{key}" in message:
                out[key] = message[f"_{key}"]
        return out

    def message(self, channel: str, ts: str) -> Params | None:
        """One message of a channel by ts."""
        return next((m for m in self.messages(channel, system=True) if m["ts"] == ts), None)

    def thread(self, channel: str, ts: str) -> list[Params]:
        """A thread's parent and replies, oldest first."""
        return [m for m in self.messages(channel) if ts in (m["ts"], m["thread_ts"])]

    def posts_with_metadata(self, event_type: str, channel: str | None = None) -> list[Params]:
        """Messages whose metadata has `event_type`, across channels (or in one), oldest first."""
        with self._lock:
            chosen = [self._channel(channel)] if channel else list(self._ws.channels.values())
            found = [
                self._reader_message(c, m)
                for c in chosen
                for m in c.messages
                if (m.get("metadata") or {}).get("event_type") == event_type
            ]
        return sorted(found, key=lambda m: float(m["ts"]))

    def ephemerals(self, user: str | None = None, channel: str | None = None) -> list[Params]:
        """Ephemeral messages (chat.postEphemeral and response_url), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self._ws.ephemerals
                if (user is None or e["user"] == user)
                and (channel is None or e["channel"] == channel)
            ]

    def responses(self) -> list[Params]:
        """Every post to a response_url: {url, payload, at}."""
        with self._lock:
            return copy.deepcopy(self._ws.responses)

    def pins(self, channel: str) -> list[Params]:
        """The pinned messages of a channel, in pin order."""
        with self._lock:
            found = self._channel(channel)
            pinned = [found.find(p["ts"]) for p in found.pins]
            return [self._reader_message(found, m) for m in pinned if m is not None]

    def topic(self, channel: str) -> str:
        """A channel's topic."""
        with self._lock:
            return str(self._channel(channel).topic["value"])

    def purpose(self, channel: str) -> str:
        """A channel's purpose."""
        with self._lock:
            return str(self._channel(channel).purpose["value"])

    @property
    def views(self) -> list[Params]:
        """Every view (modals and Home tabs) in its latest state, oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._ws.views.values()))

    def view(self, view_id: str) -> Params | None:
        """One view by id."""
        with self._lock:
            return copy.deepcopy(self._ws.views.get(view_id))

    def home_view(self, user_id: str) -> Params | None:
        """The App Home view last published for a user."""
        with self._lock:
            view_id = self._ws.home_views.get(user_id)
            return copy.deepcopy(self._ws.views.get(view_id)) if view_id else None

    def user(self, user_id: str) -> Params:
        """A user object."""
        with self._lock:
            return copy.deepcopy(self._ws.users[user_id])

    def snapshot(self) -> Params:
        """A JSON-serialisable copy of the state and the number of calls per method."""
        with self._lock:
            channels = [
                {
                    **self.channel(c.id),
                    "topic": c.topic["value"],
                    "purpose": c.purpose["value"],
                    "pins": [p["ts"] for p in c.pins],
                    "messages": self.messages(c.id, system=True),
                }
                for c in self._ws.channels.values()
            ]
            return {
                "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN, "bot_user_id": BOT_USER_ID},
                "users": sorted(self._ws.users),
                "usergroups": {g["handle"]: list(g["users"]) for g in self._ws.usergroups.values()},
                "channels": channels,
                "ephemerals": self.ephemerals(),
                "responses": self.responses(),
                "views": self.views,
                "calls": self.call_counts(),
            }

    # -- waiting ------------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], Any], within: float = 5.0) -> Any:
        """Block until `predicate()` is truthy (re-checked on every change); return its value."""
        deadline = time.monotonic() + within
        with self._changed:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(within))
                self._changed.wait(min(remaining, 0.05))

    async def wait_for_async(self, predicate: Callable[[], Any], within: float = 5.0) -> Any:
        """Like `wait_for`, without blocking the running event loop."""
        deadline = time.monotonic() + within
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(within))
            await asyncio.sleep(0.01)

    def _timeout_message(self, timeout: float) -> str:
        """Explain a wait that timed out with the calls seen so far."""
        recent = [(c.method, c.outcome) for c in self.calls[-10:]]
        return f"condition not met within {timeout}s; calls: {self.call_counts()}; last: {recent}"
