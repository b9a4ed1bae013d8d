"""Triage in the room: answers from buttons, selects and number inputs; answer lists; re-asking."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp

from app.i18n import masked_notice, other, t
from app.incidents.service import ServiceError
from app.models import utcnow
from app.rooms.brief import current_brief
from app.rooms.texts import refusal
from app.slack import blocks as ui
from app.slack.common import decode, deps_of, guarded, incident_id_of, reply_later
from app.triage import QUESTIONS, question
from app.triage.typed import read_number_or_none

FIELDS = {q.id for q in QUESTIONS}
# Menus and number inputs are `answer:<field>`; each choice button is `answer:<field>:<n>`.
ANSWER = re.compile(r"^answer:(?P<field>[a-z_]+)(?::\d+)?$")
# One part of an answer picked in its own widget: a date and a time (awareness), a period's end.
PART = re.compile(r"^answer_(?P<part>date|time|from|to):(?P<field>[a-z_]+)$")


def answer_of(action: dict[str, Any], block_id: str) -> tuple[int | None, str | None, Any]:
    """(incident id, field, value) from any of the answer widgets, or Nones when malformed."""
    if action.get("type") == "button":
        data = decode(action.get("value"))
        field = data.get("f")  # (the sender's JSON: any value, a list included)
        known = isinstance(field, str) and field in FIELDS
        return incident_id_of(data), field if known else None, data.get("v")
    parts = block_id.split(":")
    if len(parts) < 3 or parts[0] != "q" or not parts[1].isdigit() or parts[2] not in FIELDS:
        return None, None, None
    if len(parts[1]) > 18:  # no row id is that long
        return None, None, None
    incident_id, field = int(parts[1]), parts[2]
    kind = action.get("type")
    if kind == "multi_static_select":
        return incident_id, field, [o["value"] for o in action.get("selected_options") or []]
    if kind == "static_select":
        return incident_id, field, (action.get("selected_option") or {}).get("value")
    if kind == "number_input":
        return incident_id, field, read_number_or_none(str(action.get("value") or ""))
    if kind == "plain_text_input":
        return incident_id, field, str(action.get("value") or "").strip() or None
    return None, None, None


def part_of(
    action: dict[str, Any], state: dict[str, Any], tz: str
) -> tuple[int | None, str | None, Any]:
    """(incident id, field, value) from a date, time or period picker; value None while the
    other half of a date and time is still unset (the message state holds what was picked)."""
    match = PART.match(str(action.get("action_id") or ""))
    parts = str(action.get("block_id") or "").split(":")
    if not match or len(parts) < 3 or parts[0] != "q" or not parts[1].isdigit():
        return None, None, None
    field, part = match["field"], match["part"]
    if field not in FIELDS:
        return None, None, None
    incident_id = int(parts[1])
    picked = (state.get("values") or {}).get(action["block_id"]) or {}
    if part in ("from", "to"):
        chosen = (picked.get(action["action_id"]) or {}).get("selected_date")
        return incident_id, field, {part: action.get("selected_date") or chosen}
    date = (picked.get(f"answer_date:{field}") or {}).get("selected_date")
    time = (picked.get(f"answer_time:{field}") or {}).get("selected_time")
    if not date or not time:
        return incident_id, field, None
    try:
        local = datetime.fromisoformat(f"{date}T{time}").replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        return None, None, None
    return incident_id, field, local.isoformat()


@guarded
async def answer_part(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    """A date, time or period end picked: recorded once it makes an answer."""
    await ack()
    deps = deps_of(context)
    incident_id, field, value = part_of(action, body.get("state") or {}, deps.settings.timezone)
    if incident_id is None or field is None or value is None:
        return
    try:
        await deps.service.record_answer(incident_id, field, value, body["user"]["id"])
    except ServiceError as exc:
        text = refusal(exc, deps.settings.language)
        await reply_later(deps.queue, body.get("response_url"), text)


@guarded
async def answer(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    await ack()
    deps = deps_of(context)
    service, settings = deps.service, deps.settings
    incident_id, field, value = answer_of(action, action.get("block_id", ""))
    if incident_id is None or field is None:
        return
    if action.get("action_id") == "answer_unknown":
        value = None if question(field).kind != "single" else _unknown_option(field)
    try:
        result = await service.record_answer(incident_id, field, value, body["user"]["id"])
    except ServiceError as exc:
        text = refusal(exc, settings.language)
        await reply_later(deps.queue, body.get("response_url"), text)
        return
    if result.masked:
        notice = masked_notice(result.masked, settings.language).strip()
        await reply_later(deps.queue, body.get("response_url"), notice)


@guarded
async def list_answers(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any
) -> None:
    await ack()
    deps = deps_of(context)
    service, settings = deps.service, deps.settings
    incident_id = incident_id_of(decode(action.get("value")))
    if incident_id is None:
        return
    snap = await service.snapshot(incident_id)
    lang = snap.incident.language
    await reply_later(
        deps.queue,
        body.get("response_url"),
        t("answers.title", lang, key=snap.incident.key),
        ui.answers_blocks(snap.incident, QUESTIONS, snap.answers, lang, settings.timezone),
    )


@guarded
async def ask_again(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    await ack()
    deps = deps_of(context)
    service, settings = deps.service, deps.settings
    data = decode(action.get("value"))
    incident_id, field = incident_id_of(data), data.get("f")
    if incident_id is None or field not in FIELDS:
        return
    snap = await service.snapshot(incident_id)
    q = question(field)
    blocks = ui.question_blocks(
        snap.incident, q, 0, snap.incident.language, settings.timezone, snap.answers.get(field)
    )
    await reply_later(
        deps.queue, body.get("response_url"), q.text.get(snap.incident.language), blocks
    )


@guarded
async def other_language(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any
) -> None:
    await ack()
    deps = deps_of(context)
    service, settings = deps.service, deps.settings
    data = decode(action.get("value"))
    incident_id = incident_id_of(data)
    if incident_id is None:
        return
    incident = await service.get(incident_id)
    lang = other(incident.language)
    brief = await current_brief(service, incident_id, lang, settings.timezone, utcnow())
    if brief is None:
        return
    await reply_later(
        deps.queue, body.get("response_url"), incident.key, ui.verdict_blocks(incident, brief, lang)
    )


@guarded
async def details(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    """The verdict's rule codes, shown only to whoever pressed "details"."""
    await ack()
    deps = deps_of(context)
    incident_id = incident_id_of(decode(action.get("value")))
    if incident_id is None:
        return
    incident = await deps.service.get(incident_id)
    lang = incident.language
    brief = await current_brief(deps.service, incident_id, lang, deps.settings.timezone, utcnow())
    if brief is None:
        return
    await reply_later(
        deps.queue, body.get("response_url"), incident.key, ui.details_blocks(brief, lang)
    )


@guarded
async def hand_off(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    """The technical questions, to the security responders (their own card, @mentioning them)."""
    await ack()
    deps = deps_of(context)
    incident_id = incident_id_of(decode(action.get("value")))
    if incident_id is None:
        return
    to = deps.settings.security_responders
    try:
        await deps.service.hand_off(incident_id, body["user"]["id"], to)
    except ServiceError as exc:
        await reply_later(
            deps.queue, body.get("response_url"), refusal(exc, deps.settings.language)
        )


def register(bolt: AsyncApp) -> None:
    bolt.action(ANSWER)(answer)
    bolt.action(PART)(answer_part)
    bolt.action("answer_unknown")(answer)
    bolt.action("list_answers")(list_answers)
    bolt.action("ask_again")(ask_again)
    bolt.action("hand_off")(hand_off)
    bolt.action("verdict_other_language")(other_language)
    bolt.action("verdict_details")(details)


def _unknown_option(field: str) -> str | None:
    values = [o.value for o in question(field).options]
    return "unknown" if "unknown" in values else None
