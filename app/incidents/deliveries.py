"""Deliveries already handled: a platform's retried event, a replayed signed request, an ended
ops session — one row each in `processed_events`, forgotten once nothing can repeat them. (A
replayed `/leak` is refused by its report's own work row, whose dedupe key is the request's
signature: app.incidents.intake.)

How long a row must be remembered (DELIVERY_MEMORY, one day, covers the longest):
* Slack retries an Events API delivery three times, the last about five minutes after the first
  (docs.slack.dev/apis/events-api, "Retries");
* a signed Slack request is refused after five minutes anyway (app.slack.bodies.STALE_SECONDS);
* an ops session cookie lives twelve hours (app.ops.auth.SESSION_MAX_AGE), so its "ended" mark
  must outlive it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.ledger import Ledger, dialect
from app.models import ProcessedEvent

DELIVERY_MEMORY = timedelta(days=1)


class Deliveries:
    """Once-only handling of platform deliveries, and forgetting them when they can't recur."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def was_delivered(self, event_id: str) -> bool:
        """Whether `first_delivery` has recorded this id (an ended ops session, say)."""
        async with self.ledger.reads() as session:
            return await session.get(ProcessedEvent, event_id[:128]) is not None

    async def first_delivery(self, event_id: str) -> bool:
        """Records a platform's delivery id (Slack retries an event up to three times): True the
        first time, False for a retry of one already handled."""
        async with self.ledger.write() as session:
            return await first_in(session, event_id, self.ledger.clock())

    async def forget_deliveries(self, now: datetime | None = None) -> int:
        """Deletes the deliveries older than DELIVERY_MEMORY; returns how many (every replica may
        run it: a delete of what is already gone deletes nothing)."""
        before = (now or self.ledger.clock()) - DELIVERY_MEMORY
        async with self.ledger.write() as session:
            result = await session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.received_at < before)
            )
        return int(getattr(result, "rowcount", 0) or 0)


async def first_in(session: AsyncSession, event_id: str, now: datetime) -> bool:
    """Records a delivery id in the caller's transaction: True the first time, False when it was
    recorded before (or by a transaction in flight: its unique key waits for that one's end). A
    write that must happen once per delivery goes in the same transaction, so a replay stores
    nothing and a failed write leaves its delivery unrecorded for a retry."""
    statement = _FIRST_IN[dialect(session) == "postgresql"]
    result = await session.execute(statement, {"event_id": event_id[:128], "received_at": now})
    return result.first() is not None


def _first_in_statement(insert: Any) -> Any:
    # The table, not the class: an ORM insert with parameters is a bulk insert, which returns no
    # rows; and the row it returns says whether it wrote (psycopg gives no rowcount here).
    return (
        insert(ProcessedEvent.__table__)
        .values(event_id=bindparam("event_id"), received_at=bindparam("received_at"))
        .on_conflict_do_nothing(index_elements=[ProcessedEvent.__table__.c.event_id])
        .returning(ProcessedEvent.__table__.c.event_id)
    )


# Built once: the acknowledgement of every `/leak` runs one.
_FIRST_IN = (_first_in_statement(sqlite.insert), _first_in_statement(postgresql.insert))
