"""A promised date already past: dates in sentences that promise something, read in the statement's
zone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from app.statements.checks.findings import Finding, finding
from app.statements.checks.matching import MONTHS, Text, sentences

_PROMISE = re.compile(
    r"次回|目途|めど|までに|予定|next update|\bby (?:\d|today|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
)
_JA_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:[^。\n\d]{0,6}?(\d{1,2})時)?")
_EN_MONTH_NUMBERS = {m: i + 1 for i, m in enumerate(MONTHS.split("|"))}
_EN_DATE = re.compile(
    rf"(?:(\d{{1,2}}):(\d{{2}})[^.\n]{{0,20}}?)?\b(\d{{1,2}}) ({MONTHS})(?: (\d{{4}}))?"
)
_HALF_YEAR_DAYS = 183


def _promised(sentence: str, now: datetime) -> Iterator[tuple[re.Match[str], datetime]]:
    """Dates in a sentence that promises something, read in ``now``'s zone (year-less dates
    are this year's, or next year's when that is nearer)."""
    for match in _JA_DATE.finditer(sentence):
        year, month, day, hour = match.groups()
        yield match, _moment(year, int(month), int(day), hour, None, now)
    for match in _EN_DATE.finditer(sentence):
        hour, minute, day, month, year = match.groups()
        yield match, _moment(year, _EN_MONTH_NUMBERS[month], int(day), hour, minute, now)


def _moment(
    year: str | None, month: int, day: int, hour: str | None, minute: str | None, now: datetime
) -> datetime:
    try:
        moment = datetime(int(year) if year else now.year, month, day, tzinfo=now.tzinfo)
    except ValueError:
        return now.replace(year=now.year + 1)  # not a date: never past
    if year is None and (now - moment).days > _HALF_YEAR_DAYS:
        moment = moment.replace(year=now.year + 1)
    if hour is not None and int(hour) < 24:
        return moment.replace(hour=int(hour), minute=int(minute or 0))
    return moment.replace(hour=23, minute=59)


def check_dates(text: Text, now: datetime | None) -> Iterator[Finding]:
    if now is None:
        return
    for start, sentence in sentences(text.search):
        if not _PROMISE.search(sentence):
            continue
        for match, moment in _promised(sentence, now):
            if moment < now:
                yield finding(
                    "date_past", excerpt=text.excerpt(start + match.start(), start + match.end())
                )
