"""The ledger: every incident writer goes through it — lock the row, chain the event, add the
work it implies, count. One instance is shared by the service's parts (intake, assessment, …)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import Executable

from app.db import alone, autocommit_sessions, transaction
from app.incidents import deadlines, queries, rows
from app.incidents.config import Authority, Config
from app.incidents.errors import NotFound, ServiceError
from app.incidents.reactions import Event, Reactions
from app.incidents.timeline import data_hash, event_hash
from app.models import Counter, Incident, IncidentStatus, TimelineEvent, WorkItem, utcnow
from app.postgres import Lane
from app.triage import Policy, default_policy
from app.work.queue import WorkSpec, add_work

Values = dict[str, Any]  # a row's or an event's values by name


class Ledger:
    """The sessions, settings and clock the service's parts share, and the one way they write."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        config: Config | None = None,
        authority: Authority | Callable[[], Authority] = Authority(),
        reactions: Reactions | None = None,
        clock: Callable[[], datetime] = utcnow,
        reads: async_sessionmaker[AsyncSession] | None = None,
        lane: Lane | None = None,
    ) -> None:
        self.sessions = sessions
        self.reads = reads or sessions
        self.lane = lane  # PostgreSQL: the hottest reads on asyncpg directly (Reads.snapshot)
        self._alone = autocommit_sessions(sessions)
        self.config = config or Config()
        self._authority = authority
        self.reactions = reactions or Reactions()
        deadlines.register(self.reactions)
        self.clock = clock

    @property
    def policy(self) -> Policy:
        return self.config.policy or default_policy()

    @property
    def authority(self) -> Authority:
        # A callable lets a settings change (removing a PR lead) take effect at once.
        return self._authority() if callable(self._authority) else self._authority

    def write(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One transaction on the writer: commits on success, rolls back on any error."""
        return transaction(self.sessions)

    def write_alone(self) -> AbstractAsyncContextManager[AsyncSession]:
        """For a write whose statements each stand alone (one, or a second only when the first
        wrote nothing): on PostgreSQL each commits as it runs, with no BEGIN and COMMIT round
        trips (`app.db.alone`; under READ COMMITTED a statement sees the same inside a
        transaction or not); on SQLite `write`."""
        return alone(self._alone) if self._alone is not None else self.write()

    async def run_alone(self, statement: Executable, params: Values) -> list[tuple[Any, ...]]:
        """The rows of one Core statement that stands alone (as in `write_alone`): on the lane
        where there is one (PostgreSQL, `app.postgres.Lane`: no session, about 400 µs of CPU
        fewer), else in a `write_alone` session."""
        if self.lane is not None:
            return await self.lane.rows(statement, params)
        async with self.write_alone() as session:
            return [tuple(row) for row in await session.execute(statement, params)]

    async def lock(
        self, session: AsyncSession, incident_id: int, *, open_only: bool = False
    ) -> Incident:
        """Takes the incident row for update, so timeline appends for one incident serialise."""
        return (await self.lock_with(session, incident_id, queries.LOCK, open_only=open_only))[0]

    async def lock_with(
        self, session: AsyncSession, incident_id: int, statement: Any, *, open_only: bool = False
    ) -> Any:
        """`lock` by `statement`, whose row is the incident (taken for update) and what it reads
        beside it in the same statement (`:incident_id`): the row."""
        row = (await session.execute(statement, {"incident_id": incident_id})).one_or_none()
        if row is None:
            raise NotFound(f"incident {incident_id}")
        if open_only and row[0].status != IncidentStatus.OPEN:
            raise ServiceError("closed", row[0].key)
        return row

    async def append(
        self,
        session: AsyncSession,
        incident: Incident,
        kind: str,
        actor: str,
        data: dict[str, Any],
        at: datetime | None = None,
    ) -> TimelineEvent:
        """Chains an event onto a locked incident and records it with what it implies."""
        event = self.chain(incident, kind, actor, data, at or self.clock())
        await self.record(session, incident, event)
        return event

    @property
    def chain_key(self) -> bytes | None:
        """The newest chain key (None: plain SHA-256, as before keys existed)."""
        return self.config.chain_keys[0] if self.config.chain_keys else None

    def chain(
        self, incident: Incident, kind: str, actor: str, data: dict[str, Any], at: datetime
    ) -> TimelineEvent:
        """The incident's next timeline event, hash-chained to the last; moves the head on."""
        return TimelineEvent(**self.chained(incident, kind, actor, data, at))

    def chained(
        self, incident: Incident, kind: str, actor: str, data: dict[str, Any], at: datetime
    ) -> Values:
        """`chain`'s event as the columns of its row (its incident's id aside)."""
        event = self._next_event(incident, kind, actor, data, at)
        incident.timeline_seq, incident.timeline_head, incident.updated_at = (
            event["seq"],
            event["hash"],
            at,
        )
        return event

    def _next_event(
        self, incident: Incident, kind: str, actor: str, data: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
        """The columns of the incident's next event, its hash chained to the current head."""
        seq = incident.timeline_seq + 1
        digest = data_hash(data)
        return {
            "seq": seq,
            "at": at,
            "actor": actor,
            "kind": kind,
            "data": data,
            "data_hash": digest,
            "prev_hash": incident.timeline_head,
            "hash": event_hash(
                incident_key=incident.key,
                seq=seq,
                at=at,
                actor=actor,
                kind=kind,
                data_digest=digest,
                prev_hash=incident.timeline_head,
                key=self.chain_key,
            ),
        }

    async def append_now(
        self,
        session: AsyncSession,
        incident: Incident,
        kind: str,
        actor: str,
        data: Values,
        *,
        changes: Values | None = None,
        answer: Values | None = None,
        at: datetime | None = None,
    ) -> None:
        """`append` written at once in Core statements, with no unit of work, for a write that
        changes nothing else: the head's UPDATE (with the incident's `changes`, by column), the
        event, an `answer` (its field, value, actor and answered_at) if given, the work rows
        the event implies; then the event's hooks. On PostgreSQL one statement when the event
        implies at most one work row (app.incidents.rows.written_at_once). At `at` (else now;
        an answer's at its answered_at)."""
        at = answer["answered_at"] if answer else at or self.clock()
        event = {"incident_id": incident.id, **self._next_event(incident, kind, actor, data, at)}
        changes = changes or {}
        head = {"of_incident": incident.id, "new_seq": event["seq"], "new_head": event["hash"]}
        head.update(moved_at=at, **rows.prefixed("set_", changes))
        answer = {"incident_id": incident.id, **answer} if answer else None
        happened = Event(incident, kind, actor, data, at)
        works = [
            rows.work_row(
                session, rows.work_values(spec, at, self.config.max_attempts), incident.id
            )
            for spec in self.reactions(happened)
        ]
        changed = tuple(changes)
        if len(works) <= 1 and dialect(session) == "postgresql":
            values = {**head, **rows.prefixed("e_", event), **rows.prefixed("a_", answer or {})}
            values.update(rows.prefixed("w_", works[0] if works else {}))
            statement = rows.written_at_once(changed, answer is not None, bool(works))
            row_id = (await session.execute(statement, values)).scalar_one()
            for work in works:
                rows.written(session, work, int(row_id))
        else:
            await session.execute(rows.move_head(changed), head)
            await session.execute(rows.INSERT_EVENT, event)
            if answer is not None:
                await session.execute(rows.INSERT_ANSWER, answer)
            for work in works:
                row_id = (await session.execute(rows.INSERT_WORK, work)).scalar_one()
                rows.written(session, work, int(row_id))
        # The object as the database now has it, with nothing left for a flush to write.
        moved = {"timeline_seq": event["seq"], "timeline_head": event["hash"], "updated_at": at}
        for name, value in {**moved, **changes}.items():
            set_committed_value(incident, name, value)
        for hook in self.reactions.hooks(kind):
            await hook(session, happened)

    async def record(self, session: AsyncSession, incident: Incident, event: TimelineEvent) -> None:
        """Adds a chained event with the work and in-transaction hooks it implies."""
        event.incident_id = incident.id
        session.add(event)
        happened = Event(incident, event.kind, event.actor, event.data or {}, event.at)
        for spec in self.reactions(happened):
            self.add_work(session, spec, incident.id, event.at)
        hooks = self.reactions.hooks(event.kind)
        if not hooks:
            # Written with the transaction's next flush (before its next query, or at commit):
            # the events, answers and work rows of several appends go in one INSERT each, and
            # the incident's row in one UPDATE.
            return
        await session.flush()  # the hooks read what was written
        for hook in hooks:
            await hook(session, happened)

    def add_work(
        self, session: AsyncSession, spec: WorkSpec, incident_id: int | None, now: datetime
    ) -> WorkItem:
        """A work row in the caller's transaction, with the configured number of attempts."""
        return add_work(
            session, spec, incident_id=incident_id, now=now, max_attempts=self.config.max_attempts
        )

    async def next_counter(self, session: AsyncSession, name: str) -> int:
        """The next value of a named counter (incident keys per year, channels per day)."""
        statement = _NEXT_COUNTER[dialect(session) == "postgresql"]
        return int((await session.execute(statement, {"name": name})).scalar_one())


def dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name


def _next_counter_statement(insert: Any) -> Any:
    return (
        insert(Counter)
        .values(name=bindparam("name"), value=1)
        .on_conflict_do_update(index_elements=[Counter.name], set_={"value": Counter.value + 1})
        .returning(Counter.value)
    )


_NEXT_COUNTER = (_next_counter_statement(sqlite.insert), _next_counter_statement(postgresql.insert))
