"""Reads: what adapters and renderers ask about incidents (on the reader pool), and the small
reads the service's parts and the follow-up scheduler share inside their own sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents import queries, snapshot_row
from app.incidents.errors import NotFound
from app.incidents.snapshot import AnswerDetail, Snapshot
from app.incidents.timeline import verify_chain
from app.models import (
    ActionItem,
    Followup,
    Incident,
    IncidentStatus,
    Statement,
    TimelineEvent,
    Verdict,
)
from app.sealed import SealedJSON
from app.vocabulary import StatementKind, StatementStatus

if TYPE_CHECKING:  # the ledger's deadlines read through this module
    from app.incidents.ledger import Ledger


class Reads:
    """Incidents, verdicts, statements and timelines as they are now; never writes."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def get(self, incident_id: int) -> Incident:
        async with self.ledger.reads() as session:
            incident = await session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id}")
            return incident

    async def find(self, key_or_id: str) -> Incident:
        async with self.ledger.reads() as session:
            query = select(Incident).where(Incident.key == key_or_id.upper())
            if key_or_id.isdigit():
                query = select(Incident).where(Incident.id == int(key_or_id))
            incident = (await session.execute(query)).scalar_one_or_none()
            if incident is None:
                raise NotFound(f"incident {key_or_id}")
            return incident

    async def find_by_channel(self, channel_id: str) -> Incident | None:
        async with self.ledger.reads() as session:
            return (
                await session.execute(select(Incident).where(Incident.channel_id == channel_id))
            ).scalar_one_or_none()

    async def snapshot(
        self, incident_id: int, *, counts: bool = False, tasks: bool = True, followups: bool = False
    ) -> Snapshot:
        """Everything a room handler needs about one incident, read in one session and in few
        statements (every card and summary render reads one; on PostgreSQL one statement, run
        on the lane, `app.postgres.Lane`, unless with `counts`): the incident with its current
        verdict and hand-off, the answers, the notice (latest and last approved) with the
        pieces, the action items (unless not `tasks`: the triage cards show none). The count of
        its timeline events by kind (`event_counts`, a closing room's summary) only with
        `counts`: it grows with the timeline; the follow-up prompts (what the verdict and the
        summary show beside it) only with `followups`, in the same session."""
        lane = self.ledger.lane
        if lane is not None and not counts:  # PostgreSQL: one statement on asyncpg directly
            found = await snapshot_row.read(lane, incident_id, tasks, followups)
            if found is None:
                raise NotFound(f"incident {incident_id}")
            return _snapshot(_read_found(found, tasks, followups), {})
        async with self.ledger.reads() as session:
            if session.bind.dialect.name == "postgresql":  # one statement
                read = await _read_at_once(session, incident_id, tasks, followups)
            else:
                read = await _read_each(session, incident_id, tasks, followups)
            kinds: dict[str, int] = {}
            if counts:
                kinds = dict(
                    (
                        await session.execute(
                            select(TimelineEvent.kind, func.count())
                            .where(TimelineEvent.incident_id == incident_id)
                            .group_by(TimelineEvent.kind)
                        )
                    ).all()
                )
            return _snapshot(read, kinds)

    async def verdicts(self, incident_id: int) -> list[Verdict]:
        async with self.ledger.reads() as session:
            return list(
                (
                    await session.execute(
                        select(Verdict)
                        .where(Verdict.incident_id == incident_id)
                        .order_by(Verdict.version)
                    )
                ).scalars()
            )

    async def latest_statement(
        self, incident_id: int, kind: str = StatementKind.NOTICE
    ) -> Statement | None:
        async with self.ledger.reads() as session:
            return await latest_statement(session, incident_id, kind)

    async def statement(
        self, incident_id: int, version: int, kind: str = StatementKind.NOTICE
    ) -> Statement:
        async with self.ledger.reads() as session:
            found = (
                await session.execute(
                    select(Statement).where(
                        Statement.incident_id == incident_id,
                        Statement.kind == kind,
                        Statement.version == version,
                    )
                )
            ).scalar_one_or_none()
            if found is None:
                raise NotFound(f"statement {kind} v{version}")
            return found

    async def statements(self, incident_id: int) -> list[Statement]:
        """Every version of every kind, oldest first (the series and the pack's history)."""
        async with self.ledger.reads() as session:
            rows = await session.execute(
                select(Statement)
                .where(Statement.incident_id == incident_id)
                .order_by(Statement.created_at, Statement.id)
            )
            return list(rows.scalars())

    async def pack(self, incident_id: int) -> list[Statement]:
        """The latest version of each piece drafted from the notice (social, letter, qa), in
        that order; the pieces of an earlier report are not in it once the next is drafted."""
        async with self.ledger.reads() as session:
            return list((await current_statements(session, incident_id))[2])

    async def open_incidents(
        self, workspace_id: str | None = None, limit: int = 100
    ) -> list[tuple[Incident, Verdict | None]]:
        """The newest open incidents (at most `limit`) with their current verdicts, in one query."""
        latest = (
            select(Verdict.incident_id, func.max(Verdict.version).label("version"))
            .group_by(Verdict.incident_id)
            .subquery()
        )
        query = (
            select(Incident, Verdict)
            .outerjoin(latest, latest.c.incident_id == Incident.id)
            .outerjoin(
                Verdict,
                and_(Verdict.incident_id == Incident.id, Verdict.version == latest.c.version),
            )
            .where(Incident.status == IncidentStatus.OPEN)
            .order_by(Incident.id.desc())
            .limit(limit)
        )
        if workspace_id:
            query = query.where(Incident.workspace_id == workspace_id)
        async with self.ledger.reads() as session:
            return [
                (incident, verdict) for incident, verdict in (await session.execute(query)).all()
            ]

    async def timeline(self, incident_id: int) -> list[TimelineEvent]:
        async with self.ledger.reads() as session:
            rows = await session.execute(
                select(TimelineEvent)
                .where(TimelineEvent.incident_id == incident_id)
                .order_by(TimelineEvent.seq)
            )
            return list(rows.scalars())

    async def verify(self, incident_id: int):  # type: ignore[no-untyped-def]
        incident = await self.get(incident_id)
        keys = self.ledger.config.chain_keys
        return verify_chain(incident.key, await self.timeline(incident_id), keys)


