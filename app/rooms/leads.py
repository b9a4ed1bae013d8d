"""A PR lead's statement commands in a room, the same for Slack and Teams.

* `timing NOTE` records that the timing of the announcement was agreed with the investigators
  (a statement held for them is posted once approved and this is recorded);
* `approve REASON` approves the latest statement even though the gate refuses it (behind the
  latest verdict, or a placeholder left), with REASON on the timeline as the lead's override.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.i18n import t
from app.incidents.service import IncidentService, ServiceError
from app.models import Incident
from app.rooms.texts import refusal

WORDS = frozenset({"timing", "approve"})


async def lead_command(
    service: IncidentService,
    incident: Incident,
    word: str,
    rest: str,
    user: str,
    groups: Sequence[str],
) -> str:
    """What the lead reads back: done, or the service's refusal in their language."""
    lang = incident.language
    try:
        if word == "timing":
            published = await service.record_timing_agreed(incident.id, user, rest, groups)
            return t(
                "statement.timing_recorded" if published is None else "statement.timing_published",
                lang,
            )
        statement = await service.latest_statement(incident.id)
        if statement is None:
            raise ServiceError("no_statement")
        if not rest.strip():
            raise ServiceError("override_reason_required")
        result = await service.approve(incident.id, statement.version, user, groups, override=rest)
    except ServiceError as exc:
        return refusal(exc, lang)
    if result.already:
        return t("statement.already", lang)
    return t("statement.override_recorded", lang, version=statement.version)
