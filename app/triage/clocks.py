"""APPI and GDPR deadline arithmetic (DESIGN.md "Clocks start at awareness"); pure."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from app.triage.policy import Clocks


@dataclass(frozen=True, slots=True)
class AppiClocks:
    preliminary_target: datetime
    preliminary_due: datetime
    final_due: datetime


def zone(tz: ZoneInfo | str) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


@functools.cache
def _national_holidays(country: str, year: int) -> frozenset[date]:
    # The holidays package computes a year on demand; freeze it so lookups stay O(1).
    return frozenset(holidays.country_holidays(country, years=year))


def is_business_day(day: date, clocks: Clocks) -> bool:
    """False on Saturdays, Sundays, national holidays and the year-end closure (29 Dec – 3 Jan)."""
    if day.weekday() >= 5 or f"{day:%m-%d}" in clocks.closed_days:
        return False
    return day not in _national_holidays(clocks.holidays_country, day.year)


def next_business_day(day: date, clocks: Clocks) -> date:
    """`day` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day, clocks):
        day += timedelta(days=1)
    return day


def awareness_date(discovered_at: datetime, clocks: Clocks) -> date:
    """The calendar day of awareness, on the law's calendar (Japan's for the APPI)."""
    return discovered_at.astimezone(ZoneInfo(clocks.calendar)).date()


def final_report_date(aware: date, days: int, clocks: Clocks) -> date:
    """Day 1 is the day after awareness, so the Nth day is aware + N; rolled to a business day."""
    return next_business_day(aware + timedelta(days=days), clocks)


def end_of_day(day: date, clocks: Clocks, tz: ZoneInfo) -> datetime:
    """A date deadline ends at `deadline_time` on the law's calendar, shown in `tz`."""
    return datetime.combine(day, clocks.deadline_time, ZoneInfo(clocks.calendar)).astimezone(tz)


def appi_clocks(
    discovered_at: datetime, *, wrongful: bool, clocks: Clocks, tz: ZoneInfo
) -> AppiClocks:
    """速報 target/due (calendar days, no roll) and 確報 due (30 or 60 days, rolled)."""
    aware = awareness_date(discovered_at, clocks)
    final_days = clocks.final_days_wrongful if wrongful else clocks.final_days
    return AppiClocks(
        preliminary_target=end_of_day(
            aware + timedelta(days=clocks.preliminary_target_days), clocks, tz
        ),
        preliminary_due=end_of_day(aware + timedelta(days=clocks.preliminary_due_days), clocks, tz),
        final_due=end_of_day(final_report_date(aware, final_days, clocks), clocks, tz),
    )


def gdpr_authority_due(discovered_at: datetime, *, clocks: Clocks, tz: ZoneInfo) -> datetime:
    """Exactly 72 elapsed hours: add in UTC so a DST change cannot make it 71 or 73."""
    elapsed = discovered_at.astimezone(UTC) + timedelta(hours=clocks.gdpr_authority_hours)
    return elapsed.astimezone(tz)


# ----- the clocks a verdict started ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegalClock:
    """One legal deadline a verdict started, named as the follow-ups and labels name it:
    `appi_preliminary` (or `principal` for a processor, who tells its principal instead),
    `appi_final`, `gdpr`. `target` is the earlier day to aim for, where the rules give one."""

    name: str
    due: datetime
    target: datetime | None = None


def legal_clocks(verdict: Mapping[str, Any] | None) -> list[LegalClock]:
    """The legal deadlines a verdict (the assess contract's JSON) started, soonest first.

    The one place that decides which clocks apply: APPI when a report is (or may be) required,
    a processor's notice to its principal instead of its own reports, GDPR when relevant or not
    known yet."""
    if not verdict:
        return []
    appi, gdpr = verdict.get("appi") or {}, verdict.get("gdpr") or {}
    found: list[LegalClock] = []
    if appi.get("report_required") in (True, "conditional"):
        due, target = _when(appi.get("preliminary_due")), _when(appi.get("preliminary_target"))
        if (verdict.get("actions") or {}).get("notify_principal"):
            if due:
                found.append(LegalClock("principal", due, target))
        else:
            if due:
                found.append(LegalClock("appi_preliminary", due, target))
            if final := _when(appi.get("final_due")):
                found.append(LegalClock("appi_final", final))
    # Unknown facts are read the worse way (DESIGN.md): GDPR counts until the regions say no.
    if gdpr.get("relevant") in (True, "unknown") and (
        authority := _when(gdpr.get("authority_due"))
    ):
        found.append(LegalClock("gdpr", authority))
    return sorted(found, key=lambda clock: clock.due)


def next_deadline(verdict: Mapping[str, Any] | None, now: datetime) -> LegalClock | None:
    """The earliest clock still ahead of `now` (what a room's topic and summary show)."""
    return next((c for c in legal_clocks(verdict) if c.due >= now), None)


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None
