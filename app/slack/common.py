"""Small helpers shared by the Slack listeners: decoding action values, replying, DB outages."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import DBAPIError, OperationalError

from app.i18n import t
from app.runtime import Runtime
from app.slack.blocks import dump
from app.work.queue import WorkSpec

log = logging.getLogger(__name__)

REPORT = "slack.report"  # the work row a `/leak` is recorded as (app.incidents.reports)


def respond_spec(
    response_url: str, text: str, blocks: list[Block] | None = None, *, replace: bool = False
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


def incident_id_of(data: dict[str, Any]) -> int | None:
    value = data.get("i")
    # a row id: a 64-bit integer in both databases (a larger one is nobody's incident)
    return value if isinstance(value, int) and 0 < value < 2**63 else None


async def reply_later(
    runtime: Runtime,
    response_url: str | None,
    text: str,
    blocks: list[Block] | None = None,
    *,
    replace: bool = False,
) -> None:
    """An ephemeral answer through response_url, sent by the worker off the ack path."""
    if response_url:
        await runtime.queue.enqueue(respond_spec(response_url, text, blocks, replace=replace))


def guarded(
    runtime: Runtime,
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """A database outage answers the user with "try again" instead of a 500 and a silent loss."""

    def wrap(listener: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(listener)
        async def run(**kwargs: Any) -> Any:
            try:
                return await listener(**kwargs)
            except (OperationalError, DBAPIError, OSError):
                log.exception("database unavailable in %s", listener.__name__)
                ack = kwargs.get("ack")
                if ack is not None:
                    await ack(
                        text=t("command.unavailable", runtime.settings.language),
                        response_type="ephemeral",
                    )
                return None

        return run

    return wrap
