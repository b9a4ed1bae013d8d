"""The two sentence splitters — the notice reader's (the pack's pieces, the social post) and the
checker's — end a sentence at the same full stops: not at the point of a decimal, a domain or a
company's abbreviation before a space or a comma."""

from __future__ import annotations

import pytest

from app.statements.checks.matching import Text
from app.statements.checks.matching import sentences as checker_sentences
from app.statements.notice import sentences as notice_sentences

CASES = [
    (
        "About 1.5 million people. See example.jp now.",
        ["About 1.5 million people.", "See example.jp now."],
    ),
    (
        "Sample Co., Ltd. has found a leak. We are sorry.",
        ["Sample Co., Ltd. has found a leak.", "We are sorry."],
    ),
    (
        "Example Inc. found it today. Details follow.",
        ["Example Inc. found it today.", "Details follow."],
    ),
    (
        "Example Corp. and Example Co. agreed. Next.",
        ["Example Corp. and Example Co. agreed.", "Next."],
    ),
    ("Example LTD. has apologised.", ["Example LTD. has apologised."]),
    # At the end of the text or of a line, the abbreviation's point ends the sentence too.
    ("This notice is from Sample Co., Ltd.", ["This notice is from Sample Co., Ltd."]),
    ("We are Example Inc.\nWe found it.", ["We are Example Inc.", "We found it."]),
    # A word that merely ends in the same letters is not an abbreviation.
    ("We ate a taco. Then we left.", ["We ate a taco.", "Then we left."]),
    (
        "株式会社サンプル（Sample Co., Ltd.）は、漏えいを確認いたしました。以上。",
        ["株式会社サンプル（Sample Co., Ltd.）は、漏えいを確認いたしました。", "以上。"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_notice_reader_splits_at_real_sentence_ends(text: str, expected: list[str]) -> None:
    assert notice_sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_checker_splits_at_the_same_ends(text: str, expected: list[str]) -> None:
    # The checker reads the folded (lower-case) text; its pieces keep their spaces and line ends.
    found = [s.strip() for _, s in checker_sentences(Text.of(text).search) if s.strip()]
    assert found == [Text.of(s).search for s in expected]
