"""App Home: the open incidents whose rooms the user is in."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.slack.common import deps_of
from app.work.queue import WorkSpec


async def home_opened(ack: Any, event: dict[str, Any], context: Any) -> None:
    await ack()
    if event.get("tab", "home") != "home":
        return
    await deps_of(context).queue.enqueue(
        WorkSpec("slack.publish_home", {"user": event["user"], "team": context.team_id})
    )


async def ignore_messages(ack: Any) -> None:
    await ack()


def register(bolt: AsyncApp) -> None:
    bolt.event("app_home_opened")(home_opened)
    bolt.event("message")(ignore_messages)
