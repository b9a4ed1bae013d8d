"""Counts, dates and periods as notices write them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.statements.wording import approximate_count, format_date_target, format_period

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("n", "ja", "en"),
    [
        (1, "1名", "1 person"),
        (12, "12名", "12 people"),
        (812, "約810名", "about 810 people"),
        (3400, "約3,400名", "about 3,400 people"),
        (12000, "約1万2,000名", "about 12,000 people"),
        (230000, "約23万名", "about 230,000 people"),
        (2_000_000, "約200万名", "about 2 million people"),
        (1_234_567, "約120万名", "about 1.2 million people"),
        (15_000_000, "約1,500万名", "about 15 million people"),
        (99_990_000, "約1億名", "about 100 million people"),
        (100_000_000, "約1億名", "about 100 million people"),
        (123_456_789, "約1億2,000万名", "about 120 million people"),
        (1_050_000_000, "約11億名", "about 1.1 billion people"),
    ],
)
def test_counts_are_estimates_in_the_readers_units(n: int, ja: str, en: str) -> None:
    assert approximate_count(n, "ja") == ja
    assert approximate_count(n, "en") == en


def test_date_targets() -> None:
    now = datetime(2026, 12, 4, 10, 0, tzinfo=TOKYO)
    assert format_date_target(now.replace(hour=16), now, "ja") == "本日（12月4日）16時"
    assert (
        format_date_target(datetime(2026, 12, 7, 18, tzinfo=TOKYO), now, "ja")
        == "2026年12月7日（月）"
    )
    assert (
        format_date_target(datetime(2026, 12, 7, 18, tzinfo=TOKYO), now, "en")
        == "Monday 7 December 2026"
    )


def test_periods_with_an_unknown_end_say_so() -> None:
    assert (
        format_period(date(2026, 8, 3), date(2026, 11, 20), "ja") == "2026年8月3日～2026年11月20日"
    )
    assert format_period(date(2026, 8, 3), None, "ja") == "2026年8月3日～（終了日は調査中）"
    assert format_period(None, None, "en") is None
