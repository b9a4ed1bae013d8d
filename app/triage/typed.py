"""Reads what people type as a triage answer (ja and en): numbers, yes/no, picks, a time."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.triage.questions import Option


class Unreadable(ValueError):
    """The text cannot be read as an answer of this kind: ask again, with an example."""


# Words that mean "I don't know" (recorded as unknown, like an empty answer).
UNKNOWN = frozenset(
    {"?", "unknown", "dont know", "don't know", "idk", "n/a", "na", "tbd", "不明",
     "わからない", "分からない", "わかりません", "分かりません", "未確認", "不詳"}
)  # fmt: skip
YES = frozenset(
    {"y", "yes", "yeah", "yep", "true", "はい", "うん", "ええ", "あり", "ある", "有", "有り"}
)
NO = frozenset(
    {"n", "no", "nope", "false", "いいえ", "いや", "ううん", "なし", "ない", "無", "無し"}
)

# Hedges around a count: "about 3000", "約3,000人", "~3000 people", "3000件程度".
_HEDGES = re.compile(
    r"^(about|approx\.?|approximately|around|roughly|some|ca\.?|~|約|およそ|おおよそ|概ね|大体|だいたい)\s*"
)
_UNITS = re.compile(
    r"\s*(people|persons|person|individuals|customers|records|users|人分|人|名|件|程度|ほど|くらい|ぐらい|前後)+$"
)
_SCALE = {
    "": 1,
    "k": 1_000,
    "千": 1_000,
    "万": 10_000,
    "m": 1_000_000,
    "百万": 1_000_000,
    "億": 100_000_000,
}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(k|m|百万|千|万|億)?")
_RANGE = re.compile(r"\s*(?:-|–|—|~|〜|から|to)\s*")
_PUNCT = " 　.。!！、,"


def normalize(raw: str) -> str:
    """Full-width to ASCII (ＮＦＫＣ: "３０００" → "3000"), lower case, outer spaces and stops off."""
    return unicodedata.normalize("NFKC", raw).strip().lower().strip(_PUNCT)


def is_unknown(text: str) -> bool:
    return text == "" or text in UNKNOWN


def read_number(raw: str) -> int | None:
    """A count of people: digits with 人/名/件/約/about/~, 3千, 1.2万 or 1億2,000万, a range's upper
    bound."""
    text = normalize(raw)
    if is_unknown(text):
        return None
    text = _UNITS.sub("", _HEDGES.sub("", text)).strip()
    parts = _RANGE.split(text)
    if len(parts) not in (1, 2) or not all(parts):
        raise Unreadable(raw)
    return max(_amount(part, raw) for part in parts)


def read_number_or_none(raw: str) -> int | None:
    """For a chat's number widget, which cannot ask again: what cannot be read stays unknown."""
    try:
        return read_number(raw)
    except (Unreadable, OverflowError, ValueError):  # e.g. 5,000 nines: infinity, not a count
        return None


def _amount(part: str, raw: str) -> int:
    part = _UNITS.sub("", _HEDGES.sub("", part.strip())).replace(",", "").replace(" ", "")
    head, oku, rest = part.partition("億")
    if oku and rest:  # 「1億2,000万」: the 億 and what follows it
        return _amount(head + oku, raw) + _amount(rest, raw)
    match = _AMOUNT.fullmatch(part)
    if match is None:
        raise Unreadable(raw)
    number, scale = match.groups()
    value = float(number) * _SCALE[scale or ""]
    if value != int(value) or value < 0:
        raise Unreadable(raw)
    return int(value)


def read_bool(raw: str) -> bool | None:
    """はい/いいえ, yes/no, y/n (and a few more ways of saying them)."""
    text = normalize(raw)
    if is_unknown(text):
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise Unreadable(raw)


