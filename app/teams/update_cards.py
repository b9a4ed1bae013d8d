"""Adaptive Card of a stakeholder update in the room (app/rooms/updates.py)."""

from __future__ import annotations

from typing import Any

from app.i18n import t
from app.incidents.updates import StakeholderUpdate
from app.models import Incident
from app.teams.elements import card, execute, text

APPROVE = "update_approve"


def update_draft_card(incident: Incident, update: StakeholderUpdate, lang: str) -> dict[str, Any]:
    body = [text(t("update.card_title", lang, version=update.version), weight="Bolder")]
    body.append(text(update.text))
    if update.approved_by is None:
        body.append(text(t("update.who_approves", lang), is_subtle=True))
        value = {"i": incident.id, "v": update.version}
        return card(body, [execute(t("update.approve", lang), APPROVE, value, style="positive")])
    if update.posted_to is None:
        body.append(text(t("update.approved", lang, user=update.approved_by), is_subtle=True))
    else:
        line = t("update.posted", lang, user=update.approved_by, channel=update.posted_to)
        body.append(text(line, is_subtle=True))
    return card(body)
