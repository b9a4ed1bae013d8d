"""Waking worker processes at once on PostgreSQL: LISTEN/NOTIFY.

A web replica without a worker (`LEAKDESK_WORKER=false`) cannot poke the worker of another
process; its report would wait for that worker's next claim tick. Instead it sends a NOTIFY
after each request, and every worker process LISTENs and claims at once. A worker process
whose slots are all busy does the same for the due rows it could not take. The tick stays the
backstop: a lost notification (a listener reconnecting) delays work by one tick, no more.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

CHANNEL = "leakdesk_work"


class Notifier:
    """Sends NOTIFY from a web process, one at a time: requests that come while one is on its
    way cause one more after it, not one each."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sending = False
        self._again = False
        self._tasks: set[asyncio.Task[None]] = set()

    def notify(self) -> None:
        if self._sending:
            self._again = True
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a CLI's sync step): the tick will find the work
            return
        self._sending = True
        task = loop.create_task(self._send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self) -> None:
        try:
            while True:
                self._again = False
                async with self.engine.connect() as connection:
                    await connection.execute(text(f"NOTIFY {CHANNEL}"))
                    await connection.commit()
                if not self._again:
                    return
        except Exception as exc:  # the worker's tick still finds the work
            log.warning("could not notify the workers: %r", exc)
        finally:
            self._sending = False

    async def close(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def listen(database_url: str, wake: Callable[[], None], *, retry: float = 2.0) -> None:
    """Calls `wake` on each notification, until cancelled; connects again `retry` seconds after
    the connection is lost. asyncpg delivers notifications by callback, so an idle listener
    costs nothing: psycopg's `notifies()` polled its socket ten times a second (3 ms of CPU a
    second under uvloop, measured; docs/performance-history.md, session 13)."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    while True:
        try:
            await _listen_until_lost(dsn, wake)
            log.warning("work listener lost its connection; again in %s s", retry)
        except Exception as exc:
            log.warning("work listener lost its connection (%r); again in %s s", exc, retry)
        await asyncio.sleep(retry)


async def _listen_until_lost(dsn: str, wake: Callable[[], None]) -> None:
    connection = await asyncpg.connect(dsn)
    lost = asyncio.Event()
    try:
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANNEL, lambda *_notification: wake())
        wake()  # anything written while we were not listening
        await lost.wait()
    finally:
        connection.terminate()  # lost, or cancelled: nothing more to say to the server
