"""What the verbs of a Teams card do once the card's incident is checked: answer a question,
settle a follow-up prompt (a statement's verbs: `app.teams.statement_actions`); and the PR-lead groups a person is in (read live
from Graph). `Activities` dispatches to them (`on_card_action`)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from app.i18n import masked_notice, t
from app.incidents.service import IncidentService
from app.models import Incident
from app.rooms.followups import settle
from app.rooms.room import Room
from app.teams.effects import TeamsChat
from app.teams.graph import Refused, aad_ids
from app.teams.payloads import Reply, answer_value, card_response, text_response
from app.teams.statement_actions import StatementActions
from app.triage import QUESTIONS, question
from app.work.queue import Retry, WorkQueue, WorkSpec

log = logging.getLogger(__name__)

FIELDS = {q.id for q in QUESTIONS}


class CardVerbs:
    """The Teams listener's state (service, queue, chat, room) and the card verbs' handlers."""

    def __init__(
        self, service: IncidentService, queue: WorkQueue, chat: TeamsChat, room: Room
    ) -> None:
        self.service = service
        self.queue = queue
        self.settings = chat.settings
        self.chat = chat
        self.room = room
        self.lang = chat.settings.language
        # approve, edit, request changes: the notice and each piece of the pack
        self.statements = StatementActions(service, room, self.groups_of)

    async def groups_of(self, user: str) -> list[str]:
        """The configured PR-lead groups (Azure AD) this user is in, read live from Graph so that
        removing someone from the group takes effect at once (asked only when it matters)."""
        leads = self.service.authority.pr_leads
        candidates = [g for g in aad_ids(set(leads)) if g != user]
        if user in leads or not candidates:
            return []
        try:
            return await self.chat.microsoft.member_groups(user, candidates)
        except (Refused, Retry, httpx.HTTPError) as exc:
            log.warning("could not read %s's groups from Graph: %s", user, exc)
            return []

    async def followup(self, incident: Incident, verb: str, data: dict[str, Any], user: str) -> str:
        """Done / Snooze / Not needed from a prompt card; returns what to tell the user."""
        followup_id, hours = data.get("f"), data.get("h")
        if not isinstance(followup_id, int):
            return t("error.not_found", incident.language)
        return await settle(
            self.service,
            verb,
            followup_id,
            user,
            lang=incident.language,
            tz=self.settings.timezone,
            hours=hours if isinstance(hours, int) else 0,
            reason=str(data.get("reason") or ""),
        )

    async def answer(self, incident: Incident, verb: str, data: dict[str, Any], user: str) -> Reply:
        field = data.get("f")
        if field not in FIELDS:
            return text_response(t("error.not_found", self.lang))
        q = question(field)
        if verb == "answer_unknown":
            values = [o.value for o in q.options]
            value = "unknown" if q.kind == "single" and "unknown" in values else None
        else:
            value = answer_value(q.kind, data, self.settings.timezone)
            if value is None:
                return text_response(t("teams.answer_missing", incident.language))
        result = await self.service.record_answer(incident.id, field, value, user)
        card = await self.room.question_message(incident.id, field)
        if result.masked:
            masked = masked_notice(result.masked, incident.language).strip()
            await self.queue.enqueue(
                WorkSpec("teams.post", {"text": masked}), incident_id=incident.id
            )
        return card_response(card)
