"""Chat bookkeeping: the incident's room (its name and channel) and each message the bot posts
by purpose (`ref`), so every handler posts once and a retry finds what was already posted."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.incidents import queries
from app.incidents.crypto import vault
from app.incidents.ledger import Ledger, dialect
from app.models import ChatMessage, Incident, WorkItem, WorkStatus
from app.vocabulary import EventKind

# How many posted messages each process remembers where they are (`Messages.message_ref`).
POSTED_LIMIT = 10_000


class Posted(NamedTuple):
    """A posted message as the process remembers it, read like a `ChatMessage`. The cache
    keeps its values as a plain tuple, which the garbage collector stops tracking; a kept ORM
    instance was about six tracked objects (its state, its dict, …) that every full collection
    walked, up to 60,000 of them, pausing the event loop longer as the process served more
    incidents."""

    id: int
    incident_id: int
    ref: str
    channel_id: str
    ts: str | None
    thread_ts: str | None
    work_id: int | None
    created_at: datetime


class Messages:
    """Where an incident's room is and what was posted in it."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        # Messages posted, as saved or found, by (incident, ref). A ref's row gets its ts once,
        # when its one post is made (`claim_message` lets one work row post it), and no path
        # rewrites or deletes it (incidents are never deleted: a purge keeps the row), so a ref
        # with a ts reads the same forever. One not found (or reserved, its ts not set yet) is
        # not kept: it may be posted the next moment.
        self._posted: dict[tuple[int, str], tuple[Any, ...]] = {}  # Posted's values

    async def reserve_room_name(
        self, incident_id: int, day: str, name: Callable[[int], str]
    ) -> str:
        """The room's next name to try: `name` of the day's next number (the NNN of
        `leak-YYYYMMDD-NNN-slug`, unique per day), remembered on the incident before the room
        is made (no timeline event: nothing happened yet), in one transaction."""
        async with self.ledger.write() as session:
            chosen = name(await self.ledger.next_counter(session, f"channel:{day}"))
            await session.execute(
                update(Incident)
                .where(Incident.id == incident_id)
                .values(channel_name=chosen)
                .execution_options(synchronize_session=False)
            )
        return chosen

    async def record_room(
        self, incident_id: int, *, channel_id: str, channel_name: str, actor: str = "leakdesk"
    ) -> Incident:
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id)
            if incident.channel_id == channel_id:
                return incident
            room = {"channel_id": channel_id, "channel_name": channel_name}
            await self.ledger.append_now(
                session, incident, EventKind.ROOM_CREATED, actor, room, changes=room
            )
            return incident

    async def message_ref(self, incident_id: int, ref: str) -> ChatMessage | Posted | None:
        """The message posted (or being posted) for `ref`; None when nothing was reserved."""
        key = (incident_id, ref)
        if (posted := self._posted.get(key)) is not None:
            return Posted._make(posted)
        async with self.ledger.reads() as session:
            found = (
                await session.execute(queries.MESSAGE, {"incident_id": incident_id, "ref": ref})
            ).scalar_one_or_none()
        if found is not None:
            self._remember(found)
        return found

    def _remember(self, posted: ChatMessage | Posted) -> None:
        if posted.ts is None:
            return
        if len(self._posted) >= POSTED_LIMIT:
            self._posted.clear()
        self._posted[(posted.incident_id, posted.ref)] = (
            posted.id,
            posted.incident_id,
            posted.ref,
            posted.channel_id,
            posted.ts,
            posted.thread_ts,
            posted.work_id,
            posted.created_at,
        )

    async def room_work_left(
        self, incident_id: int, prefix: str, but: int, idle: tuple[str, ...] = ()
    ) -> int:
        """How many of the room's rows (kinds starting `prefix`) other than `but` are still to
        run — archiving waits for them, so nothing is left to post into an archived room —
        leaving out the `idle` kinds, which stand down once the incident is closed."""
        async with self.ledger.reads() as session:
            count = await session.scalar(
                select(func.count()).where(
                    WorkItem.incident_id == incident_id,
                    WorkItem.kind.startswith(prefix),
                    WorkItem.kind.not_in(idle),
                    WorkItem.status.in_((WorkStatus.PENDING, WorkStatus.CLAIMED)),
                    WorkItem.id != but,
                )
            )
        return int(count or 0)

    async def message_refs(self, incident_id: int, prefix: str) -> list[ChatMessage]:
        async with self.ledger.reads() as session:
            return list(
                (
                    await session.execute(
                        select(ChatMessage)
                        .where(
                            ChatMessage.incident_id == incident_id,
                            ChatMessage.ref.startswith(prefix),
                        )
                        .order_by(ChatMessage.id)
                    )
                ).scalars()
            )

    async def claim_message(
        self,
        incident_id: int,
        ref: str,
        channel_id: str,
        work_id: int,
        thread_ts: str | None = None,
    ) -> ChatMessage | None:
        """Reserves the right to post `ref` for work row `work_id`, in one statement.

        None: post it now (reserved now, or reserved by this row before and not posted yet).
        A message: do not post (already posted, its ts is set; or another row holds it)."""
        claims = await self.claim_messages(incident_id, {ref: thread_ts}, channel_id, work_id)
        return claims[ref]

    async def claim_messages(
        self, incident_id: int, refs: dict[str, str | None], channel_id: str, work_id: int
    ) -> dict[str, ChatMessage | None]:
        """`claim_message` for each of `refs` (ref → thread), in one transaction: one
        statement when none of them was reserved before."""
        now = self.ledger.clock()
        values = [
            {
                "incident_id": incident_id,
                "ref": ref,
                "channel_id": channel_id,
                "thread_ts": thread_ts,
                "work_id": work_id,
                "created_at": now,
            }
            for ref, thread_ts in refs.items()
        ]
        async with self.ledger.write_alone() as session:  # (it reads only what it did not write)
            reserve = _RESERVE[dialect(session) == "postgresql"]
            reserved = set((await session.execute(reserve, values)).scalars())
            known = {}
            if held := [ref for ref in refs if ref not in reserved]:
                found = await session.execute(
                    queries.MESSAGES, {"incident_id": incident_id, "refs": held}
                )
                known = {message.ref: message for message in found.scalars()}
        return {
            ref: None if ref in reserved else _posted_or_held(known[ref], work_id) for ref in refs
        }

    async def save_message_ref(
        self, incident_id: int, ref: str, channel_id: str, ts: str, thread_ts: str | None = None
    ) -> None:
        """Records where `ref` was posted (its reservation gets the ts; a message posted without
        one, by an interaction, gets a row, only when nothing was updated)."""
        params = {"of_incident": incident_id, "of_ref": ref, "posted_ts": ts}
        found = await self.ledger.run_alone(_POSTED, params)
        posted: ChatMessage | Posted
        if found:
            posted = Posted._make(found[0])
        else:
            posted = ChatMessage(
                incident_id=incident_id,
                ref=ref,
                channel_id=channel_id,
                ts=ts,
                thread_ts=thread_ts,
                created_at=self.ledger.clock(),
            )
            async with self.ledger.write_alone() as session:
                session.add(posted)
        self._remember(posted)  # committed: the row as stored, for the edits that follow


