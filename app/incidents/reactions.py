"""What each timeline event implies for the outside world: work rows, added in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Incident
from app.work.queue import WorkSpec


@dataclass(frozen=True)
class Event:
    """A timeline event as reactions see it, with the incident it belongs to."""

    incident: Incident
    kind: str
    actor: str
    data: dict[str, Any]
    at: datetime


Reaction = Callable[[Event], Iterable[WorkSpec]]
Hook = Callable[[AsyncSession, Event], Awaitable[None]]


class Reactions:
    """A registry of reactions by event kind, optionally limited to one chat platform."""

    def __init__(self) -> None:
        self._by_kind: dict[str, list[tuple[str | None, Reaction]]] = defaultdict(list)
        self._hooks: dict[str, list[Hook]] = defaultdict(list)

    def within(self, *kinds: str) -> Callable[[Hook], Hook]:
        """Registers an async hook that runs inside the event's transaction (e.g. to reschedule
        follow-ups); it may read and write through the session, never call out."""

        def register(fn: Hook) -> Hook:
            for kind in kinds:
                self._hooks[kind].append(fn)
            return fn

        return register

    def hooks(self, kind: str) -> list[Hook]:
        return self._hooks.get(kind, []) + self._hooks.get("*", [])

    def on(self, *kinds: str, platform: str | None = None) -> Callable[[Reaction], Reaction]:
        def register(fn: Reaction) -> Reaction:
            for kind in kinds:
                self._by_kind[kind].append((platform, fn))
            return fn

        return register

    def __call__(self, event: Event) -> list[WorkSpec]:
        specs: list[WorkSpec] = []
        for platform, fn in self._by_kind.get(event.kind, []) + self._by_kind.get("*", []):
            if platform is None or platform == event.incident.platform:
                specs.extend(fn(event))
        return specs
