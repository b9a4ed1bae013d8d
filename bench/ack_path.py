"""What a report costs in the database, in-process, on SQLite: the ack's one write, then the
worker's taking of it.

- `record_report`: the acknowledgement's only database work (one INSERT of the masked report).
- `take_report`: the worker's transaction: the storm check (the open incidents of the last 2
  hours, at most 200, compared with the report), the incident, its first timeline event and its
  work rows, and the report row's fenced update.

Each is timed alone, one call at a time, with no open incident and with 200 open incidents of
the last 2 hours, with and without an encryption key (LEAKDESK_ENCRYPTION_KEY seals titles and
work payloads at rest, so the storm check unseals each candidate's title once).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time

from bench import server
from bench.ack import distinct_summary

OPEN = 200
KIND = "bench.report"


async def _measure(url: str, key: str | None, calls: int) -> dict[str, float]:
    from app.incidents.reports import Report
    from app.migrate import upgrade
    from app.runtime import build_runtime
    from app.settings import Settings
    from app.work.queue import WorkQueue

    await asyncio.to_thread(upgrade, url)
    settings = Settings(_env_file=None, database_url=url, worker_enabled=False, encryption_key=key)
    runtime = build_runtime(settings)
    service, rng = runtime.service, random.Random(7)
    queue = WorkQueue(runtime.sessions, batch=1)
    queue.register(KIND, lambda item: asyncio.sleep(0))
    record_ms: list[float] = []
    take_ms: list[float] = []

    async def one() -> None:
        begin = time.perf_counter()
        await service.record_report(
            KIND, title=distinct_summary(rng, "report"), reporter_id="U0REPORTER", platform="bench"
        )
        record_ms.append((time.perf_counter() - begin) * 1000)
        (item,) = await queue.claim()
        report = Report.from_payload(item.payload)
        assert report is not None
        begin = time.perf_counter()
        await service.take_report(report, queue.fenced(item), lambda incident, opened: [])
        take_ms.append((time.perf_counter() - begin) * 1000)
        await queue.complete(item)

    def p50(samples: list[float]) -> float:
        return round(statistics.median(samples), 2)

    out: dict[str, float] = {}
    try:
        for _ in range(calls):
            await one()
        out["record_0"], out["take_0"] = p50(record_ms), p50(take_ms)
        while len(take_ms) < OPEN:
            await one()
        record_ms.clear()
        take_ms.clear()
        for _ in range(calls):
            await one()
        out["record_200"], out["take_200"] = p50(record_ms), p50(take_ms)
    finally:
        await runtime.close()
    return out


def main(quick: bool = False) -> dict[str, float]:
    from cryptography.fernet import Fernet

    calls = 30 if quick else 100
    result: dict[str, float] = {}
    for label, key in (("", None), ("_sealed", Fernet.generate_key().decode())):
        with server.workdir() as cwd:
            got = asyncio.run(_measure(f"sqlite+aiosqlite:///{cwd}/leakdesk.db", key, calls))
        result.update(
            {
                f"record_report_p50_ms{label}": got["record_0"],
                f"record_report_p50_ms_{OPEN}_open{label}": got["record_200"],
                f"take_report_p50_ms{label}": got["take_0"],
                f"take_report_p50_ms_{OPEN}_open{label}": got["take_200"],
            }
        )
        print(
            f"a report on SQLite{' with texts sealed' if key else ''}: the ack's write "
            f"{got['record_0']} ms ({got['record_200']} ms with {OPEN} open incidents); the "
            f"worker's take {got['take_0']} ms ({got['take_200']} ms with {OPEN} open)"
        )
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
