"""SQLite's one writer connection: its statements run on the event loop's thread, and its
write-ahead log is checkpointed from a thread of its own (app.db builds the engine)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from functools import partial
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)


class InlineConnection(aiosqlite.Connection):
    """The writer's connection: aiosqlite's, but once set up it runs statements on the event
    loop's own thread. aiosqlite hands each call (a cursor, its execute, its fetch, its close: a
    dozen for an acknowledgement's transaction) to its thread and back through the loop, and
    every hand-off waited for the GIL and for the loop's other callbacks: the worker's
    transactions held the one writer 2 ms at the median and 6 ms at the 90th percentile, most
    of it hand-offs, and a third of the acknowledgements at 20 reports a second waited for one. A statement of ours is tens of microseconds in the WAL with
    `synchronous=NORMAL`, none waits for a lock once BEGIN IMMEDIATE has the writer's, and
    `WriterGate` lets one transaction at a time in. BEGIN IMMEDIATE is the one statement that
    can wait (for another process's write, a CLI's): it is tried without waiting and, when
    another process holds the lock, waited for in aiosqlite's thread, off the loop."""

    _inline = False

    @classmethod
    async def open(cls, path: str) -> InlineConnection:
        # made in aiosqlite's thread, used on the loop's (one at a time: the pool has one)
        connect = partial(sqlite3.connect, path, timeout=30, check_same_thread=False)
        connection = cls(connect, iter_chunk_size=64)
        connection._thread.daemon = True
        return await connection

    def go_inline(self) -> None:
        self._conn.execute("PRAGMA busy_timeout=0")  # BEGIN IMMEDIATE must not wait on the loop
        self._inline = True

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._inline:
            return await super()._execute(fn, *args, **kwargs)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def begin_immediate(self) -> None:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            await super()._execute(_begin_waiting, self._conn)


def _begin_waiting(connection: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE behind another process's write, in aiosqlite's thread: SQLite's busy
    handler polls for the lock (up to 30 s) there, not on the event loop."""
    connection.execute("PRAGMA busy_timeout=30000")
    try:
        connection.execute("BEGIN IMMEDIATE")
    finally:
        connection.execute("PRAGMA busy_timeout=0")


BACKSTOP_PAGES = 20_000  # the writer checkpoints itself only if the WAL grows past this


class Checkpointer:
    """Checkpoints a SQLite file's write-ahead log from a thread and connection of its own,
    once a second. With `synchronous=NORMAL` a commit in WAL mode does not wait for the disk;
    a checkpoint does (it syncs the database file), and SQLite runs it in whichever connection
    commits past 1,000 pages — the one writer every acknowledgement waits for. A PASSIVE
    checkpoint here copies what no reader still needs and never blocks the writer."""

    def __init__(self, path: str, every: float = 1.0) -> None:
        self.path = path
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        while not self._stop.wait(self.every):
            try:
                if connection is None:
                    connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as exc:  # a file not migrated yet, or gone: try again later
                log.debug("WAL checkpoint of %s: %s", self.path, exc)
                if connection is not None:
                    connection.close()
                    connection = None
        if connection is not None:
            connection.close()
