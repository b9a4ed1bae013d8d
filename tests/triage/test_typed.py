"""What people type as an answer: counts, yes/no, picks and times, in Japanese and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.triage import question
from app.triage.typed import Unreadable, read_answer, read_bool, read_number, read_time


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("3000", 3000),
        ("3,000", 3000),
        ("about 3000", 3000),
        ("~3000", 3000),
        ("3000人", 3000),
        ("約3,000名", 3000),
        ("3000件程度", 3000),
        ("３０００人", 3000),  # full-width digits
        ("３，０００", 3000),
        ("2000-5000", 5000),  # a range: its upper bound, as the question asks
        ("2,000〜3,000人", 3000),
        ("about 2,000 to 3,000 people", 3000),
        ("1.2万人", 12000),
        ("1.2億人", 120_000_000),
        ("約1億2,000万人", 120_000_000),
        ("1億", 100_000_000),
        ("1億5", 100_000_005),
        ("3千", 3000),
        ("3k", 3000),
        ("", None),
        ("不明", None),
        ("unknown", None),
    ],
)
def test_counts_are_read_as_people_type_them(typed: str, count: int | None) -> None:
    assert read_number(typed) == count


@pytest.mark.parametrize(
    "typed", ["lots", "3000?!x", "1.5", "-", "3000-", "more or less", "億", "1億億"]
)
def test_a_count_that_cannot_be_read_is_refused_not_recorded_as_unknown(typed: str) -> None:
    with pytest.raises(Unreadable):
        read_number(typed)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("はい", True), ("いいえ", False), ("yes", True), ("No", False), ("y", True), ("n", False),
     ("ｙ", True), ("はい。", True), ("", None), ("不明", None)],
)  # fmt: skip
def test_yes_and_no_in_either_language(typed: str, value: bool | None) -> None:
    assert read_bool(typed) is value


def test_yes_no_refuses_anything_else() -> None:
    with pytest.raises(Unreadable):
        read_bool("maybe")


def test_picks_by_number_value_or_label() -> None:
    categories = question("data_categories")
    assert read_answer("multi", "１、３", categories.options) == ["special_care", "credentials"]
    assert read_answer("multi", "financial", categories.options) == ["financial"]
    assert read_answer("multi", "Contact data (e-mail, phone)", categories.options) == ["contact"]
    with pytest.raises(Unreadable):
        read_answer("multi", "99", categories.options)
    mode = question("leak_mode")
    with pytest.raises(Unreadable):
        read_answer("single", "1, 2", mode.options)  # one answer only


NOW = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("9:30", "2026-12-04T09:30:00+09:00"),
        ("昨日15時", "2026-12-03T15:00:00+09:00"),
        ("yesterday 15:00", "2026-12-03T15:00:00+09:00"),
        ("2 hours ago", "2026-12-04T08:00:00+09:00"),
        ("3日前", "2026-12-01T10:00:00+09:00"),
        ("2026-12-03 18:45", "2026-12-03T18:45:00+09:00"),
        ("２０２６/１２/０３ １８:４５", "2026-12-03T18:45:00+09:00"),
    ],
)
def test_discovery_times_are_read_in_the_configured_timezone(typed: str, local: str) -> None:
    found = read_time(typed, now=NOW, tz="Asia/Tokyo")
    assert found is not None and found == datetime.fromisoformat(local)


def test_enter_or_now_means_the_time_of_the_report_and_the_future_is_refused() -> None:
    assert read_time("", now=NOW, tz="Asia/Tokyo") is None
    assert read_time("今", now=NOW, tz="Asia/Tokyo") is None
    for typed in ("23:00", "tomorrow", "2027-01-01 00:00"):
        with pytest.raises(Unreadable):
            read_time(typed, now=NOW, tz="Asia/Tokyo")


def test_a_chat_number_widget_keeps_unreadable_text_unknown() -> None:
    from app.triage.typed import read_number_or_none

    assert read_number_or_none("3000.0".removesuffix(".0")) == 3000
    assert read_number_or_none("３,０００") == 3000
    assert read_number_or_none("lots") is None
