"""When a statement promises its next update, per severity, on the Japanese business calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.statements import default_next_update
from app.statements.draft import is_business_day

TOKYO = ZoneInfo("Asia/Tokyo")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 11, 28, 14, 0), at(2026, 11, 28, 20)),  # six hours, on the hour
        (at(2026, 11, 28, 14, 10), at(2026, 11, 28, 21)),  # rounded up, 21:00 still allowed
        (at(2026, 11, 28, 15, 30), at(2026, 11, 29, 9)),  # would be 22:00: next morning instead
        (at(2026, 11, 28, 1, 0), at(2026, 11, 28, 9)),  # would be 07:00: this morning at nine
        (at(2026, 11, 28, 2, 30), at(2026, 11, 28, 9)),  # 08:30 rounds up to 09:00
        (at(2026, 12, 31, 23, 0), at(2027, 1, 1, 9)),  # SEV1 does not wait for holidays
    ],
)
def test_sev1_promises_an_update_within_six_hours_in_waking_hours(
    now: datetime, expected: datetime
) -> None:
    assert default_next_update("SEV1", now, "Asia/Tokyo") == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 11, 26, 9, 0), at(2026, 11, 27, 18)),  # Thursday → Friday
        (at(2026, 11, 28, 14, 0), at(2026, 11, 30, 18)),  # Saturday → Monday
        (at(2026, 11, 2, 10, 0), at(2026, 11, 4, 18)),  # 3 Nov is Culture Day
        (at(2026, 12, 28, 10, 0), at(2027, 1, 4, 18)),  # 29 Dec – 3 Jan are closed
    ],
)
def test_sev2_promises_an_update_by_close_of_the_next_business_day(
    now: datetime, expected: datetime
) -> None:
    assert default_next_update("SEV2", now, "Asia/Tokyo") == expected


@pytest.mark.parametrize("severity", ["SEV3", "SEV4", "sev3"])
def test_minor_incidents_get_three_business_days(severity: str) -> None:
    assert default_next_update(severity, at(2026, 11, 28, 14), "Asia/Tokyo") == at(2026, 12, 2, 18)


@pytest.mark.parametrize("severity", [None, "", "SEV9", "critical"])
def test_missing_or_unknown_severity_is_read_as_sev2(severity: str | None) -> None:
    now = at(2026, 11, 28, 14)
    assert default_next_update(severity, now, "Asia/Tokyo") == default_next_update(
        "SEV2", now, "Asia/Tokyo"
    )


def test_result_is_in_the_configured_timezone_whatever_the_input() -> None:
    now_utc = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
    result = default_next_update("SEV1", now_utc, "Asia/Tokyo")
    assert result == at(2026, 11, 28, 20) and result.tzinfo == TOKYO
    london = default_next_update("SEV2", now_utc, "Europe/London")
    assert london.tzinfo == ZoneInfo("Europe/London") and (london.hour, london.day) == (18, 30)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        default_next_update("SEV1", datetime(2026, 11, 28, 14), "Asia/Tokyo")


def test_business_days() -> None:
    assert is_business_day(at(2026, 11, 27).date())
    assert not is_business_day(at(2026, 11, 28).date())  # Saturday
    assert not is_business_day(at(2026, 11, 23).date())  # Labour Thanksgiving Day
    assert not is_business_day(at(2026, 12, 29).date()) and not is_business_day(
        at(2027, 1, 3).date()
    )


@given(
    severity=st.sampled_from(["SEV1", "SEV2", "SEV3", "SEV4", None]),
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_promise_is_in_the_future_and_sev1_sev2_keep_the_next_business_day_bound(
    severity: str | None, now: datetime
) -> None:
    now = now.replace(tzinfo=TOKYO)
    promised = default_next_update(severity, now, "Asia/Tokyo")
    assert promised > now
    assert 8 <= promised.hour <= 21
    if severity in ("SEV1", "SEV2", None):
        assert promised <= default_next_update("SEV2", now, "Asia/Tokyo")
    if severity == "SEV1":
        # six hours, plus up to one for rounding to the hour; or the next morning at nine
        assert promised - now <= timedelta(hours=7) or promised.hour == 9
    else:
        assert promised.hour == 18 and is_business_day(promised.date())
