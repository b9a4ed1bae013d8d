"""Roles, action items and the severity call in Teams: @mentions read as people, the summary's
forms (Action.Execute verbs), Done on the `leak tasks` list, and the "Create action item"
message action. The room's commands themselves are app/rooms/orders.py."""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx

from app.i18n import masked_notice, t
from app.incidents.service import IncidentService, ServiceError
from app.models import Incident, utcnow
from app.rooms import parse, standing
from app.rooms.texts import refusal
from app.settings import Settings
from app.teams.elements import teams_words
from app.teams.graph import Microsoft, Refused
from app.teams.payloads import mentions_of, plain_text, room_of
from app.teams.standing_cards import tasks_card
from app.work.queue import Retry

log = logging.getLogger(__name__)

__all__ = [
    "teams_words",
    "TASK_COMMAND",
    "VERBS",
    "on_action",
    "resolve_mentions",
    "task_from_message",
    "tasks_card",
]

TASK_COMMAND = "createTask"  # the message action (app/teams/package.py)
VERBS = frozenset({"role_take", "task_add", "task_done", "severity_call"})
_TOKEN = re.compile(r"@@m(\d+)@@")


async def resolve_mentions(microsoft: Microsoft, activity: dict[str, Any], rest: str) -> str:
    """`@@mN@@` (a person the message @mentioned) → `<@aadObjectId>`: a mention carries only
    the Teams id (`29:…`), so the conversation's member is read once from the Bot Connector;
    someone it does not know stays `@name` and is refused as no such user."""
    entities = mentions_of(activity)
    conversation = str((activity.get("conversation") or {}).get("id", "")).split(";")[0]
    service_url = str(activity.get("serviceUrl") or "")
    found: dict[int, str] = {}
    for n in {int(m) for m in _TOKEN.findall(rest)}:
        mentioned = (entities[n].get("mentioned") or {}) if n < len(entities) else {}
        person = mentioned.get("aadObjectId")
        if person is None and mentioned.get("id"):
            try:
                member = await microsoft.member(service_url, conversation, mentioned["id"])
                person = member.get("aadObjectId")
            except (Refused, Retry, httpx.HTTPError) as exc:
                log.info("mention %s not resolved: %s", mentioned.get("id"), exc)
        name = str(mentioned.get("name") or "?").replace(" ", "_")
        found[n] = f"<@{person}>" if person else f"@{name}"
    return _TOKEN.sub(lambda m: found.get(int(m.group(1)), "@?"), rest)


async def on_action(
    service: IncidentService, incident: Incident, verb: str, data: dict[str, Any], user: str
) -> str:
    """A form under the summary, or Done on the tasks list; returns what to tell the user."""
    lang = incident.language
    try:
        if verb == "role_take":
            role = parse.role_named(str(data.get("role") or ""))
            _, changed = await service.assign_role(incident.id, role, user, user)
            if not changed:
                return t("role.unchanged", lang, role=standing.role_name(role, lang))
            return t("role.assigned", lang, role=standing.role_name(role, lang), user=user, by=user)
        if verb == "task_done":
            number = data.get("n")
            if not isinstance(number, int):
                raise ServiceError("no_task", str(number))
            item = await service.complete_task(incident.id, number, user)
            return t("task.done_by_you", lang, number=item.number, title=item.title)
        if verb == "task_add":
            due_text = str(data.get("due") or "").strip()
            tz = service.config.tz
            due = parse.read_due(due_text, utcnow(), tz) if due_text else None
            item, masked = await service.add_task(
                incident.id, str(data.get("title") or ""), user, due_at=due
            )
            line = t("task.added", lang, line=standing.task_line(item, lang, tz))
            return line + masked_notice(masked.kinds, lang)
        severity, reason = str(data.get("severity") or ""), str(data.get("reason") or "")
        updated = await service.call_severity(incident.id, severity, reason, user)
        return standing.severity_call_line(updated, lang) or t(
            "severity_call.withdrawn", lang, by=user, reason=reason
        )
    except ServiceError as exc:
        return teams_words(refusal(exc, lang))


async def task_from_message(
    service: IncidentService, activity: dict[str, Any], settings: Settings
) -> str:
    """The "Create action item" message action: the message (masked) becomes an item of the
    incident whose channel it is in, due when the form says."""
    lang = settings.language
    incident = await service.find_by_channel(room_of(activity))
    if incident is None or incident.status != "open":
        return t("teams.not_in_room", lang)
    value = activity.get("value") or {}
    payload = value.get("messagePayload") or {}
    title = plain_text((payload.get("body") or {}).get("content"))
    due_text = str((value.get("data") or {}).get("due") or "").strip()
    user = str(((activity.get("from") or {}).get("aadObjectId")) or "")
    try:
        due = parse.read_due(due_text, utcnow(), settings.timezone) if due_text else None
        item, masked = await service.add_task(
            incident.id, title, user, due_at=due, link=payload.get("linkToMessage")
        )
    except ServiceError as exc:
        return teams_words(refusal(exc, incident.language))
    line = standing.task_line(item, incident.language, settings.timezone)
    return t("task.added", incident.language, line=line) + masked_notice(masked.kinds, lang)
