"""The hottest statements on asyncpg directly (app.postgres.Lane) give what SQLAlchemy gives for
the same statement, typed the same way (sealed payloads opened, timestamps aware, JSON parsed,
arrays bound), and fail as SQLAlchemy fails: a server that cannot be reached is an
OperationalError, a refused statement a DBAPIError, and the lane works on after either."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import bindparam, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import create_engine, normalize_database_url
from app.incidents.crypto import vault
from app.incidents.messages import Posted
from app.models import ChatMessage, Incident, WorkItem, WorkStatus
from app.postgres import Lane
from app.runtime import build_runtime
from app.work.claims import CLAIMED, WORK, due
from tests.conftest import make_settings
from tests.incidents.test_statement_gate import lead_adds_a_line, open_attack

URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

ROW = select(*CLAIMED).where(WORK.c.id == bindparam("id"))


@pytest.fixture
async def engine_lane(database_url: str) -> AsyncIterator[tuple[AsyncEngine, Lane]]:
    """The engine on the tests' PostgreSQL database and a lane beside it, both closed after."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    engine = create_engine(database_url)
    lane = Lane(engine)
    try:
        yield engine, lane
    finally:
        await lane.close()
        await engine.dispose()


def columns(instance: Any) -> dict[str, Any]:
    return {a.key: getattr(instance, a.key) for a in inspect(type(instance)).column_attrs}


async def test_a_row_reads_back_through_the_lane_as_through_sqlalchemy(
    engine_lane: tuple[AsyncEngine, Lane],
) -> None:
    engine, lane = engine_lane
    vault.configure(Fernet.generate_key().decode())  # the payload sealed at rest
    due_at = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    try:
        async with engine.begin() as connection:
            written = await connection.execute(
                insert(WorkItem)
                .values(
                    kind="slack.next_question",
                    payload={"field": "cause", "title": "名簿の誤送信"},
                    due_at=due_at,
                    status=WorkStatus.PENDING,
                    created_at=due_at,
                )
                .returning(WorkItem.id)
            )
            row_id = written.scalar_one()
        async with engine.connect() as connection:
            expected = [tuple(r) for r in await connection.execute(ROW, {"id": row_id})]
        got = await lane.rows(ROW, {"id": row_id})
        assert got == expected
        (_, kind, _, payload, at, *_rest) = got[0]
        assert payload == {"field": "cause", "title": "名簿の誤送信"}
        assert at == due_at and at.tzinfo is not None
        # arrays and literal values bound as the dialect binds them (the claim's look)
        params = {"now": due_at, "limit": 5, "kinds": [kind], "busy": [-1]}
        assert await lane.rows(due(True, True), params) == [(row_id,)]
        assert await lane.rows(due(True, True), {**params, "kinds": ["other"]}) == []
    finally:
        vault.configure(None)


async def test_the_lane_fails_as_sqlalchemy_fails_and_goes_on(
    engine_lane: tuple[AsyncEngine, Lane],
) -> None:
    _, lane = engine_lane
    now = datetime.now(UTC)
    values = {"kind": "k", "payload": {}, "due_at": now, "created_at": now, "status": "pending"}
    twice = insert(WorkItem).values(**values, attempts=0, max_attempts=8, dedupe_key="once")
    # (what SQLAlchemy would compute in Python, the lane cannot: refused, not written as null)
    with pytest.raises(ValueError, match="Python-side column defaults"):
        await lane.rows(insert(WorkItem).values(**values), {})
    await lane.rows(twice.returning(WorkItem.id), {})
    with pytest.raises(DBAPIError, match="UniqueViolation|duplicate key"):
        await lane.rows(twice.returning(WorkItem.id), {})
    assert len(await lane.rows(select(WORK.c.id), {})) == 1  # and it goes on
    assert URL is not None
    closed = create_engine(
        normalize_database_url(make_url(URL).set(port=1).render_as_string(False))
    )
    try:
        with pytest.raises(OperationalError, match="Connect call failed"):
            await Lane(closed).rows(select(WORK.c.id), {})
    finally:
        await closed.dispose()


