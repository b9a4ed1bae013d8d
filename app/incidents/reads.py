"""Small reads shared by the incident service and the follow-up scheduler (inside their sessions)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Verdict


async def latest_verdict(session: AsyncSession, incident_id: int) -> Verdict | None:
    """The incident's current verdict (highest version), or None before the first one."""
    return (
        await session.execute(
            select(Verdict)
            .where(Verdict.incident_id == incident_id)
            .order_by(Verdict.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
