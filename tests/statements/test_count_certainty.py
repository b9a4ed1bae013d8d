"""A count is said as an estimate (「（現時点の推計）」, "(current estimate)") only when it is one:
``affected_count`` is the room's best current estimate, except a count written as counted (under
100) of people known one by one — those a letter goes to, or those in a misdelivered message."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from app.statements import Company, draft_statement
from app.statements.reading import count_of, mode_of
from tests.statements.helpers import NOW
from tests.statements.test_draft_properties import answers_strategy, verdict_strategy

ESTIMATE = {"ja": "（現時点の推計）", "en": "(current estimate)"}
COMPANY = Company("Example", "0120-000-000")


def who_line(text: str) -> str:
    return next(
        line for line in text.splitlines() if line.startswith(("・対象となる方：", "- Who is"))
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    ("answers", "verdict", "estimate"),
    [
        # Twelve customers' details in an e-mail sent to the wrong people: counted, one by one.
        (
            {"leak_mode": "misdelivery", "affected_count": 12, "data_categories": ["contact"]},
            {"actions": {"announcement": "individual_notice"}},
            False,
        ),
        ({"leak_mode": "misdelivery", "affected_count": 60}, {"severity": "SEV2"}, False),
        # A letter to each of the few people concerned: they are counted.
        (
            {"leak_mode": "lost_device", "affected_count": 8},
            {"actions": {"announcement": "individual_notice"}},
            False,
        ),
        # An attack's count is the room's best current estimate, however small.
        ({"leak_mode": "unauthorized_access", "affected_count": 40}, {"severity": "SEV2"}, True),
        # From 100 up the figure is rounded (約3,200名): an estimate, said as one.
        ({"leak_mode": "misdelivery", "affected_count": 3_210}, {"severity": "SEV2"}, True),
    ],
)
def test_a_count_is_labelled_an_estimate_only_when_it_is_one(
    answers: dict[str, Any], verdict: dict[str, Any], estimate: bool, lang: str
) -> None:
    text = draft_statement(answers, verdict, lang, company=COMPANY, now=NOW).text
    assert (ESTIMATE[lang] in who_line(text)) is estimate, who_line(text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answers_strategy, verdict=verdict_strategy, lang=st.sampled_from(["ja", "en"]))
@example(
    answers={"leak_mode": "misdelivery", "affected_count": 12, "data_categories": ["contact"]},
    verdict={},
    lang="ja",
)
def test_only_an_estimate_is_called_one(
    answers: dict[str, Any], verdict: dict[str, Any], lang: str
) -> None:
    draft = draft_statement(answers, verdict, lang, company=COMPANY, now=NOW)
    note(draft.text)
    count = count_of(answers)
    named = draft.kind == "individual_notice" or mode_of(answers) == "misdelivery"
    if count is None or (named and count < 100):
        assert ESTIMATE[lang] not in draft.text
    elif any(line.startswith(("・対象となる方：", "- Who is")) for line in draft.text.splitlines()):
        assert ESTIMATE[lang] in who_line(draft.text)
