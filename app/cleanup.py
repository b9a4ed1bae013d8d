"""Cleanup (a session's close) run in the caller's step when it need not wait: SQLAlchemy's
asyncio sessions give theirs a task of its own, one more turn of the event loop per transaction."""

from __future__ import annotations

import types
from collections.abc import Coroutine, Generator
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio.base import _run_to_completion

T = TypeVar("T")


async def run_to_completion(coro: Coroutine[Any, Any, T]) -> T:
    """SQLAlchemy's cleanup on leaving a session (`_run_to_completion`: `coro` in a task of its
    own, shielded from cancellation), but run here first: on SQLite's writer (its statements on
    this thread, app.sqlite_writer) closing returns without waiting, and it is done in the
    caller's step, with nothing to cancel. The task SQLAlchemy makes was one more suspension
    per transaction, where an acknowledgement's transaction let the worker's queued callbacks
    run before its response (about 1 ms in the slowest at 20 reports a second; issue 24).
    Should `coro` wait after all, the rest goes to SQLAlchemy's shielded task."""
    try:
        pending = coro.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    return await _run_to_completion(_resumed(coro, pending))


async def _resumed(coro: Coroutine[Any, Any, T], pending: Any) -> T:
    return cast(T, await _carry_on(coro, pending))


@types.coroutine
def _carry_on(coro: Coroutine[Any, Any, Any], pending: Any) -> Generator[Any, Any, Any]:
    """Goes on with `coro`, already started and waiting on `pending` (what it yielded)."""
    while True:
        try:
            sent = yield pending
        except BaseException as exc:  # noqa: BLE001 - handed to the coroutine, as `await` does
            try:
                pending = coro.throw(exc)
            except StopIteration as done:
                return done.value
        else:
            try:
                pending = coro.send(sent)
            except StopIteration as done:
                return done.value
