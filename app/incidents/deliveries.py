"""Deliveries already handled: a platform's retried event, a replayed signed request, an ended
ops session — one row each in `processed_events`, forgotten once nothing can repeat them.

How long a row must be remembered (DELIVERY_MEMORY, one day, covers the longest):
* Slack retries an Events API delivery three times, the last about five minutes after the first
  (docs.slack.dev/apis/events-api, "Retries");
* a signed Slack request is refused after five minutes anyway (app.slack.app.STALE_SECONDS);
* an ops session cookie lives twelve hours (app.ops.auth.SESSION_MAX_AGE), so its "ended" mark
  must outlive it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from app.incidents.ledger import Ledger
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
        try:
            async with self.ledger.write() as session:
                session.add(
                    ProcessedEvent(event_id=event_id[:128], received_at=self.ledger.clock())
                )
        except IntegrityError:
            return False
        return True

    async def forget_deliveries(self, now: datetime | None = None) -> int:
        """Deletes the deliveries older than DELIVERY_MEMORY; returns how many (every replica may
        run it: a delete of what is already gone deletes nothing)."""
        before = (now or self.ledger.clock()) - DELIVERY_MEMORY
        async with self.ledger.write() as session:
            result = await session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.received_at < before)
            )
        return int(getattr(result, "rowcount", 0) or 0)
