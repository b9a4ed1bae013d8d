"""SQL statements, work rows and Slack calls per step of one incident, in-process.

Drives the real app (bolt behind FastAPI, the worker drained in-process) against the fake Slack
as tests/slack does: a report, then the answers the room asks for (the load test's case, up to
ten). Incidents are walked one after another and the last is counted (warm caches); for each
step it prints the statements the engines ran, the work rows written and the Slack calls made,
then the lines of our code that ran the most statements (`BENCH_SITE_DEPTH=4`: with callers).
Statement counts are exact and repeatable, unlike CPU on a busy machine: the tool to find and
prove a saving before `python -m bench --only load` measures it.

    python -m bench.statements [--pg] [--step affected_count] [--sql] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import greenlet
from sqlalchemy import event, select

from app.db import normalize_database_url
from app.migrate import upgrade
from app.models import WorkItem
from bench.ack import distinct_summary
from bench.server import postgres_available, reset_postgres
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, driven
from tests.slack.room_walk import MISDIRECTED_SEV3

DEPTH = int(os.environ.get("BENCH_SITE_DEPTH", "1"))  # how many of our frames name a site
APP = str(Path(__file__).resolve().parent.parent / "app")


def site() -> str:
    """The innermost frames of our own code (app/, db.py aside) that ran the statement."""
    frame = sys._getframe(1)
    parent = greenlet.getcurrent().parent  # SQLAlchemy runs the sync work in a greenlet
    if parent is not None and parent.gr_frame is not None:
        frame = parent.gr_frame
    chain: list[str] = []
    while frame is not None and len(chain) < DEPTH:
        name = frame.f_code.co_filename
        if name.startswith(APP) and not name.endswith(("db.py", "postgres.py")):
            chain.append(f"app{name[len(APP) :]}:{frame.f_lineno} {frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(chain) or "?"


@dataclass
class Step:
    name: str
    statements: int
    transactions: int
    cpu_ms: float
    work: list[str]
    calls: list[str]
    checkouts: int = 0


@dataclass
class Count:
    """Statements run while listening; call sites only within the chosen steps."""

    only: str | None = None
    sql: bool = False  # print each statement of the chosen steps as it runs
    statements: int = 0
    transactions: int = 0  # on the write engine (a BEGIN and a COMMIT or ROLLBACK each)
    checkouts: int = 0  # connections taken from the pools (a session's, a statement's own)
    kinds: Counter[str] = field(default_factory=Counter)
    sites: Counter[str] = field(default_factory=Counter)
    steps: list[Step] = field(default_factory=list)
    _sites_on: bool = False
    _paused: bool = True  # (the harness's own reads between steps are not counted)

    def __call__(self, conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if self._paused:
            return
        self.statements += 1
        self.kinds[statement.split(None, 1)[0].upper()] += 1
        if self._sites_on:
            where = site()
            self.sites[where] += 1
            if self.sql:
                print(f"      {' '.join(statement.split())[:140]}  [{where}]")

    def checked_out(self, *args: Any) -> None:
        if not self._paused:
            self.checkouts += 1

    def began(self, conn) -> None:  # type: ignore[no-untyped-def]
        # (reads run in autocommit on PostgreSQL, in their own pool: no BEGIN is sent for them)
        autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        if not self._paused and not autocommit:
            self.transactions += 1

    def listen(self, slack: Slack) -> None:
        engine, reader = slack.runtime.engine.sync_engine, slack.runtime.reader.sync_engine
        event.listen(engine, "before_cursor_execute", self)
        event.listen(engine, "begin", self.began)
        event.listen(engine.pool, "checkout", self.checked_out)
        if reader.pool is not engine.pool:  # (an in-memory SQLite database has one pool)
            event.listen(reader.pool, "checkout", self.checked_out)
            event.listen(reader, "before_cursor_execute", self)
        lane = slack.runtime.queue.writer.lane  # (PostgreSQL: the queue's statements on asyncpg)
        if lane is not None:
            lane.observers.append(self.ran_in_lane)

    def ran_in_lane(self, statement: str) -> None:
        """A statement of `app.postgres.Lane`: counted as one, and as a checkout of its pool."""
        self(None, None, statement, None, None, False)
        self.checked_out()

    async def step(self, slack: Slack, name: str, request: Any, profiler: Any) -> None:
        """Sends one request, lets the worker do what it set off, and counts both."""
        calls, rows = len(slack.fake.calls), len(await work_rows(slack))
        self._sites_on, self._paused = self.only is None or self.only in name, False
        before, began, cpu = self.statements, self.transactions, time.thread_time()
        taken = self.checkouts
        profiler = profiler if self._sites_on else None  # (only the chosen steps)
        if profiler:
            profiler.enable()
        await request
        await slack.work()
        if profiler:
            profiler.disable()
        cpu_ms, statements = (time.thread_time() - cpu) * 1000, self.statements - before
        self._sites_on, self._paused = False, True
        made = [c.method for c in slack.fake.calls[calls:]]
        began = self.transactions - began
        self.steps.append(Step(name, statements, began, cpu_ms, [], made, self.checkouts - taken))
        self.steps[-1].work = (await work_rows(slack))[rows:]


async def work_rows(slack: Slack) -> list[str]:
    async with slack.runtime.sessions() as session:
        return list((await session.execute(select(WorkItem.kind).order_by(WorkItem.id))).scalars())


async def incident(
    slack: Slack, tag: str, answers: int, count: Count | None, profiler: Any
) -> None:
    """One report and up to `answers` answers, each step counted when `count` is given."""

    async def step(name: str, request: Any) -> None:
        if count is None:
            await request
            await slack.work()
        else:
            await count.step(slack, name, request, profiler)

    await step("report", slack.command(distinct_summary(random.Random(tag), tag)))
    for _ in range(answers):
        field = slack.current_question()
        if field is None:
            break
        await step(f"answer {field}", slack.answer(field, MISDIRECTED_SEV3.get(field)))


async def walk(url: str, args: argparse.Namespace) -> Count:
    count = Count(only=args.step, sql=args.sql)
    profiler = cProfile.Profile() if args.profile else None
    with FakeSlack() as fake:
        async with driven(url, fake, worker_here=True) as slack:  # as the server runs it
            for n in range(args.incidents - 1):
                await incident(slack, f"warm-{n}", args.answers, None, None)
            count.listen(slack)
            await incident(slack, "counted", args.answers, count, profiler)
    if profiler:
        profiler.dump_stats(args.profile)
    return count


def show(count: Count, sites: int) -> None:
    for s in count.steps:
        print(
            f"  {s.name:28} {s.statements:4} statements {s.transactions:3} write transactions "
            f"{s.checkouts:3} checkouts {s.cpu_ms:7.1f} ms CPU (this thread)"
        )
        print(f"  {'':28} work {s.work}\n  {'':28} Slack {s.calls}")
    cpu = sum(s.cpu_ms for s in count.steps)
    total = sum(s.statements for s in count.steps)
    began = sum(s.transactions for s in count.steps)
    taken = sum(s.checkouts for s in count.steps)
    print(
        f"  {'total':28} {total:4} statements {began:3} write transactions {taken:3} checkouts "
        f"{cpu:7.1f} ms; {dict(count.kinds)}"
    )
    for where, n in count.sites.most_common(sites):
        print(f"    {n:4}  {where}")


def database(pg: bool, tmp: Path) -> str:
    if not pg:
        url = f"sqlite+aiosqlite:///{tmp / 'leakdesk.db'}"
        upgrade(url)
        return url
    # the bench database (BENCH_DATABASE_URL), emptied and migrated as `python -m bench` does
    return normalize_database_url(reset_postgres())


def figures(count: Count, suffix: str) -> dict[str, Any]:
    """The counted incident's figures for results.json: statements per incident and per kind of
    step (the report, the median ordinary answer, the answer that brings the verdict), work
    rows and Slack calls per incident."""
    answers = [s for s in count.steps if s.name.startswith("answer")]
    verdict = next((s for s in answers if "slack.post_verdict" in s.work), None)
    ordinary = sorted(s.statements for s in answers if s is not verdict and len(s.work) == 1)
    return {
        f"incident_statements{suffix}": sum(s.statements for s in count.steps),
        f"incident_write_transactions{suffix}": sum(s.transactions for s in count.steps),
        f"incident_statements_report{suffix}": count.steps[0].statements,
        f"incident_statements_answer{suffix}": ordinary[len(ordinary) // 2] if ordinary else None,
        f"incident_statements_verdict_answer{suffix}": verdict.statements if verdict else None,
        f"incident_work_rows{suffix}": sum(len(s.work) for s in count.steps),
        f"incident_slack_calls{suffix}": sum(len(s.calls) for s in count.steps),
    }


def main(quick: bool = False) -> dict[str, Any]:
    """`python -m bench`'s entry: one incident counted on SQLite, and on PostgreSQL if it answers."""

    args = argparse.Namespace(answers=10, incidents=3, step=None, profile=None, sql=False)
    result: dict[str, Any] = {}
    for pg in (False, True):
        if pg and not postgres_available():
            print("  (PostgreSQL not available: its statement counts are skipped)")
            continue
        tmp = Path(tempfile.mkdtemp())
        try:
            count = asyncio.run(walk(database(pg, tmp), args))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"  {'PostgreSQL' if pg else 'SQLite'}:")
        show(count, 0)
        result.update(figures(count, "_pg" if pg else ""))
    return result


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="on PostgreSQL (BENCH_DATABASE_URL)")
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--incidents", type=int, default=3, help="the last one is counted")
    parser.add_argument("--step", help="count call sites only in steps whose name has this")
    parser.add_argument("--sites", type=int, default=30, help="how many call sites to list")
    parser.add_argument("--profile", type=Path, help="cProfile stats of the counted incident")
    parser.add_argument("--sql", action="store_true", help="print the chosen steps' statements")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    try:
        show(asyncio.run(walk(database(args.pg, tmp), args)), args.sites)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    cli()
