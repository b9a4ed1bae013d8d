"""Reading the room's own commands (`role`, `task`, `severity`) the same for Slack and Teams:
people as `<@id>` mentions (Slack escapes them so; the Teams listener writes its mentions so),
roles by any of their names in either language, and due times as people type them.

Each refusal is a `ServiceError` whose `error.<code>` text shows examples in the room's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.incidents.errors import ServiceError
from app.vocabulary import Role

ROLE_NAMES: dict[str, Role] = {
    **{
        name: Role.LEAD
        for name in ("lead", "incident_lead", "il", "ic", "commander", "リード", "責任者")
    },
    **{
        name: Role.COMMS
        for name in ("comms", "communications", "spokesperson", "pr", "広報", "広報責任者")
    },
    **{name: Role.LEGAL for name in ("legal", "dpo", "法務", "法務責任者")},
    **{name: Role.SCRIBE for name in ("scribe", "記録", "記録係", "書記")},
}
SELF = frozenset({"me", "myself", "私", "自分"})
NOBODY = frozenset({"none", "nobody", "-", "なし", "解除"})
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")

_MENTION = re.compile(r"<@([A-Za-z0-9:_\-.]+)(?:\|[^>]*)?>")
_QUOTED = re.compile(r'^\s*(?:"([^"]*)"|“([^”]*)”|「([^」]*)」|\'([^\']*)\')\s*(.*)$', re.DOTALL)
_RELATIVE = re.compile(
    r"^(?:in\s+|\+)?(\d{1,3})\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|分|時間|日)\s*(?:後)?$"
)
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2})|時(?:(\d{1,2})分)?|時半)$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASH_DAY = re.compile(r"^(?:(\d{4})/)?(\d{1,2})/(\d{1,2})$")
_JA_DAY = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日$")
DAY_WORDS = {"today": 0, "今日": 0, "本日": 0, "tomorrow": 1, "明日": 1, "あす": 1}
# A day given without a time means the start of its working day; "today" alone, its end.
MORNING, EVENING = time(9, 0), time(18, 0)


@dataclass(frozen=True, slots=True)
class TaskOrder:
    """`/leak task "…" @owner [due]` read: the title, its owner, its due time."""

    title: str
    owner: str | None
    due: datetime | None


def mentions(text: str) -> list[str]:
    return _MENTION.findall(text)


def person(word: str, actor: str) -> str | None:
    """`<@U1>` → U1; `me` → the actor; `none` → None; anything else is not a person we know."""
    if word.lower() in SELF:
        return actor
    if word.lower() in NOBODY:
        return None
    found = _MENTION.fullmatch(word.strip())
    if found is None:
        raise ServiceError("no_such_user", word)
    return found.group(1)


def role_named(word: str) -> Role:
    role = ROLE_NAMES.get(word.strip().lower().replace("-", "_"))
    if role is None:
        raise ServiceError("unknown_role", word)
    return role


def read_role(rest: str, actor: str) -> tuple[Role, str | None]:
    """`lead @someone` (or `me`, or `none` to leave the role open)."""
    words = rest.split()
    if not words:
        raise ServiceError("unknown_role", "")
    role = role_named(words[0])
    if len(words) < 2:
        raise ServiceError("no_such_user", "")
    return role, person(" ".join(words[1:]), actor)


def read_task(rest: str, actor: str, now: datetime, tz: str) -> TaskOrder:
    """`"Call the card company" @owner tomorrow 10:00`: the title in quotes (or everything before
    the first mention), then an owner and a due time, both optional."""
    quoted = _QUOTED.match(rest)
    if quoted:
        title = next(g for g in quoted.groups()[:4] if g is not None)
        tail = quoted.group(5)
    else:
        found = _MENTION.search(rest)
        title, tail = (rest[: found.start()], rest[found.start() :]) if found else (rest, "")
    title = " ".join(title.split())
    if not title:
        raise ServiceError("task_empty")
    owner, due_text = read_owner(tail, actor)
    return TaskOrder(title, owner, read_due(due_text, now, tz) if due_text else None)


def read_owner(tail: str, actor: str) -> tuple[str | None, str]:
    """An optional owner first (a mention or `me`), then the rest."""
    words = tail.split()
    if not words:
        return None, ""
    first = words[0]
    if _MENTION.fullmatch(first) or first.lower() in SELF:
        return person(first, actor), " ".join(words[1:])
    if first.startswith("@"):  # typed, not picked: Slack sends no id for it
        raise ServiceError("no_such_user", first)
    return None, " ".join(words)


def read_due(text: str, now: datetime, tz: str) -> datetime:
    """A due time as people type it, in the room's timezone: `17:00`, `tomorrow 10:00`,
    `2026-12-07 09:30`, `12/7 9:30`, `2h`, `in 30m`, `明日 10時`, `12月7日 15:00`, `2時間後`."""
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    words = text.strip().lower().replace("　", " ").split()
    if not words:
        raise ServiceError("bad_due", text)
    if relative := _RELATIVE.match(" ".join(words)):
        return now + _span(int(relative.group(1)), relative.group(2))
    day: date | None = None
    clock: time | None = None
    for word in words:
        if day is None and (found := _day(word, local_now.date())) is not None:
            day = found
        elif clock is None and (at := _clock(word)) is not None:
            clock = at
        else:
            raise ServiceError("bad_due", text)
    if day is None:
        assert clock is not None
        day = local_now.date()
        if datetime.combine(day, clock, zone) <= local_now:
            day += timedelta(days=1)  # a time already past today means tomorrow's
    due = datetime.combine(day, clock or _default_time(words[0]), zone)
    if due <= now:
        raise ServiceError("bad_due", text)
    return due


def _span(count: int, unit: str) -> timedelta:
    if unit.startswith(("m", "分")):
        return timedelta(minutes=count)
    if unit.startswith(("h", "時")):
        return timedelta(hours=count)
    return timedelta(days=count)


def _default_time(first: str) -> time:
    return EVENING if DAY_WORDS.get(first) == 0 else MORNING


def _day(word: str, today: date) -> date | None:
    if word in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[word])
    for pattern in (_ISO_DAY, _SLASH_DAY, _JA_DAY):
        if found := pattern.match(word):
            year, month, day = found.groups()
            try:
                value = date(int(year) if year else today.year, int(month), int(day))
            except ValueError:
                return None
            if year is None and value < today:  # 1/5 typed in December is next January's
                value = value.replace(year=value.year + 1)
            return value
    return None


def _clock(word: str) -> time | None:
    found = _CLOCK.match(word)
    if found is None:
        return None
    hour = int(found.group(1))
    minute = int(found.group(2) or found.group(3) or (30 if word.endswith("時半") else 0))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def read_severity(rest: str) -> tuple[str, str]:
    """`SEV1 理由…` → ("SEV1", "理由…"); the reason is required."""
    word, _, reason = rest.strip().partition(" ")
    severity = word.upper()
    if severity.isdigit():
        severity = f"SEV{severity}"
    if severity not in SEVERITIES:
        raise ServiceError("unknown_severity", word)
    if not reason.strip():
        raise ServiceError("severity_reason_required")
    return severity, reason.strip()
