"""What the work table holds and what its handlers say: a row to add (in the caller's
transaction), a claimed row, and the outcomes a handler raises (retry, defer, give up)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import WorkItem, WorkStatus
from app.work import at_once


@dataclass(frozen=True)
class WorkSpec:
    """Work to do later, written in the same transaction as the change that implies it."""

    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    due_at: datetime | None = None
    dedupe_key: str | None = None
    max_attempts: int | None = None


@dataclass
class Claimed:
    """A claimed row as the handler sees it; `attempt` is the fencing token. `shown` is the
    oldest state of its incident (its `timeline_seq`) that an edit of this run showed, set by
    the handler (`app.rooms.posting.Posting.update`): if the incident has moved past it by
    the time the row completes, the row runs again (`app.work.claims.DONE`)."""

    id: int
    kind: str
    incident_id: int | None
    payload: dict[str, Any]
    due_at: datetime
    attempt: int
    max_attempts: int
    created_at: datetime | None = None
    shown: int | None = None

    def showed(self, seq: int) -> None:
        """An edit of this run showed the incident at `seq` on its timeline."""
        self.shown = seq if self.shown is None else min(self.shown, seq)

    def wrote(self, seq: int) -> None:
        """This run put the event `seq` on its incident's timeline itself (the room's
        `room.ready`, after its posts). Written right after the state its edits showed, it
        leaves them current: whatever the event changes in the room is done by the work the
        event implies, not by this row run again (which would write the event twice). After
        another row's event, the incident has moved on all the same."""
        if self.shown == seq - 1:
            self.shown = seq

    @classmethod
    def of(cls, row: WorkItem) -> Claimed:
        """A row this worker wrote claimed (app.work.at_once), as its handler sees it."""
        return cls(
            row.id,
            row.kind,
            row.incident_id,
            row.payload,
            row.due_at,
            row.attempts,
            row.max_attempts,
            row.created_at,
        )


class Retry(Exception):  # noqa: N818 - it is a request, not an error
    """Raised by a handler to try again later, e.g. after Slack's Retry-After."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Defer(Exception):  # noqa: N818 - not an error either
    """Raised by a handler that must not run yet (e.g. paced under Slack's rate limits): the row
    is released and runs again after `after` seconds, without spending one of its attempts;
    with `payload`, the row's payload from then on (what this run did that the next must not
    do again, such as telling the reporter), written in the same statement."""

    def __init__(self, reason: str, after: float, *, payload: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.after = after
        self.payload = payload


def waiting_on(
    item: Claimed, reason: str, *, now: datetime, patience: timedelta = timedelta(hours=1)
) -> Defer | Retry:
    """What a handler raises when its row waits on another (a room not made yet, a verdict not
    posted yet): deferred, backing off to 30 s and spending no attempt, for `patience` after
    the row was written — a storm's rooms may wait minutes for Slack's channel limit — then
    retried, so a wait that never ends runs out of attempts and shows as dead on the timeline."""
    age = (now - item.created_at).total_seconds() if item.created_at else 0.0
    if age < patience.total_seconds():
        return Defer(reason, after=min(30.0, max(1.0, age / 10)))
    return Retry(reason, after=30)


class Permanent(Exception):  # noqa: N818
    """Raised by a handler when trying again cannot help; the row goes dead at once."""


Handler = Callable[[Claimed], Awaitable[None]]
DeadHook = Callable[[AsyncSession, WorkItem, datetime], Awaitable[None]]


def add_work(
    session: AsyncSession,
    spec: WorkSpec,
    *,
    incident_id: int | None,
    now: datetime,
    max_attempts: int = 8,
) -> WorkItem:
    """Adds a row to the caller's transaction (so it commits with the change, or not at all)."""
    item = WorkItem(
        incident_id=incident_id,
        kind=spec.kind,
        payload=spec.payload,
        due_at=spec.due_at or now,
        status=WorkStatus.PENDING,
        attempts=0,
        max_attempts=spec.max_attempts or max_attempts,
        dedupe_key=spec.dedupe_key,
        created_at=now,
    )
    session.add(item)
    at_once.offer(session, item)  # a worker in this process may take it at once
    return item


def backoff(attempt: int, *, base: float = 2.0, cap: float = 900.0) -> float:
    """Seconds before the next try: 2, 4, 8 … up to 15 minutes."""
    return min(cap, base**attempt)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
