"""Reasons read as one plain line each; rule codes live in the details view."""

from __future__ import annotations

import re

import pytest

from app.briefing import detail_lines, plain_reasons
from tests.briefing.support import CARD, verdict

CODES = re.compile(r"\b(S\d-[a-d]|C\d|POLICE-|F3-|TD-|ROLE-|CTX-|COND-|EX-)")
GAPS = {**CARD, "controls_missing": ["patching", "access_control"], "police_involved": True}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_plain_reasons_carry_no_rule_codes(lang: str) -> None:
    lines = plain_reasons(verdict(**GAPS), lang)
    assert lines and not [line for line in lines if CODES.search(line)]
    assert all("\n" not in line for line in lines)


def test_plain_reason_is_the_first_sentence() -> None:
    assert plain_reasons(verdict(**CARD), "ja")[0] == "財産的被害のおそれがある情報が1,000人以上。"
    assert plain_reasons(verdict(**CARD), "en")[0] == (
        "Data whose misuse can cause property damage of 1,000 or more people."
    )


def test_control_gaps_and_actions_are_in_the_details_only() -> None:
    plain = "\n".join(plain_reasons(verdict(**GAPS), "ja"))
    details = "\n".join(detail_lines(verdict(**GAPS), "ja"))
    assert "安全管理措置の不備" not in plain and "警察" not in plain
    assert "`F3-patching`" in details and "`POLICE-yes`" in details and "`S1-b`" in details
    assert details.endswith("policy default-1 · rules S1-b")


def test_an_abbreviation_does_not_end_the_plain_line() -> None:
    """「Art. 33(2)」 is not the end of a sentence: the processor's GDPR line reads whole."""
    lines = plain_reasons(verdict(**{**CARD, "role": "processor", "subject_regions": ["EU"]}), "en")
    gdpr = [line for line in lines if line.startswith("GDPR")]
    assert gdpr and "Art. 33(2)" in gdpr[0] and gdpr[0].endswith(".")
