"""Inbound Slack requests (commands, interactions, events) signed exactly as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0001"
TEAM_DOMAIN = "leakdesk-test"
API_APP_ID = "A0LEAKDESK"
BOT_USER_ID = "U0BOT"
VERIFICATION_TOKEN = "fake-verification-token"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Headers = dict[str, str]
Signed = tuple[bytes, Headers]
ResponseUrlFactory = Callable[..., str]

_counter = itertools.count(1)
# Slack's option-carrying elements and the state key each one reports its choice under.
_SINGLE_CHOICE = {
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
}
_MULTI_CHOICE = {
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
}
_SCALAR_STATE = {
    "plain_text_input": "value",
    "number_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}


def sign(
    body: bytes, secret: str, timestamp: int | None = None, content_type: str | None = None
) -> Headers:
    """Return the headers Slack sends with `body`: v0 HMAC-SHA256 signature, timestamp, type."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    kind = content_type or (JSON if body.lstrip().startswith(b"{") else FORM)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": kind,
    }


def retry_headers(num: int, reason: str = "http_timeout") -> Headers:
    """Return the headers Slack adds when it redelivers an event."""
    return {"X-Slack-Retry-Num": str(num), "X-Slack-Retry-Reason": reason}


def new_trigger_id(issued_at: float | None = None) -> str:
    """Return a trigger id shaped like Slack's whose first part is its issue time in ms."""
    issued = time.time() if issued_at is None else issued_at
    return f"{int(issued * 1000)}.{secrets.randbelow(10**9):09d}.{secrets.token_hex(11)[:21]}"


def trigger_issued_at(trigger_id: str) -> float | None:
    """Return the issue time encoded by `new_trigger_id`, or None for any other trigger id."""
    head = trigger_id.split(".", 1)[0]
    return int(head) / 1000 if len(head) == 13 and head.isdigit() else None


def hooks_url(kind: str = "commands", team_id: str = TEAM_ID) -> str:
    """Return a response_url shaped like Slack's (it points at Slack, not at a fake)."""
    return f"https://hooks.slack.com/{kind}/{team_id}/{next(_counter)}/{secrets.token_urlsafe(18)}"


def _action_ts() -> str:
    """Return an action_ts like Slack's (seconds with microseconds)."""
    return f"{time.time():.6f}"


def _user(user_id: str, user_name: str | None, team_id: str) -> dict[str, Any]:
    """Return the `user` object of an interaction payload."""
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str) -> dict[str, Any]:
    """Return the `team` object of an interaction payload."""
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _payload_body(payload: dict[str, Any]) -> bytes:
    """Encode an interaction payload the way Slack posts it: a form with one `payload` field."""
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()


def slash_command(
    text: str = "",
    *,
    command: str = "/leak",
    user_id: str = "U0REPORTER",
    user_name: str = "reporter",
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    response_url: str | None = None,
    token: str = VERIFICATION_TOKEN,
    api_app_id: str = API_APP_ID,
) -> bytes:
    """Return a slash command's form body with Slack's fields in Slack's order."""
    fields = {
        "token": token,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or hooks_url("commands", team_id),
        "trigger_id": trigger_id or new_trigger_id(),
    }
    return urlencode(fields).encode()


def _action(
    action_id: str,
    value: str | None,
    *,
    block_id: str | None,
    action_type: str,
    selected_option: dict[str, Any] | None,
    selected_options: list[dict[str, Any]] | None,
    text: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return one entry of a block_actions payload's `actions` list."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id or secrets.token_urlsafe(4),
        "type": action_type,
        "action_ts": _action_ts(),
    }
    if action_type == "button":
        action["text"] = text or {"type": "plain_text", "text": value or action_id, "emoji": True}
    if value is not None:
        action["value"] = value
    if selected_option is not None:
        action["selected_option"] = selected_option
    if selected_options is not None:
        action["selected_options"] = selected_options
    return action


