"""A PR lead's actions on a statement card in Teams — approve, edit, request changes — for the
notice and for each piece of the pack (the card's data says which: `k`), and the pack shown in
the other language. Translates the card's data into service calls; decides nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.i18n import t
from app.incidents.service import IncidentService
from app.models import Incident
from app.rooms.room import Room
from app.teams.payloads import Reply, card_response, text_response

VERBS = frozenset(
    {"statement_approve", "statement_edit", "statement_request_changes", "pack_language"}
)
KINDS = ("notice", "social", "letter", "qa")


def piece_of(data: dict[str, Any]) -> tuple[str | None, str]:
    """Which statement a card's action is about (None: not one of ours) and the prefix of its
    inputs' ids (a piece's are namespaced by its kind: one card holds the whole pack)."""
    kind = data.get("k", "notice")
    if kind not in KINDS:
        return None, ""
    return kind, "" if kind == "notice" else f"{kind}_"


class StatementActions:
    def __init__(
        self,
        service: IncidentService,
        room: Room,
        groups_of: Callable[[str], Awaitable[list[str]]],
    ) -> None:
        self.service = service
        self.room = room
        self.groups_of = groups_of

    async def handle(self, incident: Incident, verb: str, data: dict[str, Any], user: str) -> Reply:
        """Raises ServiceError for the caller to turn into the refusal's text."""
        lang = incident.language
        if verb == "pack_language":
            return await self.card(incident, "social", data.get("l"))
        kind, prefix = piece_of(data)
        version = data.get("v")
        if kind is None or not isinstance(version, int):
            return text_response(t("error.not_found", lang))
        groups = await self.groups_of(user)
        if verb == "statement_approve":
            result = await self.service.approve(incident.id, version, user, groups, kind=kind)
            if result.already:
                return text_response(t("statement.already", lang))
            if result.awaiting_timing:
                return text_response(t("statement.awaiting_timing", lang))
        elif verb == "statement_edit":
            # The notice's form sends both languages; a piece's, the language its card shows.
            fields = {code: f"{prefix}text_{code}" for code in ("ja", "en")}
            texts = {
                code: str(data.get(f) or "").strip() for code, f in fields.items() if f in data
            }
            if not texts or not all(texts.values()) or (kind == "notice" and len(texts) < 2):
                return text_response(t("teams.edit_empty", lang))
            await self.service.edit_statement(
                incident.id, texts, user, groups, version=version, kind=kind
            )
        else:
            comment = str(data.get(f"{prefix}comment") or "").strip()
            if not comment:
                return text_response(t("teams.comment_empty", lang))
            await self.service.request_changes(
                incident.id, version, user, comment, groups, kind=kind
            )
        return await self.card(incident, kind)

    async def card(self, incident: Incident, kind: str, lang: Any = None) -> Reply:
        """The card as it reads now: the notice's, or the pack's (in `lang` when given)."""
        if kind == "notice":
            card = await self.room.statement_message(incident.id)
        else:
            shown = lang if lang in ("ja", "en") else None
            card = await self.room.pack_message(incident.id, shown)
        if not isinstance(card, dict):
            return text_response(t("error.not_found", incident.language))
        return card_response(card)
