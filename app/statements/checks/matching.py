"""The checker's matching: the text folded once, and pattern families each tried only when its
literal is in the text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.statements.notice import POINT_INSIDE

_EXCERPT_MARGIN = 20

# The text is folded once: full-width ASCII (ＡＰＴ, １２名) and the ideographic space become ASCII
# and ASCII letters become lower case. The fold keeps every character in place, so excerpts quote
# the text as written. Patterns are therefore written in lower case.


def _fold_table() -> dict[int, int]:
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = 0x20  # ideographic space
    table |= {code: code for code in range(0x41, 0x5B)}
    return {key: value + 32 if 0x41 <= value <= 0x5A else value for key, value in table.items()}


_FOLD = _fold_table()
_META = frozenset("\\.^$*+?{}[]|()")

# An alternative is a pattern that starts with the literal it cannot match without (after an
# optional \b), or a (literal, pattern) pair when the literal comes later.
Alternative = str | tuple[str, str]


def _leading_literal(pattern: str) -> str:
    run = ""
    for char in pattern.removeprefix(r"\b"):
        if char in _META:
            run = run[:-1] if char in "?*{" else run
            break
        run += char
    if len(run) < 2:
        raise ValueError(f"give this alternative an explicit literal: {pattern!r}")
    return run


@dataclass(frozen=True)
class _Alternative:
    """One pattern, tried only when its literal is in the text.

    A leading \\b is checked here rather than in the regex: a pattern that starts with its literal
    lets the regex engine jump straight to the places where the literal occurs.
    """

    literal: str
    pattern: re.Pattern[str]
    word_start: bool

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.literal not in text:
            return
        for match in self.pattern.finditer(text):
            start = match.start()
            if self.word_start and start and _is_word_char(text[start - 1]):
                continue
            yield match


def _is_word_char(char: str) -> bool:
    # Only ASCII counts, so "のdata" still starts a word in mixed Japanese and English text.
    return char.isascii() and (char.isalnum() or char == "_")


@dataclass(frozen=True)
class Family:
    """Alternatives that report under one code."""

    alternatives: tuple[_Alternative, ...]

    def finditer(self, text: str) -> list[re.Match[str]]:
        matches = [m for alternative in self.alternatives for m in alternative.finditer(text)]
        return sorted(matches, key=lambda m: m.start())

    def search(self, text: str) -> bool:
        return any(next(alt.finditer(text), None) for alt in self.alternatives)


def _alternative(alternative: Alternative) -> _Alternative:
    if isinstance(alternative, tuple):
        literal, pattern = alternative
    else:
        literal, pattern = _leading_literal(alternative), alternative
    if literal != literal.lower() or literal not in pattern.replace("\\", ""):
        raise ValueError(f"literal {literal!r} must be lower case and in {pattern!r}")
    word_start = not isinstance(alternative, tuple) and pattern.startswith(r"\b")
    compiled = re.compile(pattern.removeprefix(r"\b") if word_start else pattern)
    return _Alternative(literal, compiled, word_start)


def family(*alternatives: Alternative) -> Family:
    return Family(tuple(_alternative(a) for a in alternatives))


def each(template: str, *words: str) -> list[str]:
    """One alternative per word: ``template`` with ``{w}`` replaced."""
    return [template.replace("{w}", word) for word in words]


MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# The point of "1.5 million", "example.jp" or "Sample Co., Ltd. has" does not end a sentence.
SENTENCE_END = re.compile(rf"[!?。！？\n]|(?!{POINT_INSIDE})\.")


def sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for match in SENTENCE_END.finditer(text):
        yield start, text[start : match.end()]
        start = match.end()
    if start < len(text):
        yield start, text[start:]


@dataclass(frozen=True)
class Text:
    """The text as searched (full-width ASCII folded) and as written, index for index."""

    search: str
    shown: str

    @classmethod
    def of(cls, text: str) -> Text:
        return cls(text.translate(_FOLD), text)

    def excerpt(self, start: int, end: int) -> str:
        snippet = self.shown[max(0, start - _EXCERPT_MARGIN) : end + _EXCERPT_MARGIN]
        return " ".join(snippet.split())

    def quote(self, match: re.Match[str]) -> str:
        return " ".join(self.shown[match.start() : match.end()].split())


def first_line(text: str) -> tuple[str, str]:
    head, _, rest = text.strip().partition("\n")
    return head.strip(), rest.strip()