# ----- inside a caller's session ---------------------------------------------------------------


async def latest_verdict(session: AsyncSession, incident_id: int) -> Verdict | None:
    """The incident's current verdict (highest version), or None before the first one."""
    return (
        await session.execute(queries.LATEST_VERDICT, {"incident_id": incident_id})
    ).scalar_one_or_none()


# What a snapshot reads: its incident, answers, verdict, statements (`current_statements`),
# action items, follow-ups and hand-off.
_Read = tuple[Incident, dict[str, AnswerDetail], Verdict | None, Any, Any, Any, Any]


def _snapshot(read: _Read, kinds: dict[str, int]) -> Snapshot:
    incident, answers, verdict, statements, items, prompts, handed = read
    # Every statement is drafted from a verdict: before the first, there is none to show (the
    # triage cards of the first answers).
    statement, approved, pieces = statements if verdict else (None, None, ())
    fields, to = handed_off(handed)
    return Snapshot(
        incident, answers, verdict, statement, kinds, items, pieces, approved, fields, to, prompts
    )


async def _read_each(
    session: AsyncSession, incident_id: int, tasks: bool, followups: bool
) -> _Read:
    """A snapshot's reads on SQLite: the incident with its verdict and hand-off, then the
    answers, statements, action items and follow-ups, a statement each."""
    row = (await session.execute(queries.INCIDENT_ROW, {"incident_id": incident_id})).one_or_none()
    if row is None:
        raise NotFound(f"incident {incident_id}")
    incident, verdict, handed = row
    answers = await latest_answers_detail(session, incident_id)
    statements = await current_statements(session, incident_id) if verdict else (None, None, ())
    items = tuple(await action_items(session, incident_id)) if tasks else None
    prompts: tuple[Followup, ...] = ()
    if followups:
        from app.incidents.schedule import followups_of  # (it imports this module)

        prompts = tuple(await followups_of(session, incident_id))
    return incident, answers, verdict, statements, items, prompts, handed


async def _read_at_once(
    session: AsyncSession, incident_id: int, tasks: bool, followups: bool
) -> _Read:
    """A snapshot's reads on PostgreSQL: one statement, its rows of other tables as JSON."""
    found = (
        await session.execute(
            snapshot_row.statement(tasks, followups), {"incident_id": incident_id}
        )
    ).one_or_none()
    if found is None:
        raise NotFound(f"incident {incident_id}")
    return _read_found(found, tasks, followups)


def _read_found(found: Sequence[Any], tasks: bool, followups: bool) -> _Read:
    """A snapshot's reads from `snapshot_row.statement`'s row, however it was run."""
    incident, verdict, handed, listed, statements, *more = found
    current = statements_picked(snapshot_row.rebuilt(Statement, statements))
    items = tuple(snapshot_row.rebuilt(ActionItem, more.pop(0))) if tasks else None
    prompts = tuple(snapshot_row.rebuilt(Followup, more.pop(0))) if followups else ()
    return incident, answers_listed(listed), verdict, current, items, prompts, handed