def block_actions(
    action_id: str,
    value: str | None = None,
    *,
    user_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
    block_id: str | None = None,
    selected_options: list[dict[str, Any]] | None = None,
    selected_option: dict[str, Any] | None = None,
    action_type: str = "button",
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    message: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
    user_name: str | None = None,
    state: dict[str, Any] | None = None,
    channel_name: str | None = None,
    button_text: dict[str, Any] | None = None,
) -> bytes:
    """Return a `block_actions` interaction body (a button press or a choice in a menu)."""
    ts = message_ts or (message or {}).get("ts")
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container or _container(channel_id, ts, view),
        "trigger_id": trigger_id or new_trigger_id(),
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if view is not None:
        payload["view"] = view
    else:
        payload["channel"] = {"id": channel_id, "name": channel_name or channel_id}
        payload["message"] = message or {"type": "message", "ts": ts, "text": "", "blocks": []}
        payload["state"] = state or {"values": {}}
        payload["response_url"] = response_url or hooks_url("actions", team_id)
    payload["actions"] = [
        _action(
            action_id,
            value,
            block_id=block_id,
            action_type=action_type,
            selected_option=selected_option,
            selected_options=selected_options,
            text=button_text,
        )
    ]
    return _payload_body(payload)


def _container(
    channel_id: str | None, message_ts: str | None, view: dict[str, Any] | None
) -> dict[str, Any]:
    """Return the `container` Slack reports for an action in a message or a view."""
    if view is not None:
        return {"type": "view", "view_id": view.get("id")}
    return {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }


