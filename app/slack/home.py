"""App Home: the open incidents whose rooms the user is in."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.runtime import Runtime
from app.work.queue import WorkSpec


def register(bolt: AsyncApp, runtime: Runtime) -> None:
    @bolt.event("app_home_opened")
    async def home_opened(ack: Any, event: dict[str, Any], context: Any) -> None:
        await ack()
        if event.get("tab", "home") != "home":
            return
        await runtime.queue.enqueue(
            WorkSpec("slack.publish_home", {"user": event["user"], "team": context.team_id})
        )

    @bolt.event("message")
    async def ignore_messages(ack: Any) -> None:
        await ack()
