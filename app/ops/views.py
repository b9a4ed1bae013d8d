"""View helpers for the incident page (pure): statement diffs and the deadline chart's geometry."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


def event_fields(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A timeline event's data as (dotted key, readable text) pairs, in key order: nested
    objects flattened, lists of plain values joined, anything else as JSON."""
    if not isinstance(data, dict):
        return [] if data is None else [(prefix or "value", _text(data))]
    out: list[tuple[str, str]] = []
    for key in sorted(data):
        name = f"{prefix}.{key}" if prefix else str(key)
        value = data[key]
        if isinstance(value, dict) and value:
            out += event_fields(value, name)
        else:
            out.append((name, _text(value)))
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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


def statement_diffs(statements: Sequence[Any], lang: str) -> dict[int, list[DiffLine]]:
    """For each version after the first, what changed in `lang` since the version before."""
    diffs = {}
    for before, after in zip(statements, statements[1:], strict=False):
        old, new = before.texts.get(lang, ""), after.texts.get(lang, "")
        diffs[after.version] = text_diff(old, new)
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


def deadline_chart(
    events: Sequence[tuple[datetime, str]],
    deadlines: Sequence[tuple[datetime, str]],
    start: datetime,
    now: datetime,
    *,
    width: int = 960,
    pad: int = 24,
) -> Chart:
    """Where to draw each event and each legal deadline on one time axis from discovery."""
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
    )
