"""A signed Slack request's body: refused before it is read when it is not Slack's (`refusal`),
parsed into bolt's request once (`bolt_request_of`), and checked against Slack's shapes before
bolt dispatches it (`malformed`)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi import Request
from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from yarl import query_to_pairs

OBJECT_FIELDS = ("user", "team", "channel", "view", "message", "container", "enterprise", "event")
# Slack's replay window (docs.slack.dev/authentication/verifying-requests-from-slack)
STALE_SECONDS = 5 * 60
BOLT_REFUSAL = {"error": "invalid request"}


def refusal(body: bytes, headers: Any, secret: str, now: float) -> str | None:
    """Why a request is not Slack's (None when it is): checked before bolt sees the body, so an
    unsigned body is never parsed, and the log says what was refused and why, never its body."""
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature:
        return "no signature headers"
    if not timestamp.isdigit() or len(timestamp) > 12:
        return "malformed timestamp"
    if abs(now - int(timestamp)) > STALE_SECONDS:
        return "stale timestamp (outside Slack's five minutes)"
    expected = (
        "v0="
        + hmac.new(
            secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256
        ).hexdigest()
    )
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None


def is_command(body: bytes) -> bool:
    return b"command=" in body and not body.lstrip().startswith(b"{")


def bolt_request_of(request: Request, body: bytes, once: dict[str, Any] | None) -> Any:
    """bolt's request for a signed body, its body parsed here (`parsed_body`), not by bolt:
    bolt decodes a form with the standard library's `parse_qsl`, pure Python, 1.2 ms for a
    12 kB interaction (a button press sends the whole message it is on, Japanese text
    percent-encoded three bytes a character); yarl's decoder (C, aiohttp's) takes 0.01 ms."""
    text = body.decode("utf-8")
    bolt_request = AsyncBoltRequest(body="", query=request.query_params, headers=request.headers)
    bolt_request.raw_body = text  # (what bolt's own signature check reads)
    bolt_request.body = parsed_body(text, bolt_request.content_type, is_command(body))
    bolt_request.context = build_async_context(AsyncBoltContext(once or {}), bolt_request.body)
    return bolt_request


def parsed_body(text: str, content_type: str | None, command: bool) -> dict[str, Any]:
    """The body as bolt parses it (`slack_bolt.request.internals.parse_body`): JSON, or a form's
    `payload` field's JSON, or the form's fields. bolt reads any form holding the word
    "payload" as an interaction and finds no fields in a slash command whose text has it (a
    report "malicious payload on the file server" would be lost): such a command is its fields."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        return json.loads(text)
    fields = dict(query_to_pairs(text))
    if "payload" not in text:
        return fields
    if "payload" in fields:
        return json.loads(fields["payload"])
    return fields if command else {}


def malformed(body: bytes, parsed: Any) -> str | None:
    """What makes a (signed) body not one of Slack's shapes, or None. `parsed` is the body as
    bolt parsed it (the form's fields, its `payload`'s JSON, or the JSON): what its listeners
    would get, checked before bolt dispatches it, whose own logging fails on some shapes."""
    if b"\x00" in body or b"\\u0000" in body or _holds_nul(parsed):
        return "a NUL character"  # PostgreSQL stores no NUL in text; Slack never sends one
    if not isinstance(parsed, dict):
        return "not a JSON object"
    if body.lstrip()[:1] in (b"{", b"[") or body.strip() in (b"true", b"false", b"null"):
        return _event_shape(parsed)
    if "command" in parsed and is_command(body):  # (its text may hold the word "payload")
        missing = [f for f in ("user_id", "channel_id", "team_id") if not parsed.get(f)]
        return f"a command without {', '.join(missing)}" if missing else None
    if b"payload" in body:  # bolt takes such a form's `payload` (JSON) as the body
        return _interaction_shape(parsed)
    if not parsed:
        return "an empty body"
    return None


def _holds_nul(value: Any) -> bool:
    """Whether any key or string in a parsed body holds a NUL, or JSON's escape of one as text
    (a form's fields are percent-decoded, a payload's strings JSON-decoded by then)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or "\\u0000" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _event_shape(data: dict[str, Any]) -> str | None:
    if not isinstance(data.get("type"), str):
        return "no type"
    if data["type"] == "event_callback" and not isinstance(data.get("event"), dict):
        return "an event without its event"
    return _objects(data)


def _interaction_shape(data: Any) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return "an interaction without a type"
    if not isinstance(data.get("user"), dict) or not isinstance(data["user"].get("id"), str):
        return "an interaction without a user"
    if "view" in data and data["view"] is None:  # bolt's own logging assumes an object
        return "a null view"
    return _objects(data)


def _objects(data: dict[str, Any]) -> str | None:
    if any(data.get(key) is not None and not isinstance(data[key], dict) for key in OBJECT_FIELDS):
        return "a field that should be an object"
    actions = data.get("actions")
    if actions is not None and not (
        isinstance(actions, list) and all(isinstance(a, dict) for a in actions)
    ):
        return "actions that are not objects"
    return None
