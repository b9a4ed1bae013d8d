"""Roles, action items and the severity call in Slack: the summary's buttons and their modals,
the "Create action item" message shortcut, and Done on the `/leak tasks` list. The room's
commands themselves are app/rooms/orders.py (called from app/slack/commands.py)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp

from app.i18n import t
from app.incidents.service import ServiceError
from app.models import utcnow
from app.rooms import parse
from app.rooms.texts import refusal
from app.slack import standing_blocks as ui
from app.slack.common import decode, deps_of, guarded, incident_id_of, reply_later
from app.vocabulary import Role


def _meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A submitted modal's inputs: block id → the one element's state."""
    values = (view.get("state") or {}).get("values") or {}
    return {block: next(iter(state.values()), {}) for block, state in values.items() if state}


async def _open(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any, view: Any
) -> None:
    """A summary button: the modal opens before the ack (a trigger_id lives 3 seconds)."""
    deps = deps_of(context)
    incident_id = incident_id_of(decode(action.get("value")))
    if incident_id is None:
        await ack()
        return
    incident = await deps.service.get(incident_id)
    await client.views_open(trigger_id=body["trigger_id"], view=view(incident, incident.language))
    await ack()


@guarded
async def roles_open(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await _open(ack, body, action, client, context, ui.roles_view)


@guarded
async def task_open(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await _open(ack, body, action, client, context, ui.task_view)


@guarded
async def severity_open(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await _open(ack, body, action, client, context, ui.severity_view)


@guarded
async def save_roles(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    incident_id = incident_id_of(_meta(view))
    if incident_id is None:
        await ack()
        return
    values, user = _values(view), body["user"]["id"]
    try:
        for role in Role:
            chosen = values.get(f"role_{role}", {}).get("selected_user")
            await deps.service.assign_role(incident_id, role, chosen or None, user)
    except ServiceError as exc:
        block = f"role_{Role.LEAD}"
        await ack(response_action="errors", errors={block: refusal(exc, deps.settings.language)})
        return
    await ack()


@guarded
async def save_task(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    meta = _meta(view)
    incident_id = incident_id_of(meta)
    if incident_id is None:
        await ack()
        return
    incident = await deps.service.get(incident_id)
    lang, values, user = incident.language, _values(view), body["user"]["id"]
    title = str(values.get("title", {}).get("value") or "")
    due_text = str(values.get("due", {}).get("value") or "").strip()
    try:
        due = parse.read_due(due_text, utcnow(), deps.settings.timezone) if due_text else None
    except ServiceError as exc:
        await ack(response_action="errors", errors={"due": refusal(exc, lang)})
        return
    try:
        await deps.service.add_task(
            incident_id,
            title,
            user,
            owner=values.get("owner", {}).get("selected_user") or None,
            due_at=due,
            link=meta.get("link") if isinstance(meta.get("link"), str) else None,
        )
    except ServiceError as exc:
        await ack(response_action="errors", errors={"title": refusal(exc, lang)})
        return
    # The masked title is what the summary and the thread line show.
    await ack()


@guarded
async def save_severity(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    incident_id = incident_id_of(_meta(view))
    if incident_id is None:
        await ack()
        return
    values = _values(view)
    severity = ((values.get("severity") or {}).get("selected_option") or {}).get("value") or ""
    reason = str((values.get("reason") or {}).get("value") or "")
    try:
        await deps.service.call_severity(incident_id, severity, reason, body["user"]["id"])
    except ServiceError as exc:
        lang = (await deps.service.get(incident_id)).language
        await ack(response_action="errors", errors={"reason": refusal(exc, lang)})
        return
    await ack()


@guarded
async def task_done(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    """Done on a `/leak tasks` line: said back to the one who pressed it."""
    await ack()
    deps = deps_of(context)
    data = decode(action.get("value"))
    incident_id, number = incident_id_of(data), data.get("n")
    if incident_id is None or not isinstance(number, int):
        return
    incident = await deps.service.get(incident_id)
    try:
        item = await deps.service.complete_task(incident_id, number, body["user"]["id"])
        text = t("task.done_by_you", incident.language, number=item.number, title=item.title)
    except ServiceError as exc:
        text = refusal(exc, incident.language)
    await reply_later(deps.queue, body.get("response_url"), text)


@guarded
async def create_from_message(ack: Any, body: dict[str, Any], client: Any, context: Any) -> None:
    """The "Create action item" message shortcut: the modal, with the message as its text (it
    is masked when saved, like every free text), in an incident room only."""
    deps = deps_of(context)
    channel = (body.get("channel") or {}).get("id", "")
    incident = await deps.service.find_by_channel(channel)
    if incident is None or incident.status != "open":
        await ack()
        text = t("command.not_in_room", deps.settings.language)
        await reply_later(deps.queue, body.get("response_url"), text)
        return
    message = body.get("message") or {}
    excerpt = " ".join(str(message.get("text", "")).split())
    domain = (body.get("team") or {}).get("domain", "app")
    ts = str(message.get("ts", ""))
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}" if ts else None
    view = ui.task_view(incident, incident.language, excerpt, link)
    await client.views_open(trigger_id=body["trigger_id"], view=view)
    await ack()


def register(bolt: AsyncApp) -> None:
    bolt.action("roles_open")(roles_open)
    bolt.action("task_open")(task_open)
    bolt.action("severity_open")(severity_open)
    bolt.action("task_done")(task_done)
    bolt.view("roles")(save_roles)
    bolt.view("task_add")(save_task)
    bolt.view("severity_call")(save_severity)
    bolt.shortcut("create_task")(create_from_message)