def read_choice(raw: str, options: Sequence[Option], *, multi: bool) -> str | list[str] | None:
    """Numbers from the list ("1, 3", "１、３", "1 3"), or the options' values or labels."""
    text = normalize(raw)
    if is_unknown(text):
        return None
    try:
        values = [_option(text, options, raw)]  # one option by its value or whole label
    except Unreadable:
        values = [_option(pick, options, raw) for pick in re.split(r"[\s,、・/]+", text) if pick]
    if not multi:
        if len(values) != 1:
            raise Unreadable(raw)
        return values[0]
    return list(dict.fromkeys(values))


def _option(pick: str, options: Sequence[Option], raw: str) -> str:
    if pick.isdigit() and 1 <= int(pick) <= len(options):
        return options[int(pick) - 1].value
    for option in options:
        names = {option.value, normalize(option.label.ja), normalize(option.label.en)}
        if pick in names:
            return option.value
    raise Unreadable(raw)


def read_answer(kind: str, raw: str, options: Sequence[Option] = ()) -> Any:
    """The answer value for a question of this kind, None for unknown; Unreadable otherwise."""
    if kind == "number":
        return read_number(raw)
    if kind == "bool":
        return read_bool(raw)
    if kind == "text":
        text = raw.strip()
        return None if not text or is_unknown(normalize(text)) else text
    if kind == "period":
        return read_period(raw)
    return read_choice(raw, options, multi=kind == "multi")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BETWEEN = re.compile(r"\s*(?:~|〜|～|–|—|から|まで|\bto\b|,)\s*")  # not "-": dates have it


def read_period(raw: str) -> dict[str, str] | None:
    """ "2024-01-10〜2024-03-31", "2024-01-10 to", "to 2024-03-31": either end may be left out."""
    text = normalize(raw).replace("/", "-")
    if not text or is_unknown(text):
        return None
    ends = [part.strip() for part in _BETWEEN.split(text, maxsplit=1)] + [""]
    start, end = ends[0], ends[1]
    if any(part and not _DATE.match(part) for part in (start, end)):
        raise Unreadable(raw)
    period = {key: value for key, value in (("from", start), ("to", end)) if value}
    return period or None


_AGO = re.compile(r"^(\d+)\s*(minutes?|mins?|hours?|h|days?|d|分|時間|日)\s*(ago|前)$")
_CLOCK = re.compile(
    r"^(?:(today|yesterday|今日|本日|昨日)\s*)?(\d{1,2})(?::(\d{2})|時(?:(\d{1,2})分)?)$"
)
_UNIT_MINUTES = {"m": 1, "分": 1, "h": 60, "時間": 60, "d": 1440, "日": 1440}


def read_time(raw: str, *, now: datetime, tz: str) -> datetime | None:
    """When someone first learned of it: "now", "10:30", "昨日15時", "2 hours ago", "3日前",
    or a date and time ("2026-12-04 10:30", ISO with an offset). Naive times are in `tz`.
    None (Enter, "now", "今") means the time of the report."""
    text = normalize(raw)
    if text in ("", "now", "just now", "今", "いま", "たった今"):
        return None
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    if match := _AGO.match(text):
        amount, unit = int(match.group(1)), match.group(2)
        minutes = _UNIT_MINUTES.get(unit, _UNIT_MINUTES.get(unit[0], 1))
        return _not_future(now - timedelta(minutes=amount * minutes), raw, now)
    if match := _CLOCK.match(text):
        day, hour, minute, jminute = match.groups()
        back = 1 if day in ("yesterday", "昨日") else 0
        try:
            at = time(int(hour), int(minute or jminute or 0))
        except ValueError:
            raise Unreadable(raw) from None
        found = datetime.combine(local.date() - timedelta(days=back), at, zone)
        return _not_future(found, raw, now)
    try:
        found = datetime.fromisoformat(text.replace("/", "-").upper())
    except ValueError:
        raise Unreadable(raw) from None
    return _not_future(found if found.tzinfo else found.replace(tzinfo=zone), raw, now)


def _not_future(when: datetime, raw: str, now: datetime) -> datetime:
    if when > now + timedelta(minutes=1):
        raise Unreadable(raw)
    return when
