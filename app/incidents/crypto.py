"""Key rotation: every sealed value re-encrypted with the newest key (`leakdesk rotate-keys`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app.models import Answer, Incident, Statement, TimelineEvent, Verdict, WorkItem
from app.sealed import vault

__all__ = ["reseal_all", "vault"]


async def reseal_all(sessions: Any, batch: int = 500) -> int:
    """Re-encrypts every sealed value with the newest key (after adding one in front)."""
    sealed = {
        Incident: ("title", "source", "resolution"),
        Answer: ("value",),
        Verdict: ("answers",),
        Statement: ("texts", "findings", "facts"),
        TimelineEvent: ("data",),
        WorkItem: ("payload",),
    }
    count = 0
    for model, columns in sealed.items():
        last_id = 0
        while True:
            async with sessions() as session, session.begin():
                rows = list(
                    (
                        await session.execute(
                            select(model).where(model.id > last_id).order_by(model.id).limit(batch)
                        )
                    ).scalars()
                )
                for row in rows:
                    for column in columns:
                        flag_modified(row, column)
                count += len(rows)
            if len(rows) < batch:
                break
            last_id = rows[-1].id
    return count
