"""What a room says when a message is added to the timeline from it (both platforms), and which
room a message belongs to."""

from __future__ import annotations

from app.i18n import masked_notice, t
from app.incidents.excerpts import ChatExcerpt
from app.incidents.service import IncidentService, ServiceError
from app.rooms.texts import refusal

VIA_SHORTCUT, VIA_REACTION, VIA_PIN = "shortcut", "reaction", "pin"


async def add_from_room(
    service: IncidentService, room: str, excerpt: ChatExcerpt, *, actor: str, via: str, lang: str
) -> str:
    """Adds `excerpt`, posted in `room`, to its incident's timeline; returns what to tell the
    person who asked (added, already there, not an incident room, or the refusal)."""
    incident = await service.find_by_channel(room)
    if incident is None:
        return t("timeline.not_a_room", lang)
    lang = incident.language
    try:
        masked, added = await service.add_message(incident.id, excerpt, actor=actor, via=via)
    except ServiceError as exc:
        return refusal(exc, lang)
    if not added:
        return t("timeline.already", lang, key=incident.key)
    return t("timeline.added", lang, key=incident.key) + masked_notice(masked.kinds, lang)
