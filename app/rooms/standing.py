"""What a room shows of who runs it and what is left to do: the roles, the open action items,
the lead's severity call beside the policy's verdict — decided once for every platform
(mrkdwn-flavoured text; each renderer converts what it needs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.i18n import format_time, t
from app.models import ActionItem, Incident
from app.rooms.texts import severity_label
from app.vocabulary import ActionState, Role

SUMMARY_TASKS = 5  # open items the pinned summary lists; `/leak tasks` lists them all
# Who usually owns each kind of 「今やること」 (app/briefing/do_now.py `NextAction.role`).
OWNER_ROLES = {"lead": Role.LEAD, "pr": Role.COMMS, "legal": Role.LEGAL}


def who(user: str | None, lang: str) -> str:
    return f"<@{user}>" if user else t("role.open", lang)


def role_name(role: str, lang: str) -> str:
    return t(f"role.name.{role}", lang)


def roles_line(incident: Incident, lang: str) -> str:
    """「*役割:* 責任者 @A · 広報 未定 · 法務/DPO 未定 · 記録 @B」"""
    roles = incident.roles or {}
    parts = [f"{role_name(role, lang)} {who(roles.get(role), lang)}" for role in Role]
    return t("role.line", lang, roles=" · ".join(parts))


def owners(incident: Incident) -> dict[str, str]:
    """「今やること」's owners by the role that usually owns each action."""
    roles = incident.roles or {}
    return {kind: roles[role] for kind, role in OWNER_ROLES.items() if roles.get(role)}


def severity_call_line(incident: Incident, lang: str) -> str | None:
    """Both severities side by side: the policy's verdict is never rewritten."""
    call = incident.severity_call
    if not call:
        return None
    return t(
        "severity_call.line",
        lang,
        called=severity_label(call.get("severity"), lang),
        policy=severity_label(incident.severity, lang),
        by=call.get("by", ""),
        reason=call.get("reason", ""),
    )


def open_items(items: Iterable[ActionItem]) -> list[ActionItem]:
    """Open items, those due soonest first, then by number."""
    found = [i for i in items if i.state == ActionState.OPEN]
    return sorted(found, key=lambda i: (i.due_at is None, i.due_at or 0, i.number))


def task_line(item: ActionItem, lang: str, tz: str) -> str:
    """「• #3 カード会社に連絡 — 担当 @A · 期限 12月5日 10:00」"""
    owner = t("task.owner", lang, owner=f"<@{item.owner}>") if item.owner else None
    parts = [owner or t("task.unassigned", lang)]
    if item.due_at is not None:
        parts.append(t("task.due", lang, due=format_time(item.due_at, lang, tz)))
    state = "" if item.state == ActionState.OPEN else t(f"task.state.{item.state}", lang) + " "
    return t(
        "task.row", lang, number=item.number, state=state, title=item.title, rest=" · ".join(parts)
    )


def tasks_lines(
    items: Sequence[ActionItem], lang: str, tz: str, limit: int = SUMMARY_TASKS
) -> list[str]:
    """The open items for the pinned summary (a title, then at most `limit`)."""
    shown = open_items(items)
    if not shown:
        return []
    lines = [t("task.title", lang, count=len(shown))]
    lines += [task_line(i, lang, tz) for i in shown[:limit]]
    if len(shown) > limit:
        lines.append(t("task.more", lang, count=len(shown) - limit))
    return lines


def standing_lines(
    incident: Incident, items: Sequence[ActionItem], lang: str, tz: str
) -> list[str]:
    """The summary's lines after 「今やること」: roles, the severity call, open items."""
    lines = [roles_line(incident, lang)]
    if call := severity_call_line(incident, lang):
        lines.append(call)
    return lines + tasks_lines(items, lang, tz)


def event_line(kind: str, actor: str, data: Mapping[str, Any], lang: str, tz: str) -> str | None:
    """What the room is told (in a thread) when someone changes a role, an item or the call;
    None for the bot's own items (the summary shows them)."""
    if kind == "role.assigned":
        key = "role.assigned" if data.get("user") else "role.cleared"
        return t(key, lang, role=role_name(data["role"], lang), user=data.get("user"), by=actor)
    if kind == "severity.called":
        if data.get("severity") is None:
            return t("severity_call.withdrawn", lang, by=actor, reason=data.get("reason", ""))
        return t(
            "severity_call.called",
            lang,
            by=actor,
            called=severity_label(data["severity"], lang),
            policy=severity_label(data.get("policy"), lang),
            reason=data.get("reason", ""),
        )
    if actor == "leakdesk" or not data.get("owner"):
        return None
    if kind == "task.changed" and "owner" not in (data.get("changed") or ()):
        return None
    due = format_time(data["due_at"], lang, tz) if data.get("due_at") else "—"
    return t(
        "task.assigned",
        lang,
        number=data["number"],
        title=data["title"],
        owner=data["owner"],
        by=actor,
        due=due,
    )