async def test_a_snapshot_through_the_lane_is_the_sessions(database_url: str) -> None:
    """The incident, its verdict, answers, notice (two versions), action items and follow-ups,
    read through the lane and through an ORM session: the same objects, column by column."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    runtime = build_runtime(
        make_settings(database_url, encryption_key=Fernet.generate_key().decode())
    )
    try:
        assert runtime.lane is not None and runtime.service.ledger.lane is runtime.lane
        incident = await open_attack(runtime)
        await lead_adds_a_line(runtime, incident)
        service = runtime.service
        seen = []
        for lane in (runtime.lane, None):
            service.ledger.lane = lane
            seen.append(await service.snapshot(incident.id, followups=True))
        through_lane, through_session = seen
        assert through_lane.verdict is not None and through_lane.statement is not None
        assert through_lane.statement.version == 2
        assert columns(through_lane.incident) == columns(through_session.incident)
        assert columns(through_lane.verdict) == columns(through_session.verdict)  # type: ignore[arg-type]
        assert through_lane.answers == through_session.answers
        for field in ("statement", "approved"):
            one, other = getattr(through_lane, field), getattr(through_session, field)
            assert (one and columns(one)) == (other and columns(other))
        for field in ("action_items", "pieces", "followups"):
            ones, others = getattr(through_lane, field), getattr(through_session, field)
            assert [columns(x) for x in ones] == [columns(x) for x in others]
        assert (through_lane.handed, through_lane.handed_to) == (
            through_session.handed,
            through_session.handed_to,
        )
        service.ledger.lane = runtime.lane
        with pytest.raises(Exception, match="incident 999999"):
            await service.snapshot(999999)
        assert isinstance(through_lane.incident, Incident)
        assert inspect(through_lane.incident).detached
    finally:
        await runtime.close()
        vault.configure(None)


async def test_a_closed_lane_opens_again_when_used(engine_lane: tuple[AsyncEngine, Lane]) -> None:
    _, lane = engine_lane
    assert await lane.rows(select(WORK.c.id).limit(bindparam("n")), {"n": 1}) == []
    await lane.close()
    assert await lane.rows(select(WORK.c.id).limit(bindparam("n")), {"n": 1}) == []


async def test_a_posted_message_is_saved_and_remembered_as_the_session_reads_it(
    database_url: str,
) -> None:
    """The saved ts of a post runs on the lane (`Ledger.run_alone`): what the process then
    remembers is the row as an ORM session reads it back, column by column (the reservation's
    work row and its aware creation time); one posted without a reservation still gets a row."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    runtime = build_runtime(make_settings(database_url))
    try:
        service = runtime.service
        incident = await open_attack(runtime)
        lane_statements: list[str] = []
        runtime.lane.observers.append(lane_statements.append)  # type: ignore[union-attr]
        assert await service.claim_message(incident.id, "summary", "C0ROOM", work_id=7) is None
        await service.save_message_ref(incident.id, "summary", "C0ROOM", "1700000000.000200")
        assert any(sql.startswith("UPDATE chat_messages") for sql in lane_statements)
        await service.save_message_ref(incident.id, "reply", "C0ROOM", "1700000000.000300", "T1")
        remembered = service.message_ref.__self__._posted  # type: ignore[attr-defined]
        async with runtime.sessions() as session:
            for ref in ("summary", "reply"):
                stored = (
                    await session.execute(
                        select(ChatMessage).where(
                            ChatMessage.incident_id == incident.id, ChatMessage.ref == ref
                        )
                    )
                ).scalar_one()
                values = remembered[(incident.id, ref)]
                assert values == tuple(getattr(stored, name) for name in Posted._fields)
        summary = Posted._make(remembered[(incident.id, "summary")])
        assert (summary.work_id, summary.ts) == (7, "1700000000.000200")
        assert summary.created_at.tzinfo is not None
    finally:
        await runtime.close()
