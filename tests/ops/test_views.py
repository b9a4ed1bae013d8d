"""The incident page's pure helpers: statement diffs and the deadline chart's geometry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.ops import views
from app.ops.views import DiffLine, deadline_chart, text_diff

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def test_diff_shows_added_and_removed_lines_with_context() -> None:
    diff = text_diff("a\nb\nc\nd", "a\nB\nc\nd")
    assert [line for line in diff if line.op != "@"] == [
        DiffLine(" ", "a"),
        DiffLine("-", "b"),
        DiffLine("+", "B"),
        DiffLine(" ", "c"),
    ]


def test_identical_texts_have_no_diff() -> None:
    assert text_diff("same\ntext", "same\ntext") == []


def test_chart_places_everything_inside_the_picture_in_time_order() -> None:
    events = [(T0 + timedelta(minutes=m), "note.added") for m in (0, 30, 90)]
    deadlines = [(T0 + timedelta(days=30), "appi.final_due"), (T0 + timedelta(days=3), "x")]
    chart = deadline_chart(events, deadlines, T0, T0 + timedelta(days=5), width=1000)
    xs = [m.x for m in chart.events] + [m.x for m in chart.deadlines]
    assert all(0 <= x <= 1000 for x in xs)
    assert [m.label for m in chart.deadlines] == ["x", "appi.final_due"]
    assert [m.passed for m in chart.deadlines] == [True, False]
    assert chart.now is not None and chart.deadlines[0].x < chart.now.x < chart.deadlines[1].x
    assert chart.events[0].x < chart.events[2].x


def test_chart_of_a_fresh_incident_without_deadlines() -> None:
    chart = deadline_chart([(T0, "incident.opened")], [], T0, T0)
    assert chart.deadlines == [] and len(chart.events) == 1


def test_event_data_reads_as_dotted_fields() -> None:
    data = {"texts": {"en": "Line one\nLine two", "ja": "本文"}, "rules": ["S1-b", "C2"], "n": 2}
    assert views.event_fields(data) == [
        ("n", "2"),
        ("rules", "S1-b, C2"),
        ("texts.en", "Line one\nLine two"),
        ("texts.ja", "本文"),
    ]
    assert views.event_fields(None) == []
    assert views.event_fields({"empty": {}, "x": [{"a": 1}]}) == [
        ("empty", "{}"),
        ("x", '[{"a": 1}]'),
    ]
