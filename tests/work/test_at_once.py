"""Rows written while this process's worker runs are taken by it at once (app.work.at_once):
written claimed, started as their transaction commits, with no claim statement."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.db import transaction
from app.models import WorkItem, WorkStatus, utcnow
from app.runtime import Runtime
from app.work.queue import Claimed, Defer, Retry, WorkQueue, WorkSpec, add_work


def worker(runtime: Runtime, **kwargs: object) -> tuple[WorkQueue, list[tuple[int, int | None]]]:
    """A queue running as the server's worker; each row it runs is noted (its n, incident)."""
    queue = WorkQueue(runtime.sessions, worker_id="here", **kwargs)  # type: ignore[arg-type]
    ran: list[tuple[int, int | None]] = []

    async def handle(item: Claimed) -> None:
        await asyncio.sleep(0)
        ran.append((item.payload["n"], item.incident_id))

    queue.register("test.echo", handle)
    queue.poking = True
    return queue, ran


async def write(runtime: Runtime, specs: list[tuple[int, int | None]], **spec: object) -> None:
    async with transaction(runtime.sessions) as session:
        for n, incident_id in specs:
            add_work(
                session,
                WorkSpec("test.echo", {"n": n}, **spec),
                incident_id=incident_id,
                now=utcnow(),
            )  # type: ignore[arg-type]


async def incident(runtime: Runtime, title: str) -> int:
    opened, _ = await runtime.service.open_incident(title=title, reporter_id="U1", platform="test")
    return opened.id


async def rows(runtime: Runtime) -> list[WorkItem]:
    async with runtime.sessions() as session:
        return list((await session.execute(select(WorkItem).order_by(WorkItem.id))).scalars())


async def settled(queue: WorkQueue) -> None:
    while queue._tasks:
        await asyncio.wait(list(queue._tasks))


