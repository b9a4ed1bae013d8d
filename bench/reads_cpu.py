"""Client CPU per call of the hottest service calls, in-process: `Reads.snapshot` (every card and
summary render reads one) and `record_answer` (an ordinary answer's transaction).

One incident is walked to its verdict as the load test drives it (bolt behind FastAPI, the fake
Slack), then each call is repeated `--calls` times one after another and timed with
`time.process_time()` (this process's CPU, the driver's and the database's round trip waits
left out): steadier on a busy machine than wall time, and the figure a per-statement saving
moves. Run it twice; compare before and after on the same machine.

    python -m bench.reads_cpu [--pg] [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from bench.statements import database, incident
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import Slack, driven

# Two values of a free-text answer that leave the verdict as it is: each call writes the answer
# and its event (the value changes every time) and reassesses, as an ordinary answer does. Each
# also adds a row that every later answer reads (an incident has a dozen or so): a hundred
# calls keep that small.
CAUSES = ("a mistyped address", "a mistyped list")
ANSWERS = 100


async def per_call(calls: int, once) -> float:  # type: ignore[no-untyped-def]
    """Microseconds of this process's CPU per call of `once(n)`, after a few to warm up."""
    for n in range(20):
        await once(n)
    start = time.process_time()
    for n in range(calls):
        await once(n)
    return (time.process_time() - start) / calls * 1e6


async def measure(url: str, calls: int) -> dict[str, float]:
    with FakeSlack() as fake:
        async with driven(url, fake) as slack:
            await incident(slack, "timed", 10, None, None)
            return await timings(slack, calls)


async def timings(slack: Slack, calls: int) -> dict[str, float]:
    service = slack.runtime.service
    incident_id = (await service.open_incidents(limit=1))[0][0].id

    async def snapshot(_n: int) -> None:
        await service.snapshot(incident_id)

    async def card(_n: int) -> None:  # a triage card's read: no action items
        await service.snapshot(incident_id, tasks=False)

    async def answer(n: int) -> None:
        await service.record_answer(incident_id, "cause", CAUSES[n % 2], "U1")

    return {
        "snapshot_us": await per_call(calls, snapshot),
        "snapshot_card_us": await per_call(calls, card),
        "record_answer_us": await per_call(ANSWERS, answer),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="on PostgreSQL (BENCH_DATABASE_URL)")
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    try:
        url = database(args.pg, tmp)
        try:
            import uvloop

            figures = uvloop.run(measure(url, args.calls))
        except ImportError:
            figures = asyncio.run(measure(url, args.calls))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name, value in figures.items():
        print(f"  {name:20} {value:8.1f} µs CPU per call")


if __name__ == "__main__":
    main()
