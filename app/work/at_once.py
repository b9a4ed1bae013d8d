"""Rows a transaction adds, run at once by the worker of the process that wrote them.

A request that records an answer writes the row that asks the next question; a worker that
opens an incident writes the rows that open its room. With a worker running in this process,
such a row is written already claimed by it (its lease and first attempt set in the INSERT) and
starts as the transaction commits: no claim statement, no wait for a poke or a tick. It is an
ordinary claimed row from then on: fenced by its attempt, retried on failure, and taken over by
any worker once its lease runs out (a process that dies after the commit).

A row is taken at once only when it is due now, a work slot is free, and no other row of its
incident runs here (rows of one incident run in the order they were written; a row written
while another runs waits in the table, as it always did). A transaction that rolls back gives
its slots back; its rows were never written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import WorkItem, WorkStatus

if TYPE_CHECKING:
    from app.work.queue import WorkQueue

log = logging.getLogger(__name__)

# The queue that runs rows at once, by the engine its transactions write with.
_queues: WeakKeyDictionary[Any, WorkQueue] = WeakKeyDictionary()
_TAKEN = "work_taken_at_once"  # Session.info: the transaction's `Taken`
_LATER = "work_due_later"  # Session.info: (queue, due times) of rows written for later


@dataclass
class Taken:
    """The slots a transaction holds in `queue` (by incident) and the rows written in them, in
    the order they were added."""

    queue: WorkQueue
    held: list[int | None] = field(default_factory=list)
    items: list[WorkItem] = field(default_factory=list)

    def release(self, incident_ids: list[int | None]) -> None:
        for incident_id in incident_ids:
            self.queue.unreserve(incident_id)


def run_here(queue: WorkQueue) -> None:
    """From now on `queue` takes the due rows written with its engine (the server's worker)."""
    _queues[queue.sessions.kw["bind"].sync_engine] = queue


def stop_running_here(queue: WorkQueue) -> None:
    _queues.pop(queue.sessions.kw["bind"].sync_engine, None)


def offer(session: AsyncSession, item: WorkItem) -> None:
    """Called for each row added to `session`'s transaction (`add_work`): claims it for this
    process's worker if that worker can run it at once."""
    claim = claiming(session, item.incident_id, item.due_at)
    if claim is not None:
        for column, value in claim.items():
            setattr(item, column, value)
        took(session, item)


def claiming(
    session: AsyncSession, incident_id: int | None, due_at: datetime
) -> dict[str, Any] | None:
    """The columns that write a row due at `due_at` claimed by this process's worker, its slot
    held (call `took` with the row once written), or None: the row is written pending."""
    bind = session.bind
    queue = _queues.get(bind.sync_engine) if bind is not None else None
    if queue is None:
        return None
    if due_at > queue.clock():  # its worker claims it when it falls due (`WorkQueue.expect`)
        session.info.setdefault(_LATER, (queue, []))[1].append(due_at)
        return None
    taken: Taken | None = session.info.get(_TAKEN)
    alongside = 0
    if taken is not None and incident_id is not None:
        alongside = taken.held.count(incident_id)
    if not queue.reserve(incident_id, alongside=alongside):
        return None
    if taken is None:
        taken = session.info[_TAKEN] = Taken(queue)
    taken.held.append(incident_id)
    return {
        "status": WorkStatus.CLAIMED,
        "claimed_by": queue.worker_id,
        "attempts": 1,
        "lease_until": queue.clock() + queue.lease,
    }


def took(session: AsyncSession, item: WorkItem) -> None:
    """`item` was written with the columns `claiming` gave: it starts when the transaction
    commits."""
    session.info[_TAKEN].items.append(item)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if later := session.info.pop(_LATER, None):
        queue, due = later
        queue.expect(due)
    taken: Taken | None = session.info.pop(_TAKEN, None)
    if taken is None:
        return
    unused = list(taken.held)  # (a slot whose row was not written after all)
    for item in taken.items:
        unused.remove(item.incident_id)
    taken.release(unused)
    if not taken.items:
        return
    try:
        taken.queue.start(taken.items)
    except Exception:  # (never in a commit's way: their leases run out, any worker takes them)
        log.exception("work rows taken at once could not start")
        taken.release([item.incident_id for item in taken.items])


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:  # (a savepoint ended, not the transaction)
        return
    session.info.pop(_LATER, None)
    taken: Taken | None = session.info.pop(_TAKEN, None)
    if taken is not None:  # not committed: the rows were not written, their slots are free
        taken.release(taken.held)
