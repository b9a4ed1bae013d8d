"""APPI and GDPR deadlines: counted from awareness, rolled past weekends and holidays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.triage import default_policy, is_business_day, next_business_day
from tests.triage.support import verdict

REPORTABLE = dict(
    data_categories=["identity"],
    affected_count=5000,
    subject_regions=["EU"],
    leak_mode="misdelivery",
    encryption="none",
    access="confirmed",
)
WRONGFUL = {**REPORTABLE, "leak_mode": "unauthorized_access"}
CLOCKS = default_policy().clocks


def appi(discovered_at: str, tz: str = "Asia/Tokyo", **fields: object) -> dict[str, str]:
    return verdict(discovered_at=discovered_at, tz=tz, **{**REPORTABLE, **fields})["appi"]


def test_preliminary_report_target_3_days_due_5_days_end_of_day() -> None:
    result = appi("2024-04-01T10:00:00+09:00")
    assert result["preliminary_target"] == "2024-04-04T23:59:59+09:00"
    assert result["preliminary_due"] == "2024-04-06T23:59:59+09:00"  # a Saturday: not rolled


def test_final_report_30th_day_counted_from_the_day_after() -> None:
    # Awareness 1 April -> day 1 is 2 April -> the 30th day is 1 May (a Wednesday).
    assert appi("2024-04-01T10:00:00+09:00")["final_due"] == "2024-05-01T23:59:59+09:00"


def test_final_report_60_days_where_c3_applies() -> None:
    result = verdict(discovered_at="2024-04-01T10:00:00+09:00", **WRONGFUL)["appi"]
    assert "C3" in result["categories"]
    assert result["final_due"] == "2024-05-31T23:59:59+09:00"


def test_final_due_on_a_weekend_moves_to_monday() -> None:
    # 2 May + 30 days = 1 June 2024, a Saturday -> Monday 3 June.
    assert appi("2024-05-02T09:00:00+09:00")["final_due"] == "2024-06-03T23:59:59+09:00"


def test_final_due_on_a_national_holiday_moves_to_the_next_business_day() -> None:
    # 24 January + 30 days = 23 February 2024, Emperor's Birthday (a Friday) -> Monday 26 February.
    assert appi("2024-01-24T09:00:00+09:00")["final_due"] == "2024-02-26T23:59:59+09:00"


def test_final_due_in_golden_week_skips_holidays_and_the_weekend() -> None:
    # 3 April + 30 = 3 May 2024 (Constitution Day, Fri), 4-5 weekend, 6 substitute holiday -> 7 May.
    assert appi("2024-04-03T09:00:00+09:00")["final_due"] == "2024-05-07T23:59:59+09:00"


def test_final_due_in_the_new_year_holidays_moves_past_3_january() -> None:
    # 30 November + 30 = 30 December 2024 (closed 29 Dec - 3 Jan); 4-5 Jan is a weekend -> 6 Jan.
    assert appi("2024-11-30T09:00:00+09:00")["final_due"] == "2025-01-06T23:59:59+09:00"


def test_preliminary_dates_are_not_rolled_over_the_new_year() -> None:
    result = appi("2024-12-27T09:00:00+09:00")
    assert result["preliminary_target"] == "2024-12-30T23:59:59+09:00"
    assert result["preliminary_due"] == "2025-01-01T23:59:59+09:00"


def test_awareness_day_is_japan_calendar_day() -> None:
    # 20:00 in New York on 1 April is 10:00 on 2 April in Tokyo: day 0 is 2 April.
    assert appi("2024-04-01T20:00:00-04:00")["final_due"] == "2024-05-02T23:59:59+09:00"


def test_deadlines_shown_in_the_configured_timezone() -> None:
    result = appi("2024-04-01T10:00:00+09:00", tz="Europe/Berlin")
    assert result["final_due"] == "2024-05-01T16:59:59+02:00"  # 23:59:59 JST, shown in Berlin


def test_gdpr_authority_due_exactly_72_hours() -> None:
    gdpr = verdict(discovered_at="2024-04-01T10:00:00+09:00", **REPORTABLE)["gdpr"]
    assert gdpr["authority_due"] == "2024-04-04T10:00:00+09:00"


def test_gdpr_72_hours_are_elapsed_hours_across_a_dst_change() -> None:
    # Berlin moves to summer time on 31 March 2024: 72 h after Fri 12:00 CET is Mon 13:00 CEST.
    gdpr = verdict(discovered_at="2024-03-29T12:00:00+01:00", tz="Europe/Berlin", **REPORTABLE)[
        "gdpr"
    ]
    assert gdpr["authority_due"] == "2024-04-01T13:00:00+02:00"
    due = datetime.fromisoformat(gdpr["authority_due"])
    assert (due - datetime.fromisoformat("2024-03-29T12:00:00+01:00")).total_seconds() == 72 * 3600


def test_no_dates_when_nothing_is_reportable() -> None:
    result = appi("2024-04-01T10:00:00+09:00", affected_count=10)
    assert result["report_required"] is False
    assert [result[k] for k in ("preliminary_target", "preliminary_due", "final_due")] == [None] * 3


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2024, 5, 1), True),
        (date(2024, 5, 3), False),  # Constitution Day
        (date(2024, 5, 6), False),  # substitute holiday
        (date(2024, 6, 1), False),  # Saturday
        (date(2024, 12, 27), True),
        (date(2024, 12, 30), False),  # year-end closure
        (date(2025, 1, 3), False),  # year-end closure
        (date(2026, 9, 22), False),  # citizens' holiday between two holidays
    ],
)
def test_business_days(day: date, business: bool) -> None:
    assert is_business_day(day, CLOCKS) is business


def test_next_business_day_keeps_a_business_day() -> None:
    assert next_business_day(date(2024, 5, 1), CLOCKS) == date(2024, 5, 1)
    assert next_business_day(date(2024, 12, 28), CLOCKS) == date(2025, 1, 6)


def test_timestamps_carry_the_offset_even_for_utc() -> None:
    result = verdict(discovered_at="2024-04-01T10:00:00+09:00", tz="UTC", **REPORTABLE)
    assert result["gdpr"]["authority_due"] == "2024-04-04T01:00:00+00:00"
    assert ZoneInfo("UTC")  # the verdict never writes "Z"
