"""The social post (X and the like): the approved notice's headline, what to do, and its link.

Length follows X's own counting, twitter-text's configuration v3
(https://github.com/twitter/twitter-text/blob/master/config/v3.json, explained in
config/README.md there): the text is NFC-normalised; every code point weighs
``defaultWeight`` 200 except the ranges U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and
U+2032–U+2037, which weigh 100; every URL weighs ``transformedURLLength`` 23 whatever its length;
the limit is ``maxWeightedTweetLength`` 280 at ``scale`` 100. So Japanese (and full-width) text
counts double — at most 140 characters — and English at most 280. Emoji sequences are counted
code point by code point here (twitter-text counts one emoji as 2): an over-count, never an
under-count, and the bot writes none.

A notice URL not yet known is written as a placeholder, counted as the URL it stands for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from app.statements.notice import Notice, personal_data_sentence, sentences

__all__ = ["MAX_WEIGHT", "URL_WEIGHT", "draft_social", "fits", "weighted_length"]

MAX_WEIGHT = 280
URL_WEIGHT = 23
_SCALE = 100
_DEFAULT_WEIGHT = 200
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_URL = re.compile(r"https?://[^\s　]+", re.IGNORECASE)
_URL_PLACEHOLDERS = re.compile(r"【要記入：お知らせ文のURL】|\[TO FILL IN: notice URL\]")
_COUNT = re.compile(
    r"\d[\d,.]*\s*(?:万|億)?[\d,]*\s*(?:名|件|人)|\b\d[\d,.]*(?: million| billion)? (?:people|customers|members|users|records)\b"
)
_THEREFORE = re.compile(r"^(?:これにより|この結果|その結果|このため)、")


def _weight(char: str) -> int:
    code = ord(char)
    light = any(start <= code <= end for start, end in _LIGHT_RANGES)
    return _SCALE if light else _DEFAULT_WEIGHT


def weighted_length(text: str) -> int:
    """X's weighted length of ``text``: 1 per Latin character, 2 per Japanese one, 23 per URL."""
    normal = unicodedata.normalize("NFC", text)
    total = 0
    for index, part in enumerate(re.split(f"({_URL.pattern}|{_URL_PLACEHOLDERS.pattern})", normal)):
        if index % 2:
            total += URL_WEIGHT * _SCALE
        else:
            total += sum(_weight(char) for char in part)
    return total // _SCALE


def fits(text: str) -> bool:
    return weighted_length(text) <= MAX_WEIGHT


def _count_sentence(notice: Notice) -> str | None:
    """The gist's sentence that says how many people, as the notice says it."""
    for sentence in sentences(notice.lead):
        if _COUNT.search(sentence):
            return _THEREFORE.sub("", sentence)
    return None


def _advice_sentence(notice: Notice) -> str | None:
    """The first thing the notice asks people to do, as its first sentence."""
    for line in notice.bullets("advice"):
        first = next(iter(sentences(line)), None)
        if first:
            return first
    return None


def draft_social(notice: Notice, words: Mapping[str, str], url: str) -> str:
    """The longest post that fits: headline and link always; then what to do, the apology (a
    company's post about a leak apologises in its own words, even under a title that says
    お詫び; in short where the full line does not fit), the count — in that order of priority,
    shown in reading order. A notice about other data has no count: what it says of personal
    data takes the count's place and comes first of all (readers first want to know about
    their own data, and a long line of advice in Japanese, which X counts double, left no room
    for it), then what to do, then the apology (in its short form where both do not fit)."""
    headline = words["headline"].format(title=notice.title)
    link = words["link"].format(url=url)
    advice = (2, (_advice_sentence(notice),))
    apology = (3, (words["apology"], words["apology_short"]))
    count = _count_sentence(notice)
    optional: list[tuple[int, tuple[str | None, ...]]] = (
        [advice, apology, (1, (count,))]
        if count
        else [(1, (personal_data_sentence(notice),)), advice, apology]
    )
    chosen: dict[int, str] = {}
    for position, lines in optional:
        for line in lines:
            if line and fits(_compose(headline, {**chosen, position: line}, link)):
                chosen[position] = line
                break
    return _compose(headline, chosen, link)


def _compose(headline: str, parts: Mapping[int, str], link: str) -> str:
    ordered: Sequence[str] = [parts[key] for key in sorted(parts)]
    return "\n".join([headline, *ordered, link])