def _posted_or_held(known: ChatMessage, work_id: int) -> ChatMessage | None:
    """A ref reserved before: None when it is this row's and not posted yet (post it now)."""
    return None if known.ts is None and known.work_id == work_id else known


def _reserve_statement(insert: Any) -> Any:
    """Reserves refs for a work row (each ref's values as parameters: one set, or several in
    one statement), returning the refs reserved now; none for a ref reserved already. Core:
    the ORM adds nothing to it."""
    table = ChatMessage.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["incident_id", "ref"])
        .returning(table.c.ref)
    )


_RESERVE = (_reserve_statement(sqlite.insert), _reserve_statement(postgresql.insert))

_MESSAGES = ChatMessage.__table__
_POSTED = (
    update(_MESSAGES)
    # (an UPDATE's parameters may not be named as its table's columns)
    .where(
        _MESSAGES.c.incident_id == bindparam("of_incident"), _MESSAGES.c.ref == bindparam("of_ref")
    )
    .values(ts=bindparam("posted_ts"))
    .returning(*(_MESSAGES.c[name] for name in Posted._fields))
)
"""Gives the reservation for `:of_ref` of `:of_incident` the ts it was posted at
(`:posted_ts`), returning it as `Posted`'s values. Core: on PostgreSQL it runs on the lane."""


def room_slug(incident: Incident) -> str:
    """The words of a room's name: from the (masked) title, or, when the database is encrypted,
    a neutral word: a channel's name is stored and shown in plain text, where the title is not."""
    if vault.active:
        return "incident"
    return slugify(incident.title) or "incident"


def slugify(text: str, limit: int = 40) -> str:
    """An ASCII slug for channel names; empty when the text has no ASCII letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")
