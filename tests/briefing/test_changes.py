"""A new verdict version says exactly what changed, never "SEV1 → SEV1"."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from app.briefing import change_lines, material_changes, questions_settled
from app.triage import parse_answers
from tests.briefing.support import CARD, DISCOVERED, MISDIRECTED, TZ, verdict

# Every fact a card-data incident's room answers, none left unknown.
SETTLED = {
    **CARD,
    "key_compromised": False,
    "wrongful_act": True,
    "published": False,
    "secondary_damage": True,
    "contained": True,
    "police_involved": True,
    "police_disclosure_hold": False,
    "data_subjects": ["customers"],
    "role": "controller",
    "controls_missing": ["patching"],
    "listed_company": False,
    "public_body": False,
    "media_aware": False,
}


def test_report_going_from_conditional_to_required_is_one_exact_line() -> None:
    before, after = verdict(**{**CARD, "access": None}), verdict(**CARD)
    lines = change_lines(2, material_changes(before, after), "ja", TZ)
    assert "第2版：委員会への報告が『条件付き』→『必要』" in lines
    assert "v2: PPC report 'conditional' → 'required'" in change_lines(
        2, material_changes(before, after), "en", TZ
    )
    assert not any("深刻度" in line for line in lines)  # SEV1 before and after: not said


def test_severity_change_names_both_levels() -> None:
    before = verdict(**MISDIRECTED)
    after = verdict(**{**MISDIRECTED, "affected_count": 1200})
    lines = change_lines(3, material_changes(before, after), "ja", TZ)
    assert lines[0] == "第3版：深刻度が『SEV3 中』→『SEV2 高』"
    assert "第3版：委員会への報告が『不要』→『必要』" in lines


def test_a_moved_clock_says_both_dates() -> None:
    before = verdict(**CARD)
    after = verdict(**{**CARD, "discovered_at": "2026-12-01T09:00:00+09:00"})
    lines = change_lines(2, material_changes(before, after), "ja", TZ)
    assert lines == [
        "第2版：個人情報保護委員会への速報の期限が『2026年12月9日(水) 23:59』→『2026年12月6日(日) 23:59』",
        "第2版：個人情報保護委員会への確報の期限が『2027年2月2日(火) 23:59』→『2027年2月1日(月) 23:59』",
    ]


def test_a_clock_that_comes_with_an_outcome_is_said_once() -> None:
    before = verdict(**{**CARD, "subject_regions": ["JP"]})
    after = verdict(**{**CARD, "subject_regions": ["JP", "EU"]})
    changes = material_changes(before, after)
    assert "gdpr_relevant" in [c.what for c in changes]
    assert "clock:gdpr" not in [c.what for c in changes]  # the 72 hours come with "applies"
    assert "第2版：GDPR の適用が『対象外』→『対象』" in change_lines(2, changes, "ja", TZ)


def test_an_action_added_is_named() -> None:
    before = verdict(**CARD)
    after = verdict(**{**CARD, "listed_company": True})
    assert change_lines(2, material_changes(before, after), "ja", TZ) == [
        "第2版：適時開示の検討が『なし』→『推奨』"
    ]


def test_nothing_material_says_so_instead_of_an_empty_arrow() -> None:
    before = verdict(**CARD)
    after = verdict(**{**CARD, "affected_count": 2500})
    assert material_changes(before, after) == ()
    assert change_lines(2, (), "ja", TZ) == [
        "第2版：理由の説明を更新しました（深刻度・報告・期限・推奨対応は変わりません）"
    ]


VARIANTS: list[dict[str, Any]] = [
    CARD,
    {**CARD, "access": None},
    {**CARD, "subject_regions": ["EU"]},
    {**CARD, "subject_regions": None},
    {**CARD, "listed_company": True, "police_involved": True},
    {**CARD, "role": "processor"},
    {**CARD, "encryption": "strong", "key_compromised": False},
    MISDIRECTED,
    {**MISDIRECTED, "affected_count": 1200},
    {**MISDIRECTED, "access": "ruled_out"},
    {**MISDIRECTED, "data_categories": ["special_care"]},
    {**MISDIRECTED, "leak_mode": "unauthorized_access", "wrongful_act": None},
]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_line_ever_shows_a_value_unchanged(lang: str) -> None:
    same = re.compile(r"『([^』]*)』→『\1』|'([^']*)' → '\2'")
    for a, b in itertools.permutations(VARIANTS, 2):
        for line in change_lines(2, material_changes(verdict(**a), verdict(**b)), lang, TZ):
            assert not same.search(line), line


def answers(**values: Any):  # type: ignore[no-untyped-def]
    return parse_answers({"discovered_at": DISCOVERED, **values})


def test_settled_only_when_no_question_is_open_or_still_to_ask() -> None:
    assert questions_settled(verdict(**SETTLED), answers(**SETTLED))
    # The verdict may have no open question while a question is still to be asked.
    early = {k: v for k, v in SETTLED.items() if k != "media_aware"}
    assert not questions_settled(verdict(**early), answers(**early))
    # An answer of "unknown" leaves its question open.
    unknown = {**SETTLED, "listed_company": None}
    assert not questions_settled(verdict(**unknown), answers(**unknown))
    assert not questions_settled(None, answers(**SETTLED))


def test_the_settled_line_is_added_once_asked() -> None:
    lines = change_lines(4, (), "ja", TZ, settled=True)
    assert lines == ["第4版：判定に関わる質問には、すべて回答がありました"]
