"""The room's commands for who runs it and what is left to do, the same for Slack and Teams:

* `role` — who holds each role; `role lead @someone` (or `me`, or `none`) assigns one;
* `task "…" [@owner] [due]` adds an action item; `task N @owner [due]` reassigns it,
  `task done N` completes it; `tasks` lists them (with a Done button each);
* `severity` — both severities; `severity SEV1 REASON` is the incident lead's own call.

Each returns what the person reads back (only they see it: the room sees the change in its
summary and one thread line); a refusal is one line with examples, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.i18n import masked_notice, t
from app.incidents.service import IncidentService, ServiceError
from app.models import ActionItem, Incident
from app.rooms import parse, standing
from app.rooms.texts import refusal, severity_label

WORDS = frozenset({"role", "roles", "task", "tasks", "severity"})
DONE_WORDS = frozenset({"done", "完了", "済"})


@dataclass(frozen=True, slots=True)
class Answer:
    """What to show the person: a line, or the items to list (with their Done buttons)."""

    text: str
    tasks: tuple[ActionItem, ...] | None = None


async def room_order(
    service: IncidentService,
    incident: Incident,
    word: str,
    rest: str,
    user: str,
    *,
    tz: str,
    now: datetime,
) -> Answer:
    lang = incident.language
    try:
        if word in ("role", "roles"):
            return Answer(await _role(service, incident, rest, user))
        if word == "tasks" or (word == "task" and not rest):
            items = tuple(await service.tasks(incident.id))
            return Answer(t("task.list_title", lang, key=incident.key, count=len(items)), items)
        if word == "task":
            return Answer(await _task(service, incident, rest, user, tz, now))
        return Answer(await _severity(service, incident, rest, user))
    except ServiceError as exc:
        return Answer(refusal(exc, lang))


async def _role(service: IncidentService, incident: Incident, rest: str, user: str) -> str:
    lang = incident.language
    if not rest:
        return f"{standing.roles_line(incident, lang)}\n{t('role.how', lang)}"
    role, person = parse.read_role(rest, user)
    _, changed = await service.assign_role(incident.id, role, person, user)
    if not changed:
        return t("role.unchanged", lang, role=standing.role_name(role, lang))
    key = "role.assigned" if person else "role.cleared"
    return t(key, lang, role=standing.role_name(role, lang), user=person, by=user)


async def _task(
    service: IncidentService, incident: Incident, rest: str, user: str, tz: str, now: datetime
) -> str:
    lang = incident.language
    first, _, tail = rest.partition(" ")
    if first.lower() in DONE_WORDS:
        item = await service.complete_task(incident.id, _number(tail), user)
        return t("task.done_by_you", lang, number=item.number, title=item.title)
    if first.lstrip("#").isdigit():
        number = int(first.lstrip("#"))
        if tail.strip().lower() in DONE_WORDS:
            item = await service.complete_task(incident.id, number, user)
            return t("task.done_by_you", lang, number=item.number, title=item.title)
        owner, due_text = parse.read_owner(tail, user)
        due = parse.read_due(due_text, now, tz) if due_text else None
        if owner is None and due is None:
            raise ServiceError("task_change_empty", str(number))
        item = await service.change_task(incident.id, number, user, owner=owner, due_at=due)
        return standing.task_line(item, lang, tz)
    order = parse.read_task(rest, user, now, tz)
    item, masked = await service.add_task(
        incident.id, order.title, user, owner=order.owner, due_at=order.due
    )
    added = t("task.added", lang, line=standing.task_line(item, lang, tz))
    return added + masked_notice(masked.kinds, lang)


def _number(text: str) -> int:
    word = text.strip().lstrip("#")
    if not word.isdigit():
        raise ServiceError("no_task", text.strip())
    return int(word)


async def _severity(service: IncidentService, incident: Incident, rest: str, user: str) -> str:
    lang = incident.language
    if not rest:
        call = standing.severity_call_line(incident, lang)
        policy = t("severity_call.policy", lang, policy=severity_label(incident.severity, lang))
        return "\n".join(line for line in (policy, call, t("severity_call.how", lang)) if line)
    severity, reason = parse.read_severity(rest)
    updated = await service.call_severity(incident.id, severity, reason, user)
    return standing.severity_call_line(updated, lang) or t(
        "severity_call.withdrawn", lang, by=user, reason=reason
    )
