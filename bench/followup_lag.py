"""Follow-up prompts on PostgreSQL with 10,000 pending: lag from due time to post, idle CPU.

Set-up: a real `leakdesk serve` (worker on) on the `bench` database and the tests' fake Slack
(answering at once) in this process. INCIDENTS incidents are written through the incident
service with a room each (made in the fake), then PENDING follow-up prompts (`followups` rows
and their `followup.prompt` work rows, as the scheduler writes them) are inserted in bulk:

- DUE of them come due one after another over WINDOW seconds, spread over the incidents;
  the lag of each is the time from its `due_at` to the fake receiving its chat.postMessage
  (metadata ref `followup:{id}`);
- the rest are due tomorrow or later: once the due ones are posted, the server's CPU time
  (/proc/PID/stat) over IDLE seconds gives the cost of the idle claim loop with 10,000 rows
  pending, against the same server measured idle with an empty work table before the insert.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, update

from bench import server
from bench.stats import summary
from tests.fakes.slack_api import FakeSlack

PENDING = 10_000
INCIDENTS = 100


def _ref_of(call: Any) -> str | None:
    metadata = call.params.get("metadata") or {}
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    return payload.get("ref") if isinstance(payload, dict) else None


async def _seed_incidents(url: str, fake: FakeSlack, count: int) -> list[tuple[int, str]]:
    """Incidents with a room each, written the way the service writes them (no Slack work:
    the platform is not slack, so no room-opening work is queued)."""
    from app.runtime import build_runtime
    from app.settings import Settings

    runtime = build_runtime(Settings(_env_file=None, database_url=url, worker_enabled=False))
    rooms = []
    try:
        for i in range(count):
            incident, _ = await runtime.service.open_incident(
                title=f"bench follow-up room {i}", reporter_id="U0REPORTER", platform="bench"
            )
            name = f"leak-bench-{i:03d}"
            channel = fake.add_channel(
                name, is_private=True, members=["U0BOT", "U0REPORTER", "U0RESP1"]
            )
            await runtime.service.record_room(incident.id, channel_id=channel, channel_name=name)
            rooms.append((incident.id, channel))
    finally:
        await runtime.close()
    return rooms


async def _insert_prompts(
    url: str, rooms: list[tuple[int, str]], due: list[datetime], later: int
) -> dict[int, datetime]:
    """Followup rows and their work rows, in bulk; returns {followup id: due_at} of `due`."""
    from app.db import create_engine
    from app.incidents.schedule import prompt_kind
    from app.models import Followup, FollowupState, WorkItem, WorkStatus

    now = datetime.now(UTC)
    tomorrow = now + timedelta(days=1)
    plan = [(at, True) for at in due] + [
        (tomorrow + timedelta(seconds=30 * i), False) for i in range(later)
    ]
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            rows = [
                {
                    "incident_id": rooms[i % len(rooms)][0],
                    "key": f"bench:{i}",
                    "kind": "status",
                    "due_at": at,
                    "deadline_at": None,
                    "state": FollowupState.SCHEDULED,
                    "snoozes": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, (at, _) in enumerate(plan)
            ]
            ids = (
                await connection.execute(insert(Followup).returning(Followup.id), rows)
            ).scalars()
            followup_ids = list(ids)
            work = [
                {
                    "incident_id": row["incident_id"],
                    "kind": prompt_kind("slack"),
                    "payload": {"followup_id": fid, "ref": f"followup:{fid}"},
                    "due_at": row["due_at"],
                    "status": WorkStatus.PENDING,
                    "attempts": 0,
                    "max_attempts": 8,
                    "created_at": now,
                }
                for fid, row in zip(followup_ids, rows, strict=True)
            ]
            work_ids = list(
                (await connection.execute(insert(WorkItem).returning(WorkItem.id), work)).scalars()
            )
            table = Followup.__table__
            await connection.execute(
                update(table)
                .where(table.c.id == bindparam("fid"))
                .values(work_id=bindparam("wid")),
                [{"fid": f, "wid": w} for f, w in zip(followup_ids, work_ids, strict=True)],
            )
    finally:
        await engine.dispose()
    return {fid: at for fid, (at, is_due) in zip(followup_ids, plan, strict=True) if is_due}


def _cpu_percent(proc: server.Process, seconds: float) -> float:
    begin_cpu, begin = proc.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    return round(100 * (proc.cpu_seconds() - begin_cpu) / (time.monotonic() - begin), 2)


def main(quick: bool = False) -> dict[str, float]:
    if not server.postgres_available():
        print("PostgreSQL not reachable: follow-up lag skipped")
        return {}
    due_count, window, idle = (160, 8.0, 6.0) if quick else (1000, 25.0, 20.0)
    url = server.reset_postgres()
    with server.workdir() as cwd, FakeSlack(trigger_ttl=None) as fake:
        with server.leakdesk(url, fake.url, cwd=cwd) as proc:
            rooms = asyncio.run(_seed_incidents(url, fake, INCIDENTS))
            time.sleep(2)
            empty_cpu = _cpu_percent(proc, idle)
            start = datetime.now(UTC) + timedelta(seconds=10)  # after the insert
            due = [start + timedelta(seconds=window * i / due_count) for i in range(due_count)]
            began = time.monotonic()
            expected = asyncio.run(_insert_prompts(url, rooms, due, PENDING - due_count))
            insert_s = time.monotonic() - began
            refs = {f"followup:{fid}": at for fid, at in expected.items()}

            def posted() -> dict[str, float]:
                return {
                    ref: c.at
                    for c in fake.calls_to("chat.postMessage", outcome="ok")
                    if (ref := _ref_of(c)) in refs
                }

            cpu_begin, wall_begin = proc.cpu_seconds(), time.monotonic()
            try:
                fake.wait_for(lambda: len(posted()) >= len(refs), within=window + 120)
            except TimeoutError:
                print(f"  only {len(posted())} of {len(refs)} due prompts were posted")
            seen = posted()
            # CPU per post: the server's CPU while posting, less what it spends idle
            busy = proc.cpu_seconds() - cpu_begin
            busy -= empty_cpu / 100 * (time.monotonic() - wall_begin)
            cpu_per_post = round(busy * 1000 / max(1, len(seen)), 2)
            counts: dict[str, int] = {}
            for call in fake.calls_to("chat.postMessage", outcome="ok"):
                if (ref := _ref_of(call)) in refs:
                    counts[ref] = counts.get(ref, 0) + 1
            duplicates = sum(n - 1 for n in counts.values())
            lags = [(seen[ref] - refs[ref].timestamp()) * 1000 for ref in seen]
            time.sleep(2)
            pending_cpu = _cpu_percent(proc, idle)
    stats = summary(lags)
    result = {
        "followup_pending": PENDING,
        "followup_due_posted": len(seen),
        "followup_due_expected": len(refs),
        "followup_duplicate_posts": duplicates,
        "followup_lag_p50_ms": stats["p50"],
        "followup_lag_p99_ms": stats["p99"],
        "followup_lag_max_ms": stats["max"],
        "followup_cpu_ms_per_post": cpu_per_post,
        "followup_idle_cpu_percent": pending_cpu,
        "followup_idle_cpu_empty_percent": empty_cpu,
    }
    print(
        f"follow-ups on PostgreSQL, {PENDING} pending ({insert_s:.1f} s to insert): "
        f"{len(seen)}/{len(refs)} due over {window:.0f} s across {INCIDENTS} rooms posted "
        f"({duplicates} twice); "
        f"lag due → post p50 {stats['p50']:.0f} ms, p99 {stats['p99']:.0f} ms, "
        f"max {stats['max']:.0f} ms; server CPU {cpu_per_post} ms per post. Idle claim loop: {pending_cpu}% of a core with "
        f"{PENDING - due_count} not yet due, {empty_cpu}% with an empty table ({idle:.0f} s each)"
    )
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
