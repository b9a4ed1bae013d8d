"""Numbers and dates as Japanese and English notices write them: 約200万名, 12月7日（月）を目途に."""

from __future__ import annotations

from datetime import date, datetime

__all__ = [
    "approximate_count",
    "written_as_counted",
    "format_date",
    "format_date_target",
    "format_deadline",
    "format_period",
]

_EN_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_EN_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_JA_WEEKDAYS = "月火水木金土日"
_EXACT_BELOW = 100  # a dozen letters are counted, not estimated
_MAN = 10_000
_OKU = 10_000 * _MAN


def _round_two_figures(n: int) -> int:
    """1,234,567 → 1,200,000; 3,456 → 3,500; 812 → 810: an estimate, said as one."""
    digits = len(str(n))
    step = 10 ** max(0, digits - 2)
    return max(step, (n + step // 2) // step * step)


def _ja_number(n: int) -> str:
    """12,000 → 1万2,000; 2,000,000 → 200万; 120,000,000 → 1億2,000万; 3,400 → 3,400."""
    oku, rest = divmod(n, _OKU)
    man, ones = divmod(rest, _MAN)
    parts = [(oku, "億"), (man, "万"), (ones, "")]
    return "".join(f"{value:,}{unit}" for value, unit in parts if value) or "0"


def _en_number(n: int) -> str:
    """2,300,000 → 2.3 million; 1,100,000,000 → 1.1 billion; 230,000 → 230,000."""
    for scale, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if n >= scale:
            shown = f"{n / scale:.1f}".removesuffix(".0")
            return f"{shown} {word}"
    return f"{n:,}"


def written_as_counted(n: int) -> bool:
    """True for a count ``approximate_count`` writes as it is (12名), not rounded with 約/about."""
    return n < _EXACT_BELOW


def approximate_count(n: int, lang: str) -> str:
    """How many people, as notices say it: 「12名」「約1万2,000名」「約200万名」「約1億2,000万名」 /
    "about 2 million people".

    The count is the room's best estimate (an upper bound where a range was given), so from 100
    up it is rounded to two figures and said with 約 / about; never 「最大約2,000,000名」.
    """
    if lang == "ja":
        if n < _EXACT_BELOW:
            return f"{n}名"
        return f"約{_ja_number(_round_two_figures(n))}名"
    noun = "person" if n == 1 else "people"
    if n < _EXACT_BELOW:
        return f"{n} {noun}"
    return f"about {_en_number(_round_two_figures(n))} people"


def format_date(moment: date, lang: str) -> str:
    """28 November 2026 / 2026年11月28日."""
    if lang == "ja":
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{moment.day} {_EN_MONTHS[moment.month - 1]} {moment.year}"


def format_deadline(moment: datetime, lang: str) -> str:
    """18:00 JST on Sunday 29 November 2026 / 2026年11月29日（日）18時."""
    zone_name = moment.tzname() or ""
    if lang == "ja":
        minutes = f"{moment.minute}分" if moment.minute else ""
        zone = "" if zone_name == "JST" else f"（{zone_name}）"
        weekday = _JA_WEEKDAYS[moment.weekday()]
        return f"{format_date(moment, lang)}（{weekday}）{moment.hour}時{minutes}{zone}"
    weekday = _EN_WEEKDAYS[moment.weekday()]
    return f"{moment:%H:%M} {zone_name} on {weekday} {format_date(moment, lang)}".replace("  ", " ")


def format_date_target(target: datetime, now: datetime, lang: str) -> str:
    """The next update as a date target: 「2026年12月7日（月）」, or 「本日（12月4日）20時」.

    ``target`` and ``now`` are in the zone the statement is written in. A target later today
    keeps its hour (a SEV1 promise is hours away); any other day is promised as a date.
    """
    if target.date() == now.date():
        minutes = f"{target.minute}分" if target.minute else ""
        if lang == "ja":
            return f"本日（{target.month}月{target.day}日）{target.hour}時{minutes}"
        return f"{target:%H:%M} {target.tzname() or ''} today ({format_date(target, lang)})"
    if lang == "ja":
        return f"{format_date(target, lang)}（{_JA_WEEKDAYS[target.weekday()]}）"
    return f"{_EN_WEEKDAYS[target.weekday()]} {format_date(target, lang)}"


def format_period(start: date | None, end: date | None, lang: str) -> str | None:
    """2026年8月3日～2026年11月27日 / 3 August 2026 to 27 November 2026.

    None when both ends are unknown (the draft then asks for the period with a placeholder); an
    unknown end is said to be under investigation rather than guessed.
    """
    if start is None and end is None:
        return None
    if lang == "ja":
        left = format_date(start, lang) if start else "（開始日は調査中）"
        right = format_date(end, lang) if end else "（終了日は調査中）"
        return f"{left}～{right}"
    left = format_date(start, lang) if start else "a date still under investigation"
    right = format_date(end, lang) if end else "a date still under investigation"
    return f"{left} to {right}"
