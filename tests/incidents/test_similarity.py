"""Report storms: the same leak reported many times is recognised (pure)."""

from datetime import UTC, datetime, timedelta

from app.incidents.similarity import Candidate, same_leak, similarity

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
OPEN = [
    Candidate(1, "Phishing mail asking for payroll passwords", NOW - timedelta(minutes=20)),
    Candidate(2, "顧客リストを誤って外部に送信", NOW - timedelta(minutes=5), link="https://x/p1"),
]


def test_similar_summaries_within_the_window_match() -> None:
    found = same_leak("phishing mail asking for payroll password", None, OPEN, NOW)
    assert found is not None and found.incident_id == 1


def test_japanese_summaries_compare_by_characters() -> None:
    found = same_leak("顧客リストを外部に誤送信しました", None, OPEN, NOW)
    assert found is not None and found.incident_id == 2


def test_the_same_linked_message_matches_whatever_the_words() -> None:
    found = same_leak("see this", "https://x/p1", OPEN, NOW)
    assert found is not None and found.incident_id == 2


def test_different_leaks_and_old_incidents_do_not_match() -> None:
    assert same_leak("Laptop stolen from a car", None, OPEN, NOW) is None
    assert (
        same_leak(
            "phishing mail asking for payroll passwords", None, OPEN, NOW + timedelta(hours=3)
        )
        is None
    )
    assert similarity("", "anything") == 0.0
