"""「今やること」: two or three next actions, each with its deadline, soonest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.briefing import do_now, do_now_lines
from app.briefing.do_now import StatementState, When
from tests.briefing.support import CARD, MISDIRECTED, TZ, verdict

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo(TZ))  # an hour after awareness


def kinds(actions) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.kind for a in actions]


def test_card_sev1_opens_with_publishing_and_keeps_the_preliminary_report_in_view() -> None:
    plan = do_now(verdict(**CARD), NOW, answers=CARD)
    assert kinds(plan.now) == ["publish", "card_issuers", "appi_preliminary"]
    lines = do_now_lines(plan.now, "ja", TZ)
    assert lines[0] == "• お知らせ文を承認して公表する — 直ちに"
    assert lines[2] == (
        "• 個人情報保護委員会に速報する — 目安 2026年12月7日(月) 23:59（遅くとも 2026年12月9日(水) 23:59）"
    )
    assert "appi_final" in kinds(plan.later) and "police_yes" in kinds(plan.later)


def test_gdpr_72_hours_come_before_a_february_final_report() -> None:
    eu = {**CARD, "subject_regions": ["JP", "EU"]}
    plan = do_now(verdict(**eu), NOW, answers=eu, limit=10)
    dated = [a for a in (*plan.now, *plan.later) if a.due is not None]
    assert kinds(dated) == ["gdpr", "appi_preliminary", "appi_final"]
    assert dated[-1].due.month == 2  # type: ignore[union-attr]
    shown = do_now(verdict(**eu), NOW, answers=eu)
    assert "gdpr" in kinds(shown.now) and len(shown.now) == 3
    assert do_now_lines([dated[0]], "en", TZ) == [
        "• Notify the GDPR supervisory authority — by Mon 7 Dec 2026 09:00 JST"
    ]


def test_unknown_regions_ask_to_check_before_the_72_hours_run_out() -> None:
    unknown = {**CARD, "subject_regions": None}
    plan = do_now(verdict(**unknown), NOW, answers=unknown, limit=10)
    assert "gdpr_check" in kinds(plan.now + plan.later)
    assert "gdpr" not in kinds(plan.now + plan.later)


def test_a_sev3_misdirected_email_says_what_to_do() -> None:
    plan = do_now(verdict(**MISDIRECTED), NOW, answers=MISDIRECTED)
    assert verdict(**MISDIRECTED)["severity"] == "SEV3"
    assert kinds(plan.now) == ["recipients", "apologise", "record"]
    text = "\n".join(do_now_lines(plan.now, "ja", TZ))
    assert "お詫び" in text and "削除を依頼" in text and "記録" in text
    assert "特別な対応" not in text
    assert "\n".join(do_now_lines(plan.now, "en", TZ)).count("Apologise") == 2


def test_deletion_confirmed_leaves_the_apology_and_the_record() -> None:
    contained = {**MISDIRECTED, "contained": True}
    assert kinds(do_now(verdict(**contained), NOW, answers=contained).now) == [
        "apologise",
        "record",
    ]


def test_not_contained_comes_first() -> None:
    open_leak = {**CARD, "contained": False}
    assert kinds(do_now(verdict(**open_leak), NOW, answers=open_leak).now)[0] == "contain"


def test_the_statement_state_shows_in_the_publish_action_and_ends_it() -> None:
    v = verdict(**CARD)
    draft = do_now(v, NOW, answers=CARD, statement=StatementState("draft", 1, 2))
    assert do_now_lines(draft.now[:1], "ja", TZ) == [
        "• お知らせ文を承認して公表する（承認 1/2） — 直ちに"
    ]
    published = do_now(v, NOW, answers=CARD, statement=StatementState("published", 2, 2))
    assert "publish" not in kinds(published.now + published.later)
    assert "publish_pending" not in kinds(published.now + published.later)


def test_an_overdue_clock_comes_first_and_says_so() -> None:
    late = NOW + timedelta(days=6)
    plan = do_now(verdict(**CARD), late, answers=CARD)
    assert plan.now[0].kind == "appi_preliminary" and plan.now[0].when == When.OVERDUE
    assert do_now_lines(plan.now[:1], "ja", TZ) == [
        "• 個人情報保護委員会に速報する — 期限超過（2026年12月9日(水) 23:59）"
    ]


def test_done_actions_drop_and_owners_show_once_roles_exist() -> None:
    plan = do_now(verdict(**CARD), NOW, answers=CARD, done={"card_issuers"}, owners={"pr": "U0PR"})
    assert "card_issuers" not in kinds(plan.now + plan.later)
    assert do_now_lines(plan.now[:1], "ja", TZ) == [
        "• お知らせ文を承認して公表する — 直ちに（担当 <@U0PR>）"
    ]


def test_at_most_the_limit_and_nothing_without_a_verdict() -> None:
    everything = {
        **CARD,
        "subject_regions": ["EU"],
        "police_involved": True,
        "listed_company": True,
    }
    assert len(do_now(verdict(**everything), NOW, answers=everything).now) == 3
    assert do_now(None, NOW).now == ()
