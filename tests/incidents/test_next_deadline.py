"""The next deadline is read one way everywhere: the earliest legal clock not yet met, overdue
or not — the room's topic and summary show an overdue 速報 as ops does, instead of skipping it."""

from __future__ import annotations

from datetime import UTC, datetime

from app.incidents.deadlines import next_deadline
from app.incidents.snapshot import Snapshot
from app.models import Incident, Verdict
from app.ops.queries import deadline_of
from app.rooms.texts import deadline_text, topic

PRELIMINARY = datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC)  # 23:59:59 JST
FINAL = datetime(2026, 12, 28, 14, 59, 59, tzinfo=UTC)
VERDICT = {
    "severity": "SEV2",
    "appi": {
        "report_required": True,
        "preliminary_target": "2026-11-30T23:59:59+09:00",
        "preliminary_due": "2026-11-30T23:59:59+09:00",
        "final_due": "2026-12-28T23:59:59+09:00",
    },
    "gdpr": {"relevant": False},
    "actions": {},
}


def incident(deadline_at: datetime | None) -> Incident:
    return Incident(
        key="LEAK-2026-0001",
        title="t",
        status="open",
        severity="SEV2",
        is_drill=False,
        language="en",
        deadline_at=deadline_at,
    )


def snapshot(deadline_at: datetime | None) -> Snapshot:
    verdict = Verdict(version=1, severity="SEV2", data=VERDICT)
    return Snapshot(incident(deadline_at), {}, verdict, None, {})


def test_an_overdue_unmet_preliminary_report_is_still_the_next_deadline() -> None:
    # deadline_at is kept on the row: the earliest clock the room has not recorded as met.
    clock = next_deadline(incident(PRELIMINARY), VERDICT)
    assert clock is not None and (clock.name, clock.due) == ("appi_preliminary", PRELIMINARY)


def test_the_room_and_ops_show_the_same_overdue_clock() -> None:
    snap = snapshot(PRELIMINARY)  # a day past it, unmet
    assert "APPI preliminary report" in topic(snap, "en", "Asia/Tokyo")
    assert "APPI preliminary report" in deadline_text(snap, "en", "Asia/Tokyo")
    assert deadline_of(snap.incident, snap.verdict) == ("appi_preliminary", PRELIMINARY)


def test_once_the_preliminary_is_met_the_final_report_is_next_everywhere() -> None:
    snap = snapshot(FINAL)
    assert "APPI final report" in topic(snap, "en", "Asia/Tokyo")
    assert deadline_of(snap.incident, snap.verdict) == ("appi_final", FINAL)


def test_no_clock_running_reads_as_none_everywhere() -> None:
    snap = snapshot(None)
    assert next_deadline(snap.incident, VERDICT) is None
    assert deadline_of(snap.incident, snap.verdict) is None
    assert topic(snap, "en", "Asia/Tokyo").endswith("next: —")