def statements(runtime: Runtime) -> list[str]:
    seen: list[str] = []

    @event.listens_for(runtime.engine.sync_engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    return seen


async def test_a_row_written_while_the_worker_runs_here_runs_with_no_claim(
    runtime: Runtime,
) -> None:
    queue, ran = worker(runtime)
    seen = statements(runtime)
    before_run: list[list[str]] = []

    async def handle(item: Claimed) -> None:
        before_run.append(list(seen))
        ran.append((item.payload["n"], item.incident_id))

    queue.handlers["test.echo"] = handle
    await write(runtime, [(1, None), (2, None)])
    await settled(queue)
    assert sorted(ran) == [(1, None), (2, None)]
    done = await rows(runtime)
    assert [(r.status, r.claimed_by, r.attempts) for r in done] == [
        (WorkStatus.DONE, "here", 1)
    ] * 2
    # written claimed, and nothing touched the rows before their handlers ran
    assert [s for s in before_run[0] if s.startswith(("UPDATE work_items", "WITH"))] == []
    assert queue._in_flight == 0 and not queue._busy


async def test_a_transaction_that_rolls_back_gives_its_slots_back(runtime: Runtime) -> None:
    queue, ran = worker(runtime, concurrency=1)
    with pytest.raises(RuntimeError):
        async with transaction(runtime.sessions) as session:
            add_work(session, WorkSpec("test.echo", {"n": 1}), incident_id=None, now=utcnow())
            assert queue._in_flight == 1
            raise RuntimeError("the request failed")
    assert queue._in_flight == 0 and await rows(runtime) == []
    await write(runtime, [(2, None)])  # the one slot is free again: taken at once
    await settled(queue)
    assert ran == [(2, None)]


async def test_rows_it_cannot_run_now_wait_in_the_table(runtime: Runtime) -> None:
    """Not due yet, no slot free, or another row of the incident running here: written as
    before, for a claim to take in its turn."""
    queue, ran = worker(runtime, concurrency=2)
    one, two = await incident(runtime, "first"), await incident(runtime, "second")
    await write(runtime, [(1, None)], due_at=utcnow() + timedelta(hours=1))
    assert queue._in_flight == 0
    release = asyncio.Event()

    async def slow(item: Claimed) -> None:
        await release.wait()
        ran.append((item.payload["n"], item.incident_id))

    queue.handlers["test.echo"] = slow
    await write(runtime, [(2, one), (3, one)])  # one transaction: both taken, run in order
    await write(runtime, [(4, one)])  # incident one runs here: waits
    await write(runtime, [(5, two)])  # both slots held: waits
    statuses = {r.payload["n"]: r.status for r in await rows(runtime)}
    assert statuses == {1: "pending", 2: "claimed", 3: "claimed", 4: "pending", 5: "pending"}
    release.set()
    await settled(queue)
    await queue.drain()
    assert [n for n, i in ran if i == one] == [2, 3, 4] and (5, two) in ran
    assert {r.payload["n"]: r.status for r in await rows(runtime)}[1] == "pending"


async def test_a_worker_that_stopped_takes_nothing(runtime: Runtime) -> None:
    queue, ran = worker(runtime)
    await queue.close()
    await write(runtime, [(1, None)])
    assert [r.status for r in await rows(runtime)] == [WorkStatus.PENDING] and ran == []


async def ran_within(ran: list[tuple[int, int | None]], seconds: float) -> None:
    for _ in range(int(seconds / 0.02)):
        if ran:
            return
        await asyncio.sleep(0.02)


async def test_a_row_written_for_later_runs_as_it_falls_due_with_no_tick(runtime: Runtime) -> None:
    """Written here for later (a follow-up's prompt): this worker claims it as it falls due,
    not at its next tick, which on PostgreSQL is only a 5 s backstop (app.work.scheduler)."""
    queue, ran = worker(runtime)
    try:
        await write(runtime, [(1, None)], due_at=utcnow() + timedelta(seconds=0.3))
        await asyncio.sleep(0.1)
        assert ran == [] and queue._in_flight == 0  # not due yet: it waits in the table
        await ran_within(ran, 3)
        assert ran == [(1, None)]
    finally:
        await queue.close()


async def test_a_row_put_off_here_runs_again_as_it_falls_due_with_no_tick(
    runtime: Runtime,
) -> None:
    """A row this worker defers (its room paced) or retries (Slack's Retry-After) is claimed
    again when it falls due, with no tick running."""
    queue, ran = worker(runtime)
    tries: list[int] = []

    async def put_off(item: Claimed) -> None:
        tries.append(item.attempt)
        if len(tries) == 1:
            raise Defer("paced: conversations.create", after=0.2)
        if len(tries) == 2:
            raise Retry("rate limited", after=0.2)
        ran.append((item.payload["n"], item.incident_id))

    queue.handlers["test.echo"] = put_off
    try:
        await write(runtime, [(1, None)])
        await ran_within(ran, 5)
        assert ran == [(1, None)] and tries == [1, 1, 2]  # (a deferral spends no attempt)
    finally:
        await queue.close()


async def test_a_look_ahead_finds_a_row_another_process_wrote_for_later(runtime: Runtime) -> None:
    """The backstop tick's look ahead: a row written for later where this worker does not run
    (another replica's follow-up, or one written before a restart) is claimed as it falls due,
    not at the tick after (on PostgreSQL 5 s on)."""
    from app.runtime import build_runtime

    elsewhere = build_runtime(runtime.settings)  # another process, with no worker
    try:
        await write(elsewhere, [(1, None)], due_at=utcnow() + timedelta(seconds=0.6))
    finally:
        await elsewhere.close()
    queue, ran = worker(runtime)
    try:
        await queue.look_ahead(5)  # what the tick does after its claim
        await asyncio.sleep(0.3)
        assert ran == []  # not due yet
        await ran_within(ran, 3)
        assert ran == [(1, None)]
    finally:
        await queue.close()


async def test_a_row_a_request_writes_waits_for_the_request_before_its_sessions(
    runtime: Runtime,
) -> None:
    """The row starts as the request's transaction commits, in a task that inherits the
    request's context; its sessions still count as background work and wait for a gap."""
    from app.db import foreground

    queue, ran = worker(runtime)
    order: list[str] = []

    async def handle(item: Claimed) -> None:
        async with runtime.service.reads() as session:  # a session the row opens
            await session.execute(select(1))
        order.append("row read")

    queue.handlers["test.echo"] = handle
    foreground.every_step = True
    try:
        with foreground.request():
            await write(runtime, [(1, None)])
            await asyncio.sleep(0.02)  # the request goes on after its commit
            order.append("request ends")
        await settled(queue)
    finally:
        foreground.every_step = False
    assert order == ["request ends", "row read"]
