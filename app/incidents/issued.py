"""The verdict a transaction issued, kept on its session for the hooks of its event: the
deadline, the verdict's items and the follow-up plan each need it, and read it there instead
of asking the database again for the row this very transaction wrote."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.reads import latest_verdict
from app.models import Verdict


def remember_issued(session: AsyncSession, verdict: Verdict) -> None:
    """Keeps `verdict`, just added to `session`, as its incident's latest. Safe: the session is
    one transaction, which holds the incident's row lock, and a verdict is only ever issued
    after this one's version (by `Assessment._reassess`, which remembers it here in turn)."""
    session.info[(_ISSUED, verdict.incident_id)] = verdict


async def current_verdict(session: AsyncSession, incident_id: int) -> Verdict | None:
    """The incident's latest verdict: the one this transaction issued, or read."""
    issued = session.info.get((_ISSUED, incident_id))
    if isinstance(issued, Verdict):
        return issued
    return await latest_verdict(session, incident_id)


_ISSUED = "issued_verdict"
