"""Block Kit of a stakeholder update's card in the room (app/rooms/updates.py)."""

from __future__ import annotations

from app.i18n import t
from app.incidents.updates import StakeholderUpdate
from app.models import Incident
from app.slack.elements import BlockJson, actions, button, context, sections

APPROVE = "update_approve"


def update_draft_blocks(
    incident: Incident, update: StakeholderUpdate, lang: str
) -> list[BlockJson]:
    head = t("update.card_title", lang, version=update.version)
    blocks = [*sections(f"*{head}*\n{update.text}")]
    if update.approved_by is None:
        blocks.append(context(t("update.who_approves", lang)))
        value = {"i": incident.id, "v": update.version}
        action = button(t("update.approve", lang), APPROVE, value, "primary")
        blocks.append(actions(action, block_id=f"update:{update.version}"))
    elif update.posted_to is None:
        blocks.append(context(t("update.approved", lang, user=f"<@{update.approved_by}>")))
    else:
        where = f"<#{update.posted_to}>"
        blocks.append(
            context(t("update.posted", lang, user=f"<@{update.approved_by}>", channel=where))
        )
    return blocks
