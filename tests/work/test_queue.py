"""The durable work queue: atomic claims, fenced completion, leases, retries and dead rows."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.db import transaction
from app.models import WorkItem, WorkStatus, utcnow
from app.runtime import Runtime
from app.work.queue import Claimed, Defer, Retry, WorkQueue, WorkSpec, add_work, waiting_on
from app.work.scheduler import tick_interval

HERE = Path(__file__).parent


async def enqueue(runtime: Runtime, n: int = 1, kind: str = "test.echo", **spec: object) -> None:
    async with transaction(runtime.sessions) as session:
        for i in range(n):
            add_work(session, WorkSpec(kind, {"n": i}, **spec), incident_id=None, now=utcnow())  # type: ignore[arg-type]


async def rows(runtime: Runtime) -> list[WorkItem]:
    async with runtime.sessions() as session:
        return list((await session.execute(select(WorkItem).order_by(WorkItem.id))).scalars())


def queue(runtime: Runtime, worker_id: str, **kwargs: object) -> WorkQueue:
    return WorkQueue(
        runtime.sessions, worker_id=worker_id, on_dead=runtime.service.on_work_dead, **kwargs
    )  # type: ignore[arg-type]


async def test_each_due_row_is_claimed_by_exactly_one_of_two_workers(runtime: Runtime) -> None:
    await enqueue(runtime, 50)
    seen: list[tuple[str, int]] = []
    workers = [queue(runtime, f"w{n}", batch=7) for n in range(2)]
    for worker in workers:

        async def record(item: Claimed, name: str = worker.worker_id) -> None:
            seen.append((name, item.payload["n"]))

        worker.register("test.echo", record)
    while sum(await asyncio.gather(*(w.run_once() for w in workers))):
        pass
    assert sorted(n for _, n in seen) == list(range(50))
    assert {r.status for r in await rows(runtime)} == {WorkStatus.DONE}


async def test_rows_not_yet_due_wait(runtime: Runtime) -> None:
    await enqueue(runtime, 1, due_at=utcnow() + timedelta(hours=1))
    worker = queue(runtime, "w")
    worker.register("test.echo", lambda item: asyncio.sleep(0))
    assert await worker.run_once() == 0


async def test_a_failing_row_backs_off_then_goes_dead_on_the_timeline(runtime: Runtime) -> None:
    incident, _ = await runtime.service.open_incident(title="x", reporter_id="U1", platform="cli")
    async with transaction(runtime.sessions) as session:
        add_work(
            session, WorkSpec("test.boom", max_attempts=3), incident_id=incident.id, now=utcnow()
        )
    now = [utcnow()]
    worker = queue(runtime, "w", clock=lambda: now[0])

    async def boom(item: Claimed) -> None:
        raise RuntimeError("slack said no")

    worker.register("test.boom", boom)
    for _ in range(3):
        assert await worker.run_once() == 1
        now[0] += timedelta(hours=1)  # past any backoff
    (row,) = await rows(runtime)
    assert (row.status, row.attempts) == (WorkStatus.DEAD, 3)
    assert "slack said no" in (row.last_error or "")
    events = await runtime.service.timeline(incident.id)
    assert events[-1].kind == "work.dead" and events[-1].data["kind"] == "test.boom"
    assert await runtime.service.verify(incident.id) is None


async def test_retry_after_is_honoured(runtime: Runtime) -> None:
    await enqueue(runtime, 1)
    worker = queue(runtime, "w")

    async def later(item: Claimed) -> None:
        raise Retry("ratelimited", after=30)

    worker.register("test.echo", later)
    before = utcnow()
    await worker.run_once()
    (row,) = await rows(runtime)
    assert row.status == WorkStatus.PENDING
    assert timedelta(seconds=29) < row.due_at - before < timedelta(seconds=32)


async def incident_with_row(runtime: Runtime, kind: str) -> int:
    """An incident with one due row of `kind`; its id."""
    incident, _ = await runtime.service.open_incident(title="x", reporter_id="U1", platform="cli")
    async with transaction(runtime.sessions) as session:
        add_work(session, WorkSpec(kind), incident_id=incident.id, now=utcnow())
    return incident.id


async def test_a_row_whose_incident_moved_on_while_it_showed_it_runs_again(
    runtime: Runtime,
) -> None:
    # A row that showed its incident (an edit of a message) at some point of its timeline is
    # done only if the incident is still there when it completes; else it runs again, its
    # attempt given back. (Another replica's edit of a newer state may have landed first.)
    incident_id = await incident_with_row(runtime, "test.show")
    worker = queue(runtime, "w")
    runs: list[int] = []

    async def show(item: Claimed) -> None:
        seen = (await runtime.service.snapshot(incident_id)).incident.timeline_seq
        item.showed(seen)
        if not runs:  # the incident moves on while the first run shows it
            await runtime.service.add_note(incident_id, "a new fact", "U2")
        runs.append(seen)

    worker.register("test.show", show)
    assert await worker.run_once() == 1
    (row,) = await rows(runtime)
    assert (row.status, row.attempts) == (WorkStatus.PENDING, 0)
    assert row.last_error is not None and "moved on" in row.last_error
    assert await worker.run_once() == 1
    (row,) = await rows(runtime)
    assert (row.status, row.attempts, row.last_error) == (WorkStatus.DONE, 1, None)
    assert runs[1] > runs[0]
    # `drain` (the CLI's, the tests') runs such a row again before it stops.
    async with transaction(runtime.sessions) as session:
        add_work(session, WorkSpec("test.show"), incident_id=incident_id, now=utcnow())
    runs.clear()
    assert await worker.drain() == 2
    assert [r.status for r in await rows(runtime)] == [WorkStatus.DONE] * 2


async def test_a_row_whose_own_event_moves_its_incident_runs_again_once_only(
    runtime: Runtime,
) -> None:
    # A row whose event moves its incident past what it showed every time it runs (an event
    # not told to `Claimed.wrote`, as any other row's would be): it runs again once, then it is
    # done.
    incident_id = await incident_with_row(runtime, "test.show")
    worker = queue(runtime, "w")
    runs = 0

    async def show(item: Claimed) -> None:
        nonlocal runs
        runs += 1
        item.showed((await runtime.service.snapshot(incident_id)).incident.timeline_seq)
        await runtime.service.add_note(incident_id, "room ready", "leakdesk")

    worker.register("test.show", show)
    assert await worker.drain() == 2
    assert runs == 2
    assert [r.status for r in await rows(runtime)] == [WorkStatus.DONE]


async def test_a_row_that_showed_nothing_is_done_whatever_its_incident_did(
    runtime: Runtime,
) -> None:
    incident_id = await incident_with_row(runtime, "test.note")
    worker = queue(runtime, "w")

    async def note(item: Claimed) -> None:
        await runtime.service.add_note(incident_id, "a new fact", "U2")

    worker.register("test.note", note)
    assert await worker.run_once() == 1
    (row,) = await rows(runtime)
    assert row.status == WorkStatus.DONE


async def test_a_late_completion_after_the_lease_was_reclaimed_is_fenced_off(
    runtime: Runtime,
) -> None:
    await enqueue(runtime, 1)
    now = [utcnow()]
    slow = queue(runtime, "slow", clock=lambda: now[0], lease=timedelta(seconds=10))
    fast = queue(runtime, "fast", clock=lambda: now[0], lease=timedelta(seconds=10))
    fast.register("test.echo", lambda item: asyncio.sleep(0))
    slow.register("test.echo", lambda item: asyncio.sleep(0))
    (claimed,) = await slow.claim()
    now[0] += timedelta(seconds=11)
    assert await fast.run_once() == 1
    assert await slow.complete(claimed) is False
    (row,) = await rows(runtime)
    assert (row.status, row.claimed_by, row.attempts) == (WorkStatus.DONE, "fast", 2)


async def test_a_killed_worker_process_row_is_reclaimed_and_completed_once(
    runtime: Runtime,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    await enqueue(runtime, 1)
    marker = tmp_path / "claimed"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "worker_process.py"), settings.database_url, str(marker)],
        env={**os.environ, "PYTHONPATH": str(HERE.parents[1])},
    )
    try:
        for _ in range(300):
            if marker.exists():
                break
            await asyncio.sleep(0.05)
        assert marker.exists(), "the worker process never claimed the row"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    (row,) = await rows(runtime)
    assert (row.status, row.claimed_by) == (WorkStatus.CLAIMED, "doomed")

    done: list[int] = []
    survivor = queue(runtime, "survivor")
    survivor.register("test.echo", lambda item: asyncio.sleep(0, done.append(item.id)))
    assert await survivor.run_once() == 0, "the lease has not run out yet"
    survivor.clock = lambda: utcnow() + timedelta(seconds=5)
    assert await survivor.run_once() == 1
    assert await survivor.run_once() == 0
    (row,) = await rows(runtime)
    assert (row.status, row.claimed_by, done) == (WorkStatus.DONE, "survivor", [row.id])


async def test_a_deferred_row_waits_its_turn_without_spending_attempts(runtime: Runtime) -> None:
    await enqueue(runtime, 1, max_attempts=2)
    worker = queue(runtime, "w")
    runs: list[int] = []

    async def paced(item: Claimed) -> None:
        runs.append(item.attempt)
        if len(runs) < 5:
            raise Defer("paced: conversations.create", after=30)

    worker.register("test.echo", paced)
    for _ in range(5):
        assert await worker.run_once(utcnow() + timedelta(minutes=len(runs))) == 1
        [row] = await rows(runtime)
        if row.status == WorkStatus.PENDING:
            assert row.attempts == 0 and row.due_at > utcnow() + timedelta(seconds=25)
    assert runs == [1, 1, 1, 1, 1]  # deferred four times with max_attempts=2: never dead
    assert row.status == WorkStatus.DONE


async def test_a_deferral_may_note_what_the_next_run_must_not_do_again(runtime: Runtime) -> None:
    """A room waiting for its turn tells its reporter once: the deferral writes the row's new
    payload in the statement that defers it, and the next run reads it."""
    await enqueue(runtime, 1)
    worker = queue(runtime, "w")
    seen: list[dict[str, object]] = []

    async def paced(item: Claimed) -> None:
        seen.append(dict(item.payload))
        if len(seen) < 3:
            told = {**item.payload, "told": len(seen)}
            raise Defer("paced: conversations.create", after=30, payload=told)

    worker.register("test.echo", paced)
    for n in range(3):
        assert await worker.run_once(utcnow() + timedelta(minutes=n)) == 1
    assert seen == [{"n": 0}, {"n": 0, "told": 1}, {"n": 0, "told": 2}]
    [row] = await rows(runtime)
    assert row.status == WorkStatus.DONE and row.attempts == 1


async def test_a_slow_row_never_holds_up_the_next_claim_nor_its_incidents_order(
    runtime: Runtime,
) -> None:
    worker = queue(runtime, "w", concurrency=2)
    release = asyncio.Event()
    ran: list[str] = []

    async def handle(item: Claimed) -> None:
        if item.payload["n"] == 0 and item.kind == "test.slow":
            await release.wait()  # a Slack call that hangs
        ran.append(f"{item.kind}:{item.incident_id}")

    for kind in ("test.slow", "test.fast"):
        worker.register(kind, handle)
    async with transaction(runtime.sessions) as session:
        add_work(session, WorkSpec("test.slow", {"n": 0}), incident_id=None, now=utcnow())
    assert await worker.dispatch() == 1
    await enqueue(runtime, 1, kind="test.fast")
    assert await worker.dispatch() == 1  # claimed and run while the slow one hangs
    for _ in range(100):
        if ran:
            break
        await asyncio.sleep(0.01)
    assert ran == ["test.fast:None"]
    await enqueue(runtime, 2, kind="test.fast")
    assert await worker.dispatch() == 1  # one slot is free: one row, not one to wait for a slot
    release.set()
    for _ in range(200):  # (a row is marked done just after its handler returns)
        done = {r.status for r in await rows(runtime)} == {WorkStatus.DONE}
        if await worker.dispatch() == 0 and len(ran) == 4 and done:
            break
        await asyncio.sleep(0.01)
    assert sorted(ran) == ["test.fast:None"] * 3 + ["test.slow:None"]
    assert {r.status for r in await rows(runtime)} == {WorkStatus.DONE}


async def test_an_incidents_next_row_waits_in_the_table_while_its_last_one_runs(
    runtime: Runtime,
) -> None:
    """Rows of one incident run in the order they were written, also across claims: the next
    one is not claimed (so it holds no slot) until the running one is done."""
    incident, _ = await runtime.service.open_incident(
        title="ordering", reporter_id="U1", platform="test"
    )
    worker = queue(runtime, "w")
    release = asyncio.Event()
    ran: list[int] = []

    async def handle(item: Claimed) -> None:
        if item.payload["n"] == 0:
            await release.wait()
        ran.append(item.payload["n"])

    async def other(item: Claimed) -> None:
        ran.append(99)

    worker.register("test.echo", handle)
    worker.register("test.other", other)
    async with transaction(runtime.sessions) as session:
        add_work(session, WorkSpec("test.echo", {"n": 0}), incident_id=incident.id, now=utcnow())
    assert await worker.dispatch() == 1
    async with transaction(runtime.sessions) as session:
        add_work(session, WorkSpec("test.echo", {"n": 1}), incident_id=incident.id, now=utcnow())
    await enqueue(runtime, 1, kind="test.other")  # a row of no incident is not held up
    assert await worker.dispatch() == 1
    for _ in range(100):
        if ran:
            break
        await asyncio.sleep(0.01)
    assert ran == [99]
    release.set()
    for _ in range(200):
        await worker.dispatch()
        if len(ran) == 3:
            break
        await asyncio.sleep(0.01)
    assert ran == [99, 0, 1]


def test_a_row_waiting_on_another_is_deferred_then_retried_after_an_hour() -> None:
    written = utcnow()
    item = Claimed(1, "slack.invite", 7, {}, written, 1, 8, written)
    young = waiting_on(item, "room not ready yet", now=written + timedelta(seconds=5))
    assert isinstance(young, Defer) and young.after == 1.0
    waited = waiting_on(item, "room not ready yet", now=written + timedelta(minutes=30))
    assert isinstance(waited, Defer) and waited.after == 30.0  # backs off, spends no attempt
    old = waiting_on(item, "room not ready yet", now=written + timedelta(hours=2))
    assert isinstance(old, Retry) and not isinstance(old, Defer)  # attempts run out: dead


async def test_a_burst_bigger_than_the_slots_runs_without_waiting_for_ticks(
    runtime: Runtime,
) -> None:
    """When a batch is done its slots claim again at once: 7 rows, 2 slots, one dispatch."""
    worker = queue(runtime, "w", concurrency=2)
    ran: list[int] = []

    async def handle(item: Claimed) -> None:
        ran.append(item.payload["n"])

    worker.register("test.echo", handle)
    await enqueue(runtime, 7)  # (written before the worker runs: none is taken at once)
    worker.poking = True  # as the server's worker (the tick is not running here)
    assert await worker.dispatch() == 2
    for _ in range(200):
        if len(ran) == 7:
            break
        await asyncio.sleep(0.01)
    assert sorted(ran) == list(range(7))


async def test_closing_the_queue_leaves_no_claim_holding_a_connection(runtime: Runtime) -> None:
    """A poke that is claiming when the process stops is finished (or cancelled) by close(), so
    the engine can be disposed with no connection left inside a transaction."""
    worker = queue(runtime, "w")
    release = asyncio.Event()

    async def handle(item: Claimed) -> None:
        await release.wait()

    worker.register("test.echo", handle)
    await enqueue(runtime, 2)
    worker.poking = True
    worker.poke()
    for _ in range(100):
        if worker._in_flight:
            break
        await asyncio.sleep(0.01)
    assert worker._in_flight == 2
    await worker.close(grace=0.05)  # the handlers hang: cancelled after the grace
    assert not worker._tasks and worker.poking is False
    pool = runtime.engine.sync_engine.pool
    assert pool.checkedout() == 0


def test_the_tick_is_a_backstop_where_workers_are_told_of_new_rows() -> None:
    """PostgreSQL's workers LISTEN (and run the rows of their own process as they fall due):
    the tick is a 5 s backstop. On SQLite nothing tells a worker process of a web process's
    rows: it looks every 0.5 s. LEAKDESK_WORKER_INTERVAL, when set, is the tick either way."""
    assert tick_interval(None, told=True) == 5.0
    assert tick_interval(None, told=False) == 0.5
    assert tick_interval(0.1, told=True) == 0.1