def view_submission(
    callback_id: str,
    values: dict[str, dict[str, Any]],
    *,
    user_id: str,
    private_metadata: str = "",
    team_id: str = TEAM_ID,
    view_id: str = "V0001",
    view: dict[str, Any] | None = None,
    user_name: str | None = None,
) -> bytes:
    """Return a `view_submission` body; `values` is `view.state.values` ({block: {action: ...}})."""
    shown = dict(view or {})
    shown.update(
        {
            "id": shown.get("id", view_id),
            "team_id": team_id,
            "type": shown.get("type", "modal"),
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": _normalise_values(values)},
        }
    )
    for key, default in _VIEW_DEFAULTS.items():
        shown.setdefault(key, default)
    shown.setdefault("root_view_id", shown["id"])
    payload = {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, user_name, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": new_trigger_id(),
        "view": shown,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _payload_body(payload)


_VIEW_DEFAULTS: dict[str, Any] = {
    "blocks": [],
    "title": {"type": "plain_text", "text": "Modal"},
    "close": None,
    "submit": None,
    "hash": "1700000000.abcdef12",
    "clear_on_close": False,
    "notify_on_close": False,
    "previous_view_id": None,
    "external_id": "",
    "app_id": API_APP_ID,
    "app_installed_team_id": TEAM_ID,
    "bot_id": "B0BOT",
}


def _normalise_values(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Expand shorthand state values: a bare string becomes a plain_text_input value."""
    out: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        out[block_id] = {
            action_id: v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}
            for action_id, v in actions.items()
        }
    return out


def message_action(
    callback_id: str,
    *,
    user_id: str,
    channel_id: str,
    message_text: str,
    message_ts: str,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    message_user: str = "U0REPORTER",
    response_url: str | None = None,
    channel_name: str = "general",
    user_name: str | None = None,
) -> bytes:
    """Return a `message_action` body: a message shortcut chosen on someone's message."""
    payload = {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _action_ts(),
        "team": _team(team_id),
        "user": _user(user_id, user_name, team_id),
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url or hooks_url("actions", team_id),
        "message_ts": message_ts,
        "message": {
            "type": "message",
            "user": message_user,
            "ts": message_ts,
            "text": message_text,
            "team": team_id,
        },
    }
    return _payload_body(payload)


def event_callback(
    event: dict[str, Any],
    *,
    team_id: str = TEAM_ID,
    event_id: str | None = None,
    event_time: int | None = None,
) -> bytes:
    """Return an Events API `event_callback` JSON body wrapping `event`."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


def url_verification(challenge: str) -> bytes:
    """Return the JSON body Slack sends to verify an Events API request URL."""
    payload = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(payload).encode()


def app_home_opened(user_id: str, *, tab: str = "home", view: dict | None = None) -> dict:
    """Return an `app_home_opened` event (to wrap with `event_callback`)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": f"D{user_id[1:]}",
        "tab": tab,
        "event_ts": _action_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


def _iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Yield (block_id, element) for every interactive element in `blocks`."""
    for block in blocks:
        block_id = block.get("block_id")
        for element in block.get("elements") or []:
            if isinstance(element, dict) and "action_id" in element:
                yield block_id, element
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, dict) and "action_id" in element:
                yield block_id, element


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str | None, dict[str, Any]]:
    """Return (block_id, element) of the element with `action_id`; KeyError when absent."""
    for block_id, element in _iter_elements(blocks):
        if element["action_id"] == action_id:
            return block_id, element
    shown = sorted(e["action_id"] for _, e in _iter_elements(blocks))
    raise KeyError(f"no element with action_id {action_id!r}; the blocks have {shown}")


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every option of a select, radio or checkbox element (option groups flattened)."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    """Return the option of `element` whose value is `value`; KeyError when absent."""
    for option in _options(element):
        if option.get("value") == value:
            return option
    shown = [o.get("value") for o in _options(element)]
    raise KeyError(f"{element['action_id']!r} has no option {value!r}; it has {shown}")


def element_state(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    """Return the `state.values` entry Slack reports for `answer` given to `element`."""
    kind = element.get("type", "plain_text_input")
    state: dict[str, Any] = {"type": kind}
    if kind in _SINGLE_CHOICE:
        state[_SINGLE_CHOICE[kind]] = None if answer is None else _option(element, answer)
    elif kind in _MULTI_CHOICE:
        state[_MULTI_CHOICE[kind]] = [_option(element, v) for v in answer or []]
    else:
        state[_SCALAR_STATE.get(kind, "value")] = answer
    return state


def view_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return `state.values` for a view whose inputs were filled with `answers` by action_id."""
    values: dict[str, dict[str, Any]] = {}
    unknown = set(answers)
    for block_id, element in _iter_elements(view.get("blocks") or []):
        action_id = element["action_id"]
        if element.get("type") == "button":
            continue
        unknown.discard(action_id)
        answer = answers.get(action_id, _initial(element))
        values.setdefault(block_id or "", {})[action_id] = element_state(element, answer)
    if unknown:
        raise KeyError(f"the view has no input with action_id {sorted(unknown)}")
    return values


def _initial(element: dict[str, Any]) -> Any:
    """Return what an untouched element reports: its initial value, if any."""
    if "initial_option" in element:
        return element["initial_option"].get("value")
    if "initial_options" in element:
        return [o.get("value") for o in element["initial_options"]]
    for key in ("initial_value", "initial_date", "initial_time", "initial_user"):
        if key in element:
            return element[key]
    return None


def _press_fields(blocks: list[dict[str, Any]], action_id: str, value: Any) -> dict[str, Any]:
    """Return the block_actions fields for pressing (or choosing in) the element `action_id`."""
    block_id, element = find_element(blocks, action_id)
    kind = element.get("type", "button")
    if kind == "button":
        return {
            "value": element.get("value"),
            "block_id": block_id,
            "action_type": kind,
            "button_text": element.get("text"),
        }
    state = element_state(element, value)
    return {
        "value": state.get("value"),
        "block_id": block_id,
        "action_type": kind,
        "selected_option": state.get("selected_option"),
        "selected_options": state.get("selected_options"),
        "state": {"values": {block_id or "": {action_id: state}}},
    }


class SlackRequests:
    """Builds signed requests for one app: each method returns (body, headers) for httpx."""

    def __init__(
        self,
        secret: str,
        *,
        team_id: str = TEAM_ID,
        response_url: ResponseUrlFactory | None = None,
    ) -> None:
        """Sign with `secret`; `response_url(channel, user, message_ts, kind=)` makes hook URLs."""
        self.secret = secret
        self.team_id = team_id
        self._response_url = response_url

    def signed(self, body: bytes, timestamp: int | None = None) -> Signed:
        """Return `body` with Slack's signature headers."""
        return body, sign(body, self.secret, timestamp)

    def _hook(self, kind: str, channel_id: str | None, user_id: str, ts: str | None) -> str:
        """Return a response_url, from the factory when one was given."""
        if self._response_url is None or channel_id is None:
            return hooks_url(kind, self.team_id)
        return self._response_url(channel_id, user_id, ts, kind=kind)

    def slash(
        self,
        text: str = "",
        *,
        user_id: str = "U0REPORTER",
        channel_id: str = "C0GENERAL",
        **kw: Any,
    ) -> Signed:
        """Return a signed slash command (`/leak` unless `command=` says otherwise)."""
        kw.setdefault("response_url", self._hook("commands", channel_id, user_id, None))
        kw.setdefault("team_id", self.team_id)
        body = slash_command(text, user_id=user_id, channel_id=channel_id, **kw)
        return self.signed(body)

    def block_actions(self, action_id: str, value: str | None = None, **kw: Any) -> Signed:
        """Return a signed block_actions request built from explicit fields."""
        if kw.get("view") is None:
            ts = kw.get("message_ts") or (kw.get("message") or {}).get("ts")
            hook = self._hook("actions", kw.get("channel_id"), kw["user_id"], ts)
            kw.setdefault("response_url", hook)
        kw.setdefault("team_id", self.team_id)
        return self.signed(block_actions(action_id, value, **kw))

    def press(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        user_id: str,
        value: Any = None,
        channel_id: str | None = None,
    ) -> Signed:
        """Return the request Slack sends when `user_id` presses or picks `action_id` in `message`.

        `message` is a posted message (e.g. from `FakeSlack.messages`); for menus and checkboxes
        `value` is the chosen option value (a list for multi-selects).
        """
        fields = _press_fields(message.get("blocks") or [], action_id, value)
        return self.block_actions(
            action_id,
            fields.pop("value"),
            user_id=user_id,
            channel_id=channel_id or message.get("channel"),
            message=_as_payload_message(message),
            **fields,
        )

    def press_in_view(
        self, view: dict[str, Any], action_id: str, *, user_id: str, value: Any = None
    ) -> Signed:
        """Return the request Slack sends when `user_id` presses `action_id` in a modal or Home."""
        fields = _press_fields(view.get("blocks") or [], action_id, value)
        fields.pop("state", None)
        return self.block_actions(
            action_id, fields.pop("value"), user_id=user_id, view=view, **fields
        )

    def view_submission(
        self, callback_id: str, values: dict[str, dict[str, Any]], **kw: Any
    ) -> Signed:
        """Return a signed view_submission built from explicit state values."""
        kw.setdefault("team_id", self.team_id)
        return self.signed(view_submission(callback_id, values, **kw))

    def submit(self, view: dict[str, Any], answers: dict[str, Any], *, user_id: str) -> Signed:
        """Return the view_submission Slack sends when `user_id` fills `view` and presses submit.

        `view` is an opened view (e.g. from `FakeSlack.views`); `answers` maps action_id to what
        the person typed or chose (option values for menus, lists for multi-selects).
        """
        return self.view_submission(
            view.get("callback_id", ""),
            view_state(view, answers),
            user_id=user_id,
            private_metadata=view.get("private_metadata", ""),
            view_id=view.get("id", "V0001"),
            view=view,
        )

    def message_action(self, callback_id: str, **kw: Any) -> Signed:
        """Return a signed message shortcut request."""
        kw.setdefault("team_id", self.team_id)
        if "response_url" not in kw:
            hook = self._hook("actions", kw["channel_id"], kw["user_id"], kw["message_ts"])
            kw["response_url"] = hook
        return self.signed(message_action(callback_id, **kw))

    def event(self, event: dict[str, Any], *, retry: int = 0, **kw: Any) -> Signed:
        """Return a signed event_callback; `retry` > 0 adds Slack's redelivery headers."""
        kw.setdefault("team_id", self.team_id)
        body, headers = self.signed(event_callback(event, **kw))
        if retry:
            headers.update(retry_headers(retry))
        return body, headers

    def redeliver(self, body: bytes, num: int = 1, reason: str = "http_timeout") -> Signed:
        """Return the same event body re-signed now, as Slack's retry number `num`."""
        body, headers = self.signed(body)
        headers.update(retry_headers(num, reason))
        return body, headers

    def url_verification(self, challenge: str) -> Signed:
        """Return a signed url_verification request."""
        return self.signed(url_verification(challenge))


def _as_payload_message(message: dict[str, Any]) -> dict[str, Any]:
    """Return `message` as Slack embeds it in a payload (no fake-only keys such as channel)."""
    return {k: v for k, v in message.items() if k not in {"channel", "ephemeral", "via"}}
