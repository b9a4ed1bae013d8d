"""CPU per render of the room's hottest Slack messages, in-process: the triage question card
(rendered on every answer), the living verdict and the summary, each Block Kit's JSON as the
room sends it (`BlockKit.question`, `.verdict`, `.summary`: building the blocks and `dump`).

One incident is walked to its verdict as the load test drives it (bolt behind FastAPI, the fake
Slack), the renderer's calls recorded; the last call of each kind is then repeated `--calls`
times and timed with `time.process_time()`, and once more under cProfile for the number of
Python function calls per render — the repeatable figure on a busy machine.

    python -m bench.render_cpu [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.slack.blocks import BlockKit
from bench.statements import database, incident
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import driven

KINDS = ("question", "verdict", "summary")
Call = tuple[tuple[Any, ...], dict[str, Any]]


async def record(url: str) -> dict[str, Call]:
    """The last arguments each kind of render was called with while one incident was walked."""
    calls: dict[str, Call] = {}
    originals = {kind: getattr(BlockKit, kind) for kind in KINDS}

    def recording(kind: str) -> Callable[..., Any]:
        def render(*args: Any, **kwargs: Any) -> Any:
            calls[kind] = (args, kwargs)
            return originals[kind](*args, **kwargs)

        return staticmethod(render)

    for kind in KINDS:
        setattr(BlockKit, kind, recording(kind))
    try:
        with FakeSlack() as fake:
            async with driven(url, fake, worker_here=True) as slack:
                await incident(slack, "rendered", 10, None, None)
    finally:
        for kind, original in originals.items():
            setattr(BlockKit, kind, staticmethod(original))
    return calls


def per_render(render: Callable[..., Any], call: Call, calls: int) -> tuple[float, int]:
    """Microseconds of CPU and Python function calls per render."""
    args, kwargs = call
    for _ in range(20):
        render(*args, **kwargs)
    start = time.process_time()
    for _ in range(calls):
        render(*args, **kwargs)
    micros = (time.process_time() - start) / calls * 1e6
    profiler = cProfile.Profile()
    profiler.runcall(render, *args, **kwargs)
    return micros, pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    try:
        recorded = asyncio.run(record(database(False, tmp)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for kind in KINDS:
        micros, count = per_render(getattr(BlockKit, kind), recorded[kind], args.calls)
        print(f"  {kind:10} {micros:8.1f} µs CPU  {count:6d} calls per render")


if __name__ == "__main__":
    main()
