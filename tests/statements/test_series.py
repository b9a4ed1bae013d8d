"""「前回からの更新点」: what the next report of the series says changed since the last one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.statements.series import update_points, with_updates

FIRST = {
    "discovered_at": "2026-12-03T16:20:00+09:00",
    "data_categories": ["financial", "identity"],
    "affected_count": 2400,
    "access": "suspected",
}
LATER = {
    **FIRST,
    "affected_count": 3100,
    "data_categories": ["financial", "identity", "credentials"],
    "exposure_period": {"from": "2026-08-03", "to": "2026-11-20"},
    "secondary_damage": True,
}
BEFORE = {"appi": {"report_required": "conditional", "notify_individuals": "conditional"}}
AFTER = {"appi": {"report_required": True, "notify_individuals": "required"}}


def test_counts_items_dates_outcomes_and_advice_in_japanese() -> None:
    points = update_points(FIRST, BEFORE, LATER, AFTER, "ja")
    assert points == [
        "対象となる方の人数：約2,400名 → 約3,100名",
        "対象となる情報に追加：ログインID・パスワード等の認証情報",
        "対象期間：調査中 → 2026年8月3日～2026年11月20日",
        "漏えいの状況：漏えいのおそれ → 外部への漏えいを確認",
        "二次被害：本件に起因するとみられる不正利用等が確認されました",
        "個人情報保護委員会への報告：報告対象となる可能性あり（確認中） → 報告対象",
        "対象となる方へのご連絡：確認中 → 個別にご連絡します",
        "新たにお願いしたいこと：パスワードを変更してください",
    ]


def test_the_same_in_english() -> None:
    points = update_points(FIRST, BEFORE, LATER, AFTER, "en")
    assert points[0] == "People affected: about 2,400 people → about 3,100 people"
    assert "What we now ask you to do: please change your password" in points


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_nothing_changed_says_nothing_changed(lang: str) -> None:
    assert update_points(FIRST, BEFORE, dict(FIRST), BEFORE, lang) == []
    text = with_updates("Title\n\nDate\nCo.\n\nBody", [], datetime(2026, 12, 4, tzinfo=UTC), lang)
    assert ("変更はありません" if lang == "ja" else "No known fact has changed") in text


def test_a_count_given_as_digits_in_a_string_is_read_as_a_count() -> None:
    assert update_points({"affected_count": "300"}, None, {"affected_count": 5000}, None, "ja") == [
        "対象となる方の人数：約300名 → 約5,000名"
    ]


def test_the_updates_follow_the_title_and_date_lines() -> None:
    text = with_updates(
        "お詫びとお知らせ（第2報）\n\n2026年12月5日\n株式会社サンプル\n\n本文",
        ["対象となる方の人数：約2,400名 → 約3,100名"],
        datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
        "ja",
    )
    assert text.split("\n\n") == [
        "お詫びとお知らせ（第2報）",
        "2026年12月5日\n株式会社サンプル",
        "【前回からの更新点（2026年12月4日のお知らせ以降）】\n・対象となる方の人数：約2,400名 → 約3,100名",
        "本文",
    ]
