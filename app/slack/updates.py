"""The Approve button on a stakeholder update's card (app/rooms/updates.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from app.i18n import t
from app.incidents.service import ServiceError
from app.rooms.texts import refusal
from app.slack.common import decode, deps_of, guarded, incident_id_of, reply_later
from app.slack.update_blocks import APPROVE


@guarded
async def approve_update(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any
) -> None:
    await ack()
    deps = deps_of(context)
    data = decode(action.get("value"))
    incident_id, version = incident_id_of(data), data.get("v")
    if incident_id is None or not isinstance(version, int):
        return
    lang = deps.settings.language
    try:
        update, _ = await deps.service.approve_update(incident_id, version, body["user"]["id"])
        text = t("update.posted_reply", lang, version=update.version)
    except ServiceError as exc:
        text = refusal(exc, lang)
    await reply_later(deps.queue, body.get("response_url"), text)


def register(bolt: AsyncApp) -> None:
    bolt.action(APPROVE)(approve_update)
