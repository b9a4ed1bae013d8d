"""The next-update promise a statement makes (``default_next_update``).

It is set on the Japanese business calendar (weekends, national holidays and 29 Dec – 3 Jan are
not business days):

* SEV1: six hours after ``now``, rounded up to the full hour; when that falls outside 08:00–21:00
  local time, 09:00 the next morning (weekends included: card or special-care leaks do not wait).
* SEV2, and a missing or unrecognised severity (read the worse way): 18:00 on the next business
  day.
* SEV3 and SEV4: 18:00 on the third business day.

These follow crisis-PR practice: for data that can cause financial damage people need facts fast
to protect themselves, so the first follow-up is the same day; for reportable leaks, no later
than the next business day; for minor incidents within the week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

_SEV1_DELAY = timedelta(hours=6)
_DAY_START, _DAY_END, _MORNING = 8, 21, 9
_CLOSE_OF_BUSINESS = 18


@lru_cache(maxsize=32)
def _jp_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("JP", years=year))


def is_business_day(day: date) -> bool:
    """Weekdays that are not Japanese national holidays nor 29 Dec – 3 Jan."""
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not year_end and day not in _jp_holidays(day.year)


def _add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got {moment!r})")


def default_next_update(severity: str | None, now: datetime, tz: str) -> datetime:
    """When the statement promises its next update; see the module docstring for the policy."""
    require_aware("now", now)
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    level = (severity or "").upper()
    if level == "SEV1":
        soon = (now + _SEV1_DELAY).astimezone(zone)
        if soon.minute or soon.second or soon.microsecond:
            soon = soon.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if _DAY_START <= soon.hour < _DAY_END or (soon.hour == _DAY_END and soon.minute == 0):
            return soon
        morning = soon.date() if soon.hour < _DAY_START else soon.date() + timedelta(days=1)
        return _at(morning, _MORNING, zone)
    days = 3 if level in ("SEV3", "SEV4") else 1
    return _at(_add_business_days(local.date(), days), _CLOSE_OF_BUSINESS, zone)
