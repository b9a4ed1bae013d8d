"""The incident's hot statements, each built once with named parameters (`:incident_id`, …) and
run with its values: every snapshot, answer and work row runs some of them.

A statement built per call (`select(...).where(...)` with subqueries and loader options) was
built, coerced and keyed for SQLAlchemy's compiled cache on every call; built once, it keeps
its cache key (app.work.claims did the same for the queue). Reads that only make values
select columns, not objects: the ORM builds no instances for them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import aliased, joinedload

from app.models import (
    ActionItem,
    Answer,
    ChatMessage,
    Followup,
    Incident,
    Statement,
    TimelineEvent,
    Verdict,
)
from app.vocabulary import EventKind, StatementKind, StatementStatus


def _of_incident(column: Any) -> Any:
    return column == bindparam("incident_id")


LOCK: Select[tuple[Incident]] = (
    select(Incident)
    .where(_of_incident(Incident.id))
    .with_for_update()
    .execution_options(populate_existing=True)
)
"""The incident's row, taken for update and refreshed in the session (the ledger's lock)."""

HANDED: Select[tuple[dict[str, Any] | None]] = (
    select(TimelineEvent.data)
    .where(
        _of_incident(TimelineEvent.incident_id),
        TimelineEvent.kind == EventKind.TRIAGE_HANDED_OFF,
    )
    .limit(1)
)
"""The data of the incident's hand-off event (the fields handed off, and to whom), if any."""


_CURRENT_VERDICT = and_(
    Verdict.incident_id == Incident.id,
    Verdict.version
    == select(func.max(Verdict.version)).where(_of_incident(Verdict.incident_id)).scalar_subquery(),
)  # (joined to the incident: its verdict of the highest version)


def _incident_row(*more: Any) -> Select[Any]:
    return (
        select(Incident, Verdict, HANDED.scalar_subquery(), *more)
        .outerjoin(Verdict, _CURRENT_VERDICT)
        .where(_of_incident(Incident.id))
    )


INCIDENT_ROW: Select[tuple[Incident, Verdict | None, Any]] = _incident_row()
"""One row: the incident, its current verdict (highest version, or None) and its hand-off."""

_ANSWERS_AGGREGATED = (
    select(
        func.jsonb_agg(
            postgresql.aggregate_order_by(
                func.jsonb_build_array(
                    Answer.field, Answer.value, Answer.actor, Answer.answered_at
                ),
                Answer.id,
            ),
            type_=JSONB,
        )
    )
    .where(_of_incident(Answer.incident_id))
    .scalar_subquery()
)
INCIDENT_ROW_ANSWERS: Select[tuple[Incident, Verdict | None, Any, Any]] = _incident_row(
    _ANSWERS_AGGREGATED
)
"""PostgreSQL: `INCIDENT_ROW` and the incident's answers, oldest first, as one JSON array of
[field, value, actor, answered_at] (null when there is none): one statement, one snapshot."""

VERDICT_ANSWERS: Select[tuple[Verdict | None, Any]] = (
    select(Verdict, _ANSWERS_AGGREGATED)
    .select_from(Incident)
    .outerjoin(Verdict, _CURRENT_VERDICT)
    .where(_of_incident(Incident.id))
)
"""PostgreSQL: the incident's current verdict (or None) and its answers as in
`INCIDENT_ROW_ANSWERS`, for a writer that holds the incident's lock: one statement."""

LOCK_VERDICT_ANSWERS: Select[tuple[Incident, Verdict | None, Any]] = (
    select(Incident, Verdict, _ANSWERS_AGGREGATED)
    .outerjoin(Verdict, _CURRENT_VERDICT)
    .where(_of_incident(Incident.id))
    .with_for_update(of=Incident)
    .execution_options(populate_existing=True)
)
"""PostgreSQL: `LOCK` and what `VERDICT_ANSWERS` reads, in one statement (an answer's write)."""

LATEST_VERDICT: Select[tuple[Verdict]] = (
    select(Verdict)
    .where(_of_incident(Verdict.incident_id))
    .order_by(Verdict.version.desc())
    .limit(1)
)
"""The incident's current verdict (highest version)."""

ANSWERS: Select[tuple[str, Any, str, Any]] = (
    select(Answer.field, Answer.value, Answer.actor, Answer.answered_at)
    .where(_of_incident(Answer.incident_id))
    .order_by(Answer.id)
)
"""Every answer of the incident as values (field, value, actor, time), oldest first: the last
of a field is its current answer."""

LATEST_STATEMENT: Select[tuple[Statement]] = (
    select(Statement)
    .where(_of_incident(Statement.incident_id), Statement.kind == bindparam("kind"))
    .order_by(Statement.version.desc())
    .limit(1)
)
"""The latest version of the statements of one `:kind`."""

LAST_APPROVED_NOTICE: Select[tuple[Statement]] = (
    select(Statement)
    .where(
        _of_incident(Statement.incident_id),
        Statement.kind == StatementKind.NOTICE,
        Statement.status == StatementStatus.APPROVED,
    )
    .order_by(Statement.version.desc())
    .limit(1)
)
"""The notice as last approved (the latest report people may have read)."""


def _current_statements() -> Select[tuple[Statement]]:
    other = aliased(Statement)
    newest_of_kind = (
        select(func.max(other.version))
        .where(other.incident_id == Statement.incident_id, other.kind == Statement.kind)
        .correlate(Statement)
        .scalar_subquery()
    )
    last_approved = (
        select(func.max(other.version))
        .where(
            _of_incident(other.incident_id),
            other.kind == StatementKind.NOTICE,
            other.status == StatementStatus.APPROVED,
        )
        .scalar_subquery()
    )
    return (
        select(Statement)
        .where(
            _of_incident(Statement.incident_id),
            or_(
                Statement.version == newest_of_kind,
                and_(Statement.kind == StatementKind.NOTICE, Statement.version == last_approved),
            ),
        )
        .options(joinedload(Statement.approvals))  # a few rows each: not a query of their own
    )


CURRENT_STATEMENTS = _current_statements()
"""The latest version of each kind of statement and the notice as last approved, with their
approvals (joined: call `.unique()` on the result)."""

ACTION_ITEMS: Select[tuple[ActionItem]] = (
    select(ActionItem)
    .where(_of_incident(ActionItem.incident_id))
    .order_by(ActionItem.number)
    .execution_options(populate_existing=True)
)
"""The incident's action items by number, refreshed in the session."""

FOLLOWUPS: Select[tuple[Followup]] = (
    select(Followup).where(_of_incident(Followup.incident_id)).order_by(Followup.id)
)
"""The incident's follow-up prompts, oldest first."""

MESSAGE: Select[tuple[ChatMessage]] = select(ChatMessage).where(
    _of_incident(ChatMessage.incident_id), ChatMessage.ref == bindparam("ref")
)
"""The message posted (or reserved) for `:ref`."""

MESSAGES: Select[tuple[ChatMessage]] = select(ChatMessage).where(
    _of_incident(ChatMessage.incident_id),
    ChatMessage.ref.in_(bindparam("refs", expanding=True)),
)
"""The messages posted (or reserved) for the `:refs`."""
