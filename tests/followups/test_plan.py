"""The follow-up plan (pure): what is prompted when, for each clock and cadence, and the diff."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.triage import default_policy
from app.triage.followups import (
    Current,
    Planned,
    QuietHours,
    diff,
    parse_quiet_hours,
    plan,
)

JST = ZoneInfo("Asia/Tokyo")
AWARE = datetime(2026, 11, 27, 10, 0, tzinfo=JST)  # a Friday


def jst(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def verdict(**parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "severity": "SEV2",
        "appi": {"report_required": False, "categories": []},
        "gdpr": {"relevant": False, "authority_due": None},
        "actions": {
            "press_conference": False,
            "rapid_public_disclosure": False,
            "coordinate_with_police": "no",
            "timely_disclosure_review": False,
            "notify_principal": False,
        },
    }
    for key, value in parts.items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    return base


APPI = {
    "report_required": True,
    "categories": ["C3"],
    "preliminary_target": "2026-11-30T23:59:59+09:00",
    "preliminary_due": "2026-12-02T23:59:59+09:00",
    "final_due": "2027-01-26T23:59:59+09:00",
}


def planned(data: dict[str, Any], now: datetime = AWARE, **kw: Any) -> dict[str, Planned]:
    options: dict[str, Any] = {
        "severity": data.get("severity"),
        "discovered_at": AWARE,
        "next_update_at": None,
        "actions_done": (),
        "policy": default_policy(),
        "now": now,
        "tz": "Asia/Tokyo",
        "quiet_hours": None,
    }
    options.update(kw)
    return {p.key: p for p in plan(data, **options)}


def legal(found: dict[str, Planned]) -> dict[str, datetime]:
    return {k: p.due_at for k, p in found.items() if not k.startswith(("status:", "action:"))}


def test_appi_preliminary_on_target_and_due_days_final_7_1_0_days_before() -> None:
    found = planned(verdict(appi=APPI))
    assert legal(found) == {
        "appi_preliminary:target": jst(30, 9),
        "appi_preliminary:due": jst(2, 9, month=12),
        "appi_final:-7d": jst(19, 9, month=1, year=2027),
        "appi_final:-1d": jst(25, 9, month=1, year=2027),
        "appi_final:due": jst(26, 9, month=1, year=2027),
    }
    assert found["appi_final:-7d"].deadline_at == datetime.fromisoformat(APPI["final_due"])


def test_conditional_duty_is_prompted_too() -> None:
    found = planned(verdict(appi={**APPI, "report_required": "conditional"}))
    assert "appi_preliminary:target" in found


def test_gdpr_at_24_48_66_hours_after_awareness() -> None:
    data = verdict(gdpr={"relevant": True, "authority_due": "2026-11-30T10:00:00+09:00"})
    assert legal(planned(data)) == {
        "gdpr:24h": AWARE + timedelta(hours=24),
        "gdpr:48h": AWARE + timedelta(hours=48),
        "gdpr:66h": AWARE + timedelta(hours=66),
    }


def test_gdpr_unknown_is_not_prompted() -> None:
    data = verdict(gdpr={"relevant": "unknown", "authority_due": None})
    assert legal(planned(data)) == {}


def test_a_processor_is_prompted_to_notify_its_principal_instead() -> None:
    data = verdict(appi=APPI, actions={"notify_principal": True})
    assert legal(planned(data)) == {
        "principal:target": jst(30, 9),
        "principal:due": jst(2, 9, month=12),
    }


def test_a_late_verdict_prompts_the_latest_missed_reminder_once_now() -> None:
    now = AWARE + timedelta(hours=50)
    data = verdict(gdpr={"relevant": True, "authority_due": "2026-11-30T10:00:00+09:00"})
    found = legal(planned(data, now))
    assert found == {"gdpr:48h": now, "gdpr:66h": AWARE + timedelta(hours=66)}


def test_a_passed_deadline_is_not_prompted() -> None:
    now = AWARE + timedelta(hours=73)
    data = verdict(gdpr={"relevant": True, "authority_due": "2026-11-30T10:00:00+09:00"})
    assert legal(planned(data, now)) == {}


def status(found: dict[str, Planned]) -> list[datetime]:
    return [p.due_at for k, p in sorted(found.items()) if k.startswith("status:")]


def test_sev1_status_every_2_hours_for_a_day_then_twice_a_day_three_days_ahead() -> None:
    slots = status(planned(verdict(severity="SEV1")))
    first_day = [AWARE + timedelta(hours=h) for h in range(2, 24, 2)]
    then = [AWARE + timedelta(hours=h) for h in range(24, 73, 12)]
    assert slots == first_day + then


def test_sev4_status_once_a_day_and_the_window_rolls() -> None:
    assert status(planned(verdict(severity="SEV4"))) == [
        AWARE + timedelta(days=d) for d in (1, 2, 3)
    ]
    later = AWARE + timedelta(days=2, hours=1)
    assert status(planned(verdict(severity="SEV4"), later)) == [
        AWARE + timedelta(days=d) for d in (3, 4, 5)
    ]


def test_status_keys_are_stable_across_re_plans() -> None:
    early = planned(verdict(severity="SEV2"))
    later = planned(verdict(severity="SEV2"), AWARE + timedelta(hours=5))
    shared = {k for k in early if k.startswith("status:")} & set(later)
    assert shared and all(early[k] == later[k] for k in shared)
    assert "status:2026-11-27T09:00" in early  # AWARE + 8h in UTC


def test_cadence_comes_from_the_policy() -> None:
    policy = default_policy()
    checks = dict(policy.followups.status_checks)
    checks["SEV4"] = checks["SEV4"].model_copy(update={"every_hours": 8})  # type: ignore[index]
    custom = policy.model_copy(
        update={"followups": policy.followups.model_copy(update={"status_checks": checks})}
    )
    slots = status(planned(verdict(severity="SEV4"), policy=custom))
    assert slots[:3] == [AWARE + timedelta(hours=h) for h in (8, 16, 24)]


QUIET = QuietHours(time(20, 0), time(8, 0))


def test_quiet_hours_hold_sev3_and_sev4_status_checks_until_the_morning() -> None:
    at_night = datetime(2026, 11, 27, 22, 0, tzinfo=JST)
    slots = status(planned(verdict(severity="SEV3"), discovered_at=at_night, quiet_hours=QUIET))
    assert slots[0] == jst(29, 8)  # 22:00 the next night waits for 08:00


def test_quiet_hours_never_hold_sev1_or_legal_clocks() -> None:
    at_night = datetime(2026, 11, 27, 21, 0, tzinfo=JST)
    data = verdict(
        severity="SEV1", gdpr={"relevant": True, "authority_due": "2026-11-30T21:00:00+09:00"}
    )
    found = planned(data, at_night, discovered_at=at_night, quiet_hours=QUIET)
    assert status(found)[0] == at_night + timedelta(hours=2)
    assert found["gdpr:24h"].due_at == at_night + timedelta(hours=24)
    # On-the-day reminders start the working day when the quiet hours end.
    found = planned(verdict(appi=APPI), quiet_hours=QUIET)
    assert found["appi_preliminary:target"].due_at == jst(30, 8)


def test_next_update_30_minutes_before_the_promise() -> None:
    promise = AWARE + timedelta(hours=6)
    found = planned(verdict(), next_update_at=promise)
    (key,) = [k for k in found if k.startswith("next_update:")]
    assert found[key].due_at == promise - timedelta(minutes=30)
    assert found[key].deadline_at == promise
    assert not [k for k in planned(verdict(), promise, next_update_at=promise) if "next" in k]


def test_recommended_actions_until_marked_done() -> None:
    data = verdict(
        appi={**APPI, "categories": ["C2", "C3"]},
        actions={"coordinate_with_police": "yes", "timely_disclosure_review": True},
    )
    actions = {k for k in planned(data) if k.startswith("action:")}
    assert actions == {"action:police", "action:card_issuers", "action:timely_disclosure"}
    done = {k for k in planned(data, actions_done=["police"]) if k.startswith("action:")}
    assert done == {"action:card_issuers", "action:timely_disclosure"}


NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def test_diff_adds_new_moves_changed_and_cancels_what_no_longer_applies() -> None:
    later = NOW + timedelta(hours=5)
    current = {
        "gdpr:24h": Current("gdpr", "scheduled", later),
        "appi_preliminary:target": Current("appi_preliminary", "scheduled", later),
        "appi_final:due": Current("appi_final", "posted", NOW - timedelta(hours=1)),
        "action:police": Current("action", "done", NOW),
        "status:old": Current("status", "scheduled", NOW - timedelta(minutes=1)),
    }
    wanted = [
        Planned("appi_preliminary:target", "appi_preliminary", later + timedelta(days=1)),
        Planned("status:new", "status", later),
        Planned("action:police", "action", NOW),
    ]
    changes = diff(current, wanted, NOW)
    assert [p.key for p in changes.add] == ["status:new"]
    assert [p.key for p in changes.move] == ["appi_preliminary:target"]
    # Posted and done prompts are the room's; a status check already due is left to fire.
    assert changes.cancel == ("gdpr:24h",)


def test_diff_revives_a_cancelled_key_and_keeps_catch_ups_still() -> None:
    current = {
        "gdpr:48h": Current("gdpr", "scheduled", NOW - timedelta(minutes=3)),
        "gdpr:66h": Current("gdpr", "cancelled", NOW + timedelta(hours=1)),
    }
    wanted = [
        Planned("gdpr:48h", "gdpr", NOW),
        Planned("gdpr:66h", "gdpr", NOW + timedelta(hours=1)),
    ]
    changes = diff(current, wanted, NOW)
    assert [p.key for p in changes.add] == ["gdpr:66h"]
    assert changes.move == () and changes.cancel == ()


@pytest.mark.parametrize("text", ["25:00-08:00", "8-9", "20:00-20:00", "noon"])
def test_quiet_hours_setting_is_checked(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quiet_hours(text)


def test_quiet_hours_within_one_day_and_across_midnight() -> None:
    lunch = parse_quiet_hours("12:00-13:00")
    assert lunch is not None
    assert lunch.defer(jst(27, 12, 30), "Asia/Tokyo") == jst(27, 13)
    assert lunch.defer(jst(27, 13, 0), "Asia/Tokyo") == jst(27, 13)
    assert QUIET.defer(jst(27, 7, 59), "Asia/Tokyo") == jst(27, 8)
    assert parse_quiet_hours("") is None
    assert parse_quiet_hours("20:00-08:00") == QUIET
