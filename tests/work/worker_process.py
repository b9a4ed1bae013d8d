"""A worker that claims one row, says so, and hangs until it is killed (for the crash test)."""

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from app.db import create_engine, session_factory
from app.work.queue import WorkQueue


async def main(url: str, marker: Path) -> None:
    engine = create_engine(url)
    worker = WorkQueue(session_factory(engine), worker_id="doomed", lease=timedelta(seconds=2))

    async def hang(item) -> None:  # type: ignore[no-untyped-def]
        marker.write_text(str(item.id))
        await asyncio.sleep(3600)

    worker.register("test.echo", hang)
    await worker.run_once()


asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
