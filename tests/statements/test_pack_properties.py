"""Any answers and verdict give a pack that says nothing its notice does not, and a post that fits."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from app.statements import Company, draft_statement
from app.statements.pack import PIECES, check_piece, draft_piece, pieces_for
from app.statements.social import fits
from tests.statements.helpers import NOW
from tests.statements.test_draft_properties import answers_strategy, verdict_strategy


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_strategy, verdict_strategy, st.sampled_from(["ja", "en"]))
# Found on a full run: the post quoted "1 million people was taken." from the notice's "about 1.1
# million people", its sentence cut at the decimal point (tests/statements/test_pack_counts.py).
@example(
    {"affected_count": 1_100_000, "access": "confirmed", "data_categories": ["contact"]}, {}, "en"
)
def test_any_pack_holds_to_its_notice(
    answers: dict[str, Any], verdict: dict[str, Any], lang: str
) -> None:
    company = Company("Example", "0120-000-000")
    notice = draft_statement(answers, verdict, lang, company=company, now=NOW).text
    wanted = pieces_for(answers, verdict)
    assert set(wanted) <= set(PIECES)
    for kind in PIECES:
        text = draft_piece(
            kind,
            notice=notice,
            answers=answers,
            verdict=verdict,
            company=company,
            lang=lang,
            now=NOW,
            tz="Asia/Tokyo",
            notice_url="https://example.jp/notice",
        )
        note(f"{kind}:\n{text}")
        found = check_piece(kind, text, notice=notice, answers=answers, lang=lang, now=NOW)
        # A piece the incident needs also keeps its own rules (the Q&A's 10–15 questions).
        rules = ("pack_", "social_", "letter_", "qa_") if kind in wanted else ("pack_", "social_")
        own = [f for f in found if f.code.startswith(rules)]
        assert not own, (notice, own)
        if kind == "social":
            assert fits(text)