def answers_listed(listed: list[list[Any]] | None) -> dict[str, AnswerDetail]:
    """The current answers from PostgreSQL's JSON array of them ([field, value, actor,
    answered_at], oldest first; None when there is none), as `latest_answers_detail` gives."""
    return {
        field: AnswerDetail(_SEALED.process_result_value(value, None), actor, _utc(at))
        for field, value, actor, at in listed or ()
    }


_SEALED = SealedJSON()


def _utc(text: str) -> datetime:
    """A timestamp as PostgreSQL writes it in JSON (ISO 8601 with its offset), in UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)


async def latest_answers_detail(session: AsyncSession, incident_id: int) -> dict[str, AnswerDetail]:
    """The incident's current answer to each field, with who gave it and when."""
    rows = await session.execute(queries.ANSWERS, {"incident_id": incident_id})
    return {field: AnswerDetail(value, actor, at) for field, value, actor, at in rows}


async def latest_answers(session: AsyncSession, incident_id: int) -> dict[str, Any]:
    return {k: v.value for k, v in (await latest_answers_detail(session, incident_id)).items()}


async def latest_statement(
    session: AsyncSession, incident_id: int, kind: str = StatementKind.NOTICE
) -> Statement | None:
    """The latest version of one kind (the notice by default)."""
    return (
        await session.execute(
            queries.LATEST_STATEMENT, {"incident_id": incident_id, "kind": str(kind)}
        )
    ).scalar_one_or_none()


async def last_approved_notice(session: AsyncSession, incident_id: int) -> Statement | None:
    """The notice as last approved (the latest report people may have read)."""
    return (
        await session.execute(queries.LAST_APPROVED_NOTICE, {"incident_id": incident_id})
    ).scalar_one_or_none()


PIECES = (StatementKind.SOCIAL, StatementKind.LETTER, StatementKind.QA)


async def current_statements(
    session: AsyncSession, incident_id: int
) -> tuple[Statement | None, Statement | None, tuple[Statement, ...]]:
    """The latest notice, the notice as last approved, and the latest version of each piece of
    the latest series any piece was drafted for, with their approvals — in one query: every
    snapshot reads them."""
    rows = await session.execute(queries.CURRENT_STATEMENTS, {"incident_id": incident_id})
    return statements_picked(list(rows.unique().scalars()))


def statements_picked(
    found: list[Statement],
) -> tuple[Statement | None, Statement | None, tuple[Statement, ...]]:
    """`current_statements` from the statements `queries.CURRENT_STATEMENTS` finds."""
    notices = sorted((s for s in found if s.kind == StatementKind.NOTICE), key=lambda s: s.version)
    approved = [s for s in notices if s.status == StatementStatus.APPROVED]
    by_kind = {piece.kind: piece for piece in found if piece.kind in PIECES}
    pieces = [by_kind[kind] for kind in PIECES if kind in by_kind]
    newest = max((p.series for p in pieces), default=0)
    return (
        notices[-1] if notices else None,
        approved[-1] if approved else None,
        tuple(p for p in pieces if p.series == newest),
    )


def handed_off(data: dict[str, Any] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the fields handed off, to whom) from the hand-off's data; empty before any."""
    if not data:
        return (), ()
    return tuple(data.get("fields") or ()), tuple(data.get("to") or ())


async def action_items(session: AsyncSession, incident_id: int) -> list[ActionItem]:
    """An incident's action items, by number."""
    rows = await session.execute(queries.ACTION_ITEMS, {"incident_id": incident_id})
    return list(rows.scalars())


async def items_kept(session: AsyncSession, incident_id: int) -> list[ActionItem]:
    """The incident's action items for a writer that holds its lock: read once in its
    transaction, then kept on its session with each item it adds (`keep_item`), so the hooks
    of one event (the verdict's items, the follow-up plan) do not each read them. Kept items
    are the session's own objects: a change to one is seen through the list."""
    key = (_ITEMS, incident_id)
    if key not in session.info:
        session.info[key] = await action_items(session, incident_id)
    kept: list[ActionItem] = session.info[key]
    return kept


def keep_item(session: AsyncSession, item: ActionItem) -> None:
    """Adds `item`, just added to `session` (numbered after the last), to its kept items."""
    kept = session.info.get((_ITEMS, item.incident_id))
    if kept is not None:
        kept.append(item)


_ITEMS = "action_items"
