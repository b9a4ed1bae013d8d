"""An incident's latest verdict as one transaction knows it, kept on its session: read once, or
issued by it. The verdict answer's hooks (the deadline, the verdict's items, the follow-up plan)
each need it, and read it there instead of asking the database again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents import queries
from app.incidents.reads import answers_listed, latest_answers, latest_verdict
from app.models import Incident, Verdict

if TYPE_CHECKING:
    from app.incidents.ledger import Ledger


def remember_issued(session: AsyncSession, verdict: Verdict) -> None:
    """Keeps `verdict`, just added to `session`, as its incident's latest."""
    session.info[(_LATEST, verdict.incident_id)] = verdict


async def current_verdict(session: AsyncSession, incident_id: int) -> Verdict | None:
    """The incident's latest verdict: as this transaction read or issued it. Safe to keep for the
    transaction: it holds the incident's row lock (every writer locks it first), and a verdict
    is issued only under that lock, by `Assessment._reassess`, which remembers it here."""
    key = (_LATEST, incident_id)
    if key not in session.info:
        session.info[key] = await latest_verdict(session, incident_id)
    found = session.info[key]
    return found if isinstance(found, Verdict) else None


async def answers_and_verdict(session: AsyncSession, incident_id: int) -> dict[str, Any]:
    """The incident's current answers (field → value) for a writer that holds its lock; on
    PostgreSQL its current verdict is read in the same statement and kept (`current_verdict`)."""
    if session.bind.dialect.name != "postgresql":
        return await latest_answers(session, incident_id)
    row = (await session.execute(queries.VERDICT_ANSWERS, {"incident_id": incident_id})).one()
    verdict, listed = row
    session.info[(_LATEST, incident_id)] = verdict
    return {field: detail.value for field, detail in answers_listed(listed).items()}


async def lock_with_answers(
    ledger: Ledger, session: AsyncSession, incident_id: int
) -> tuple[Incident, dict[str, Any]]:
    """The open incident taken for update (`Ledger.lock`) and its current answers, as
    `answers_and_verdict` gives them: on PostgreSQL one statement, which also keeps the verdict."""
    if session.bind.dialect.name != "postgresql":
        incident = await ledger.lock(session, incident_id, open_only=True)
        return incident, await latest_answers(session, incident_id)
    statement = queries.LOCK_VERDICT_ANSWERS
    incident, verdict, listed = await ledger.lock_with(
        session, incident_id, statement, open_only=True
    )
    session.info[(_LATEST, incident_id)] = verdict
    return incident, {field: detail.value for field, detail in answers_listed(listed).items()}


_LATEST = "latest_verdict"
