"""View helpers for the incident page (pure): statement diffs and the deadline chart's geometry."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.i18n import catalogue, format_time, t
from app.triage import QUESTIONS

ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def event_fields(
    data: Any, lang: str = "en", tz: str = "UTC", prefix: str = ""
) -> list[tuple[str, str]]:
    """A timeline event's data as (dotted key, readable text) pairs, in key order: nested
    objects flattened, lists joined as the language joins them, times in `tz`, null as —."""
    if not isinstance(data, dict):
        return [] if data is None else [(prefix or "value", readable(data, lang, tz))]
    out: list[tuple[str, str]] = []
    for key in sorted(data):
        name = f"{prefix}.{key}" if prefix else str(key)
        value = data[key]
        if isinstance(value, dict) and value:
            out += event_fields(value, lang, tz, name)
        else:
            out.append((name, readable(value, lang, tz)))
    return out


def readable(value: Any, lang: str, tz: str) -> str:
    """One value as people read it: no raw null, true or UTC timestamps."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("ops.yes" if value else "ops.no", lang)
    if isinstance(value, str):
        return format_time(value, lang, tz) if ISO_TIME.match(value) else value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return join([readable(v, lang, tz) for v in value], lang)
    if isinstance(value, int | float):
        return f"{value:,}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def join(items: Sequence[str], lang: str) -> str:
    """A list as each language writes it: 日本、EU in Japanese, Japan, EU in English."""
    return ("、" if lang == "ja" else ", ").join(items) if items else "—"


def known(key: str, lang: str) -> bool:
    return key in catalogue(lang)


def badge(prefix: str, value: str, lang: str) -> str:
    """A status word in the reader's language (the raw value only for one no catalogue has yet)."""
    key = f"{prefix}.{value}"
    return t(key, lang) if known(key, lang) else value.replace("_", " ")


def answer_label(field: str, lang: str) -> str:
    """The short question label for an answer field (the field name only for an unknown one)."""
    key = f"ops.answer.{field}"
    if known(key, lang):
        return t(key, lang)
    asked = next((q for q in QUESTIONS if q.id == field), None)
    return asked.text.get(lang) if asked else field.replace("_", " ")


def followup_label(kind: str, key: str, lang: str) -> str:
    """What a follow-up prompt is about, as the room's message titles say it."""
    name = key.partition(":")[2]
    for candidate in (
        f"followup.deadline.{kind}",
        f"followup.action.{name}" if kind == "action" else "",
        f"ops.followup.kind.{kind}",
    ):
        if candidate and known(candidate, lang):
            return t(candidate, lang)
    return kind.replace("_", " ")


@dataclass(frozen=True)
class DiffLine:
    op: str  # "+", "-", " " or "@" (a hunk header)
    text: str


def text_diff(old: str, new: str) -> list[DiffLine]:
    """Line changes from `old` to `new`, with one line of context around each change."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), n=1, lineterm="")
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        op = "@" if line.startswith("@@") else line[:1]
        out.append(DiffLine(op, line if op == "@" else line[1:]))
    return out


def statement_diffs(statements: Sequence[Any], lang: str) -> dict[str, list[DiffLine]]:
    """For each version after the first of its kind, what changed in `lang` since the version
    before (keyed `kind:version`: the notice and each piece count their versions apart)."""
    diffs = {}
    last: dict[str, Any] = {}
    for after in sorted(statements, key=lambda s: (s.kind, s.version)):
        before = last.get(after.kind)
        if before is not None:
            old, new = before.texts.get(lang, ""), after.texts.get(lang, "")
            diffs[f"{after.kind}:{after.version}"] = text_diff(old, new)
        last[after.kind] = after
    return diffs


@dataclass(frozen=True)
class Mark:
    x: float
    at: datetime
    label: str
    row: int = 0
    passed: bool = False


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    axis_y: int
    start: datetime
    end: datetime
    events: list[Mark]
    deadlines: list[Mark]
    now: Mark | None
    ticks: list[Mark] = field(default_factory=list)  # midnights in the configured timezone


def deadline_chart(
    events: Sequence[tuple[datetime, str]],
    deadlines: Sequence[tuple[datetime, str]],
    start: datetime,
    now: datetime,
    *,
    tz: str = "UTC",
    width: int = 960,
    pad: int = 24,
) -> Chart:
    """Where to draw each event and each legal deadline on one time axis from discovery, with
    a tick at each local midnight (each week's on a long axis) and today marked."""
    times = [start, now, *(at for at, _ in events), *(at for at, _ in deadlines)]
    first, last = min(times), max(times)
    span = max(last - first, timedelta(hours=1))
    end = last + span / 40

    def x(at: datetime) -> float:
        return round(pad + (at - first) / (end - first) * (width - 2 * pad), 1)

    rows = 4
    axis_y = 30 + rows * 16
    marks = [
        Mark(x(at), at, label, row=index % rows, passed=at < now)
        for index, (at, label) in enumerate(sorted(deadlines))
    ]
    return Chart(
        width=width,
        height=axis_y + 30,
        axis_y=axis_y,
        start=first,
        end=end,
        events=[Mark(x(at), at, label) for at, label in events],
        deadlines=marks,
        now=Mark(x(now), now, "now") if first <= now <= end else None,
        ticks=[Mark(x(at), at, f"{at:%-m/%-d}") for at in _midnights(first, end, tz)],
    )


def _midnights(first: datetime, end: datetime, tz: str) -> list[datetime]:
    zone = ZoneInfo(tz)
    day = first.astimezone(zone).date() + timedelta(days=1)
    days = (end.astimezone(zone).date() - day).days + 1
    step = 1 if days <= 14 else 7 if days <= 120 else 30
    return [
        datetime.combine(day + timedelta(days=n), time(0), zone)
        for n in range(0, max(days, 0), step)
    ]


def duration(seconds: float | None, lang: str) -> str:
    """A span as a person reads it: 「1時間05分」 / "1 h 05 min", "—" when not reached."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if seconds < 60:
        return f"{round(seconds)}秒" if lang == "ja" else f"{round(seconds)} s"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if lang == "ja":
        return (
            (f"{days}日" if days else "")
            + (f"{hours}時間" if days or hours else "")
            + f"{mins:02d}分"
        )
    return (
        (f"{days} d " if days else "")
        + (f"{hours} h " if days or hours else "")
        + f"{mins:02d} min"
    )
