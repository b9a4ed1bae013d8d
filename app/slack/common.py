"""Shared by the Slack listeners: their dependencies, decoding action values, replying, outages."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DBAPIError, OperationalError

from app.i18n import t
from app.incidents.service import IncidentService
from app.settings import Settings
from app.slack.blocks import dump
from app.slack.elements import AnyBlock
from app.work.queue import WorkQueue, WorkSpec

log = logging.getLogger(__name__)

REPORT = "slack.report"  # the work row a `/leak` is recorded as (app.incidents.reports)
# The context key of a signed command's once-only id (its signature), set by app.slack.app:
# a report records it in its own transaction, any other command first (`first_time`).
DELIVERY = "delivery"


def signed_delivery(headers: Any) -> str:
    """A signed request's once-only id: its signature (a replay within the five minutes it is
    good for carries the same one)."""
    return "sig:" + str(headers.get("x-slack-signature") or "")[:120]


async def first_time(deps: Deps, context: Any) -> bool:
    """Whether a command is not a replay: records its signature (a command that came without
    one, over Socket Mode, has nothing to replay)."""
    delivery = context.get(DELIVERY)
    if delivery is None:
        return True
    try:
        if await deps.service.first_delivery(delivery):
            return True
    except Exception as exc:  # the database is down (whatever its driver raises):
        log.warning("could not record a command's signature: %s", type(exc).__name__)
        return True  # the listener's own write fails, and says "try again" (`guarded`)
    log.info("refused a replayed Slack command")
    return False


def respond_spec(
    response_url: str, text: str, blocks: Sequence[AnyBlock] | None = None, *, replace: bool = False
) -> WorkSpec:
    """An ephemeral answer through response_url, as a work row."""
    payload: dict[str, Any] = {"response_url": response_url, "text": text, "replace": replace}
    if blocks:
        payload["blocks"] = dump(blocks)
    return WorkSpec("slack.respond", payload)


async def group_members(client: Any, group: str) -> list[str] | None:
    """A user group's members, read live from Slack (so a removal takes effect at once); None
    when Slack does not know the group here (another workspace's, or deleted). A call that
    failed (HTTP error, rate limit) raises SlackApiError."""
    try:
        response = await client.usergroups_users_list(usergroup=group)
    except SlackApiError as exc:
        if exc.response.status_code == 200:
            log.warning("user group %s: %s", group, exc.response.get("error"))
            return None
        raise
    return list(response.get("users", []))


def decode(value: str | None) -> dict[str, Any]:
    """Our button values are small JSON objects; anything else is refused as malformed."""
    try:
        data = json.loads(value or "")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel an interaction came from (an ephemeral message's container says it too)."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return channel if isinstance(channel, str) else None


def incident_id_of(data: dict[str, Any]) -> int | None:
    value = data.get("i")
    # a row id: a 64-bit integer in both databases (a larger one is nobody's incident)
    return value if isinstance(value, int) and 0 < value < 2**63 else None


@dataclass(frozen=True)
class Deps:
    """What Slack's listeners need, handed to each request in bolt's context (`gate`)."""

    service: IncidentService
    queue: WorkQueue
    settings: Settings


Check = Callable[[dict[str, Any], Any], Awaitable[BoltResponse | None]]


def gate(checks: list[Check], deps: Deps) -> Callable[..., Awaitable[Any]]:
    """One bolt middleware: each check (the body, bolt's context) in order, the first refusal
    it returns answers the request; past them all, every listener gets its dependencies as
    `context["deps"]`. (One middleware, not one each: bolt inspects a middleware's arguments
    and builds them anew on every call, a tenth of a millisecond an acknowledgement for four.)"""

    async def middleware(body: dict[str, Any], context: Any, next: Any) -> Any:  # noqa: A002
        for check in checks:
            refusal = await check(body, context)
            if refusal is not None:
                return refusal
        context["deps"] = deps
        return await next()

    return middleware


def deps_of(context: Any) -> Deps:
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps


async def reply_later(
    queue: WorkQueue,
    response_url: str | None,
    text: str,
    blocks: Sequence[AnyBlock] | None = None,
    *,
    replace: bool = False,
) -> None:
    """An ephemeral answer through response_url, sent by the worker off the ack path."""
    if response_url:
        await queue.enqueue(respond_spec(response_url, text, blocks, replace=replace))


def guarded(listener: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A database outage answers the user with "try again" instead of a 500 and a silent loss.
    (The listener names `context` among its arguments: bolt passes only those it names.)"""

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> Any:
        try:
            return await listener(**kwargs)
        except (OperationalError, DBAPIError, OSError):
            log.exception("database unavailable in %s", listener.__name__)
            ack = kwargs.get("ack")
            if ack is not None:
                language = deps_of(kwargs["context"]).settings.language
                await ack(text=t("command.unavailable", language), response_type="ephemeral")
            return None

    return run
