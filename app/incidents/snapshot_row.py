"""PostgreSQL: a snapshot in one statement. The incident's row (with its verdict, hand-off and
answers, as `queries.INCIDENT_ROW_ANSWERS`) also carries its current statements with their
approvals, its action items and its follow-ups, each table's rows as one JSON array of their
columns; `rebuilt` makes them back into the objects a query of their own would have loaded
(detached, as a snapshot's objects are once its session is closed)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Select, TypeDecorator, func, inspect, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import make_transient_to_detached

from app.incidents import queries
from app.models import ActionItem, Approval, Followup, Incident, Statement, Verdict
from app.postgres import Lane


def _columns(model: type[Any]) -> list[Any]:
    """The model's column attributes, in the order their values are listed in its JSON."""
    return list(inspect(model).column_attrs)


def _listed(model: type[Any], *more: Any) -> Any:
    return func.jsonb_build_array(*(attr.columns[0] for attr in _columns(model)), *more)


def _aggregated(model: type[Any], where: Any, order_by: Any, *more: Any) -> Any:
    """The rows of `model` matching `where` as one JSON array (null for none), by `order_by`."""
    listed = postgresql.aggregate_order_by(_listed(model, *more), order_by)
    return select(func.jsonb_agg(listed, type_=JSONB)).where(where).scalar_subquery()


def _approvals() -> Any:
    return (
        select(func.jsonb_agg(postgresql.aggregate_order_by(_listed(Approval), Approval.id)))
        .where(Approval.statement_id == Statement.id)
        .correlate(Statement)
        .scalar_subquery()
    )


@cache
def statement(tasks: bool, followups: bool) -> Select[Any]:
    """The snapshot's statement: `INCIDENT_ROW_ANSWERS`, then the current statements (as
    `queries.CURRENT_STATEMENTS` reads them, each with its approvals), the action items (with
    `tasks`) and the follow-ups (with `followups`)."""
    more = [
        _aggregated(Statement, queries.CURRENT_STATEMENTS.whereclause, Statement.id, _approvals())
    ]
    if tasks:
        of_incident = queries.ACTION_ITEMS.whereclause
        more.append(_aggregated(ActionItem, of_incident, ActionItem.number))
    if followups:
        more.append(_aggregated(Followup, queries.FOLLOWUPS.whereclause, Followup.id))
    return queries.INCIDENT_ROW_ANSWERS.add_columns(*more)


async def read(
    lane: Lane, incident_id: int, tasks: bool, followups: bool
) -> tuple[Any, ...] | None:
    """`statement`'s row on asyncpg directly (`app.postgres.Lane`: no ORM session, no pooled
    SQLAlchemy connection), as a session would give it: the incident and its verdict (None
    when it has none) as detached objects, then the other columns; None for no incident."""
    rows = await lane.rows(statement(tasks, followups), {"incident_id": incident_id})
    if not rows:
        return None
    row, (incident_at, verdict_at) = rows[0], _entities()
    incident = _detached(Incident(**{key: row[i] for key, i in incident_at}))
    verdict = None
    if row[verdict_at[0][1]] is not None:  # (its primary key: the outer join found one)
        verdict = _detached(Verdict(**{key: row[i] for key, i in verdict_at}))
    return (incident, verdict, *row[len(incident_at) + len(verdict_at) :])


@cache
def _entities() -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """Where `statement`'s row holds each column of the incident and of its verdict (the
    entities it selects first, each column under its attribute's key), the primary key first."""
    columns = list(statement(False, False).selected_columns)
    found: list[tuple[tuple[str, int], ...]] = []
    for model in (Incident, Verdict):
        mapper, table = inspect(model), model.__table__
        mine = [(i, c) for i, c in enumerate(columns) if getattr(c, "table", None) is table]
        mine.sort(key=lambda ic: not ic[1].primary_key)
        found.append(tuple((mapper.get_property_by_column(c).key, i) for i, c in mine))
    incident_at, verdict_at = found
    assert {i for _, i in incident_at + verdict_at} == set(range(len(incident_at + verdict_at)))
    return incident_at, verdict_at


def rebuilt(model: type[Any], listed: list[list[Any]] | None) -> list[Any]:
    """The objects of `model` from their JSON arrays (`statement`'s); a statement's last
    element is its approvals."""
    columns, found = _columns(model), []
    for values in listed or ():
        named = {
            attr.key: _value(attr.columns[0].type, value)
            for attr, value in zip(columns, values[: len(columns)], strict=True)
        }
        if model is Statement:
            named["approvals"] = rebuilt(Approval, values[len(columns)])
        found.append(_detached(model(**named)))
    return found


def _value(kind: Any, value: Any) -> Any:
    """A column's value as its type loads it: JSON gives timestamps as ISO 8601 text."""
    if value is None:
        return None
    plain = kind.impl if isinstance(kind, TypeDecorator) else kind
    if isinstance(plain, DateTime):
        value = datetime.fromisoformat(value)
    if isinstance(kind, TypeDecorator):
        return kind.process_result_value(value, None)
    return value


def _detached(instance: Any) -> Any:
    make_transient_to_detached(instance)  # (a statement's approvals already are)
    return instance
