"""The Q&A's "how many people are affected" answer, as a PR lead says it on the phone: the figure
and whom it covers; for an estimate, that it may change and when the next update comes; a count
still being established said to be; for other data, what the notice says of personal data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from app.statements.pack import check_piece
from app.statements.reading import count_of
from app.statements.wording import approximate_count
from tests.statements.helpers import NOW
from tests.statements.test_draft_properties import answers_strategy, verdict_strategy
from tests.statements.test_pack_counts import pack

SEV2 = {"severity": "SEV2"}
CUSTOMERS = {"data_subjects": ["customers"], "data_categories": ["contact"]}
QUESTION = re.compile(
    r"\*\*Q\d+\. (?:対象となるのは何名ですか。|How many people are affected\?)\*\*\n\nA\. (.*)"
)


def how_many(answers: dict[str, Any], verdict: dict[str, Any], lang: str) -> tuple[str, str]:
    """(the notice, the Q&A's answer to how many)."""
    notice, pieces = pack(answers, lang, verdict)
    qa = pieces["qa"]
    match = QUESTION.search(qa)
    assert match, qa
    found = check_piece("qa", qa, notice=notice, answers=answers, lang=lang, now=NOW)
    assert not [f for f in found if f.code.startswith("pack_")], found
    return notice, match.group(1)


@pytest.mark.parametrize(
    ("answers", "lang", "said"),
    [
        (
            {**CUSTOMERS, "affected_count": 123_456_789, "leak_mode": "unauthorized_access"},
            "ja",
            "対象となるのは、お客様約1億2,000万名です。この人数は現時点の推計で、今後の調査により"
            "変わる可能性がございます。次回のご報告は、2026年11月30日（月）を目途に行う予定です。",
        ),
        (
            {**CUSTOMERS, "affected_count": 123_456_789, "leak_mode": "unauthorized_access"},
            "en",
            "The incident affects customers: about 120 million people in all. This is our current"
            " estimate and may change as our investigation continues. We will post our next update"
            " by Monday 30 November 2026.",
        ),
        (
            {**CUSTOMERS, "affected_count": 12, "leak_mode": "misdelivery"},
            "ja",
            "対象となるのは、お客様12名です。",
        ),
        (
            {**CUSTOMERS, "affected_count": 12, "leak_mode": "misdelivery"},
            "en",
            "The incident affects customers: 12 people in all.",
        ),
        (
            {**CUSTOMERS, "leak_mode": "unauthorized_access"},
            "ja",
            "対象はお客様で、人数は現在調査中です。判明し次第お知らせいたします。"
            "次回のご報告は、2026年11月30日（月）を目途に行う予定です。",
        ),
        (
            {**CUSTOMERS, "leak_mode": "unauthorized_access"},
            "en",
            "The incident affects customers; we are still establishing how many people are"
            " involved, and will say once we know. We will post our next update by Monday"
            " 30 November 2026.",
        ),
        (
            {"leak_mode": "skimming", "affected_count": 2_400},
            "ja",
            "対象となるのは、対象期間（【要記入：対象期間】）中に当社が運営するウェブサイトで"
            "クレジットカード決済をされた方、約2,400名です。この人数は現時点の推計で、今後の調査"
            "により変わる可能性がございます。次回のご報告は、2026年11月30日（月）を目途に行う予定"
            "です。",
        ),
        (
            {"data_categories": ["trade_secret"], "leak_mode": "insider_theft"},
            "ja",
            "現時点の調査では、対象となる情報に個人情報は含まれておりません。",
        ),
    ],
)
def test_how_many_is_answered_as_a_pr_lead_says_it(
    answers: dict[str, Any], lang: str, said: str
) -> None:
    assert how_many(answers, SEV2, lang)[1] == said


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answers_strategy, verdict=verdict_strategy, lang=st.sampled_from(["ja", "en"]))
@example(answers={**CUSTOMERS, "affected_count": 1_100_000}, verdict={}, lang="en")
def test_how_many_keeps_the_notices_figure_and_its_certainty(
    answers: dict[str, Any], verdict: dict[str, Any], lang: str
) -> None:
    verdict = {**verdict, "actions": {"announcement": "website"}}
    notice, said = how_many(answers, verdict, lang)
    note(f"{notice}\n\n{said}")
    who = next((line for line in notice.splitlines() if "対象となる方：" in line), None)
    who = who or next((line for line in notice.splitlines() if "Who is affected:" in line), None)
    count = count_of(answers)
    if who is None or count is None or approximate_count(count, lang) not in who:
        return
    assert approximate_count(count, lang) in said
    estimate = "（現時点の推計）" in who or "(current estimate)" in who
    assert ("現時点の推計" in said or "current estimate" in said) is estimate
    assert ("次回のご報告" in said or "next update" in said) is estimate
