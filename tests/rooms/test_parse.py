"""Reading `/leak role`, `/leak task` and `/leak severity` as people type them, in either
language; each bad input is one refusal code (its text has examples: tests/rooms/test_refusals)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.incidents.errors import ServiceError
from app.rooms import parse

TZ = "Asia/Tokyo"
NOW = datetime(2026, 12, 4, 14, 30, tzinfo=ZoneInfo(TZ))  # a Friday afternoon in Tokyo


def local(text: str) -> str:
    return parse.read_due(text, NOW, TZ).astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("17:00", "2026-12-04 17:00"),
        ("09:00", "2026-12-05 09:00"),  # already past today: tomorrow's
        ("tomorrow 10:00", "2026-12-05 10:00"),
        ("明日 10時", "2026-12-05 10:00"),
        ("明日", "2026-12-05 09:00"),
        ("today", "2026-12-04 18:00"),
        ("2026-12-07 09:30", "2026-12-07 09:30"),
        ("12/7 9:30", "2026-12-07 09:30"),
        ("12月7日 15:00", "2026-12-07 15:00"),
        ("1/5", "2027-01-05 09:00"),
        ("2h", "2026-12-04 16:30"),
        ("in 30m", "2026-12-04 15:00"),
        ("2時間後", "2026-12-04 16:30"),
        ("15時半", "2026-12-04 15:30"),
    ],
)
def test_due_times_as_people_type_them(typed: str, due: str) -> None:
    assert local(typed) == due


@pytest.mark.parametrize("typed", ["someday", "25:00", "2026-02-30", "yesterday", "2026-12-01"])
def test_an_unreadable_or_past_due_time_is_refused(typed: str) -> None:
    with pytest.raises(ServiceError) as caught:
        parse.read_due(typed, NOW, TZ)
    assert caught.value.code == "bad_due" and caught.value.detail == typed


def test_roles_by_any_of_their_names_and_people_by_mention() -> None:
    assert parse.read_role("lead <@U0LEAD|lena>", "U0ME") == ("lead", "U0LEAD")
    assert parse.read_role("広報 me", "U0ME") == ("comms", "U0ME")
    assert parse.read_role("DPO none", "U0ME") == ("legal", None)
    for bad, code in (
        ("boss <@U1>", "unknown_role"),
        ("lead @taro", "no_such_user"),
        ("", "unknown_role"),
    ):
        with pytest.raises(ServiceError) as caught:
            parse.read_role(bad, "U0ME")
        assert caught.value.code == code


def test_a_task_reads_its_title_owner_and_due() -> None:
    order = parse.read_task('"Call the card company" <@U0B|b> tomorrow 10:00', "U0ME", NOW, TZ)
    assert order.title == "Call the card company" and order.owner == "U0B"
    assert order.due is not None and order.due.astimezone(ZoneInfo(TZ)).hour == 10
    plain = parse.read_task("カード会社に連絡 <@U0B|b>", "U0ME", NOW, TZ)
    assert plain.title == "カード会社に連絡" and plain.owner == "U0B" and plain.due is None
    japanese = parse.read_task("「ログを保全する」 me 2時間後", "U0ME", NOW, TZ)
    assert japanese.title == "ログを保全する" and japanese.owner == "U0ME"
    with pytest.raises(ServiceError) as caught:
        parse.read_task('"" <@U0B>', "U0ME", NOW, TZ)
    assert caught.value.code == "task_empty"


def test_a_severity_call_needs_a_known_severity_and_a_reason() -> None:
    assert parse.read_severity("sev1 on a leak site") == ("SEV1", "on a leak site")
    assert parse.read_severity("2 理由") == ("SEV2", "理由")
    for bad, code in (("SEV9 why", "unknown_severity"), ("SEV1", "severity_reason_required")):
        with pytest.raises(ServiceError) as caught:
            parse.read_severity(bad)
        assert caught.value.code == code
