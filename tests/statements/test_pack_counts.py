"""The pack states the number of people as its notice does: the notice's whole sentence, so the same
figure, the same words (about 1.1 million people, 約110万名) and the same certainty, for any count."""

from __future__ import annotations

from typing import Any

import pytest

from app.statements import Company, draft_statement
from app.statements.consistency import check_consistency
from app.statements.notice import sentences
from app.statements.pack import PIECES, check_piece, draft_piece
from app.statements.wording import approximate_count
from tests.statements.helpers import LANGS, NOW

COMPANY = Company("Example", "0120-000-000")
COUNTS = (1, 999, 1_000, 10_000, 1_000_000, 1_100_000, 123_456_789, 1_100_000_000, None)
# (leak mode, access): a leak confirmed, a leak possible, and the modes whose notice says only
# "It involves …" — the one English count sentence short enough for the post.
INCIDENTS = (
    (None, "confirmed"),
    ("unauthorized_access", "suspected"),
    ("insider_theft", "suspected"),
    ("misdelivery", "confirmed"),
)
# The count as the checker reads it: the notice's figure, written as notices write it (約1億2,000万名,
# not 約12,000万名); and whose data it is (missing_data): the letter's "about 120 million
# customers", or "your personal information" in a letter that gives no count.
COUNT_CODES = {"pack_count_mismatch", "pack_certainty_upgraded", "count_wording"}


def answers_for(count: int | None, mode: str | None, access: str) -> dict[str, Any]:
    answers: dict[str, Any] = {"data_categories": ["contact"], "access": access}
    if count is not None:
        answers["affected_count"] = count
    if mode is not None:
        answers["leak_mode"] = mode
    return answers


def pack(
    answers: dict[str, Any], lang: str, verdict: dict[str, Any] | None = None
) -> tuple[str, dict[str, str]]:
    verdict = verdict or {}
    notice = draft_statement(answers, verdict, lang, company=COMPANY, now=NOW).text
    pieces = {
        kind: draft_piece(
            kind,
            notice=notice,
            answers=answers,
            verdict=verdict,
            company=COMPANY,
            lang=lang,
            now=NOW,
            tz="Asia/Tokyo",
            notice_url="https://example.jp/notice",
        )
        for kind in PIECES
    }
    return notice, pieces


def count_lines(post: str, lang: str) -> list[str]:
    """The post's lines between headline and link that state a number of people."""
    marks = ("名", "人") if lang == "ja" else (" people", " person")
    return [line for line in post.splitlines()[1:-1] if any(mark in line for mark in marks)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize(("mode", "access"), INCIDENTS)
def test_every_piece_states_the_count_as_the_notice_does(
    lang: str, count: int | None, mode: str | None, access: str
) -> None:
    answers = answers_for(count, mode, access)
    notice, pieces = pack(answers, lang)
    for kind, text in pieces.items():
        found = check_piece(kind, text, notice=notice, answers=answers, lang=lang, now=NOW)
        codes = COUNT_CODES | {"missing_data"}
        assert not [f for f in found if f.code in codes], (kind, text, found)
    post = pieces["social"]
    lines = count_lines(post, lang)
    if count is None:
        assert lines == [], post
    for line in lines:
        # One whole sentence of the notice, its figure written as the notice writes it.
        assert line in notice, (line, notice)
        assert approximate_count(count or 0, lang) in line, line
        assert len(sentences(line)) == 1, line
        if lang == "en":
            assert line[0].isupper(), line


@pytest.mark.parametrize(
    ("lang", "mode", "access", "said"),
    [
        # The falsifying example: a confirmed leak of about 1.1 million people was posted as
        # "1 million people was taken." (the notice's sentence cut at the decimal point).
        ("en", None, "confirmed", None),
        ("en", "misdelivery", "confirmed", "It involves about 1.1 million people."),
        (
            "ja",
            None,
            "confirmed",
            "約110万名分の個人情報が外部に漏えいしたことを確認しております。",
        ),
        ("ja", None, "suspected", "約110万名分の個人情報が外部に漏えいしたおそれがあります。"),
        ("ja", "misdelivery", "confirmed", "対象となる方は約110万名です。"),
    ],
)
def test_a_count_of_about_1_1_million_is_posted_whole_or_not_at_all(
    lang: str, mode: str | None, access: str, said: str | None
) -> None:
    notice, pieces = pack(answers_for(1_100_000, mode, access), lang)
    post = pieces["social"]
    assert count_lines(post, lang) == ([said] if said else []), post
    assert "1 million people" not in post.replace("1.1 million people", "")


@pytest.mark.parametrize(
    ("notice", "piece", "lang", "same"),
    [
        ("about 1.1 million people", "about 1.1 million people", "en", True),
        ("about 1.1 million people", "1 million people", "en", False),
        ("about 1.1 million people", "1,100,000 people", "en", True),
        ("約110万名", "1,100,000名", "ja", True),
        ("約110万名", "約100万名", "ja", False),
        ("約1万2,000名", "12,000名", "ja", True),
        ("約1万名", "約1,000名", "ja", False),
        # 約1億2,000万名 is one count (not 2,000万 after a stray 1億), and so is 約1億名.
        ("約1億2,000万名", "120,000,000名", "ja", True),
        ("約1億2,000万名", "約2,000万名", "ja", False),
        ("約1億名", "100,000,000名", "ja", True),
        ("約1億名", "約1万名", "ja", False),
        ("about 1.1 billion people", "1,100,000,000 people", "en", True),
    ],
)
def test_the_checker_reads_a_count_in_any_of_its_forms(
    notice: str, piece: str, lang: str, same: bool
) -> None:
    found = {f.code for f in check_consistency(piece, notice, lang)}
    assert ("pack_count_mismatch" not in found) is same


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ja", "現時点の調査では、対象となる情報に個人情報は含まれておりません。"),
        ("en", "Based on our investigation so far, no personal information is involved."),
    ],
)
def test_a_post_about_other_data_says_what_its_notice_says_of_personal_data(
    lang: str, said: str
) -> None:
    """No count to give: where it fits, the post says, in the notice's words, whether the
    readers' personal data is involved."""
    answers = {"data_categories": ["trade_secret"], "leak_mode": "misconfiguration"}
    notice, pieces = pack(answers, lang, {"actions": {"announcement": "website"}})
    assert said in notice
    assert said in pieces["social"].splitlines()
    assert said in pieces["qa"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "It involves about 1.1 billion people."), ("ja", "対象となる方は約11億名です。")],
)
def test_a_count_in_billions_is_posted_as_the_notice_says_it(lang: str, said: str) -> None:
    _, pieces = pack(answers_for(1_100_000_000, "misdelivery", "confirmed"), lang)
    assert count_lines(pieces["social"], lang) == [said], pieces["social"]
