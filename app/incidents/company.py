"""Company facts as settings (issue 25, item 3): whether the company is usually the controller or
a processor, listed, a public body. They are facts about the company, not the incident: an admin
sets them once per workspace (a Slack team, a Teams tenant; `LEAKDESK_COMPANY_*` gives the
defaults), every new incident takes them as answers recorded as coming from the settings (on
the timeline), and the triage card does not ask them. The room can still change them for an
unusual incident (acting as a processor this time)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.config import Config
from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.models import CompanySetting
from app.triage import AnswersError, parse_answers

COMPANY_FIELDS = ("role", "listed_company", "public_body")
FROM_SETTINGS = "settings"  # the actor of an answer taken from the company settings


class Company:
    """Reads and sets a workspace's company facts."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def facts(self, workspace_id: str | None) -> dict[str, Any]:
        async with self.ledger.sessions() as session:
            return await facts_for(session, self.ledger.config, workspace_id)

    async def set_fact(
        self, workspace_id: str | None, field: str, value: Any, actor: str
    ) -> dict[str, Any]:
        """Sets (or, with None, unsets) one fact for the workspace; returns its facts now."""
        if field not in COMPANY_FIELDS:
            raise ServiceError("invalid_answer", f"{field}: not a company fact")
        if value is not None:
            try:
                parse_answers({"discovered_at": "2000-01-01T00:00:00+00:00", field: value})
            except AnswersError as exc:
                raise ServiceError("invalid_answer", "; ".join(exc.errors)) from None
        key, now = workspace_id or "", self.ledger.clock()
        async with self.ledger.write() as session:
            row = await session.get(CompanySetting, key, with_for_update=True)
            if row is None:
                row = CompanySetting(workspace_id=key, facts={}, updated_by=actor, updated_at=now)
                session.add(row)
            facts = {k: v for k, v in (row.facts or {}).items() if k != field}
            # None unsets: the environment's default (or the question in the room) comes back.
            row.facts = {**facts, field: value} if value is not None else facts
            row.updated_by, row.updated_at = actor, now
            await session.flush()
            return await facts_for(session, self.ledger.config, workspace_id)


async def facts_for(
    session: AsyncSession, config: Config, workspace_id: str | None
) -> dict[str, Any]:
    """The environment's facts overlaid with the workspace's own."""
    row = await session.get(CompanySetting, workspace_id or "")
    return taken_facts(config, row.facts if row else None)


def taken_facts(config: Config, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The facts a new incident takes: the environment's overlaid with those the workspace
    `stored`. They are its first answers, recorded as from the settings (`FROM_SETTINGS`) by
    an `answers.from_settings` event (app.incidents.intake)."""
    return {**config.company_facts, **(stored or {})}
