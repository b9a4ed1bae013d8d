"""Masks leaked data the bot can recognise before anything is stored (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "▇▇▇▇"

_CARD = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
_MY_NUMBER = re.compile(r"(?<![\d])(\d{4})[ -]?(\d{4})[ -]?(\d{4})(?![\d])")
# Only a value that is *given* (password: x, password is x, パスワードはx) is a secret; prose that
# merely mentions passwords ("we will never ask for your password") is left alone.
_SECRET_AFTER = re.compile(
    r"(?i)((?<![a-z])(?:password|passwd|passcode|pwd|pin)(?![a-z])|パスワード|暗証番号)"
    r"(\s*(?:\bis\b|は|:|：|=)\s*)(\S+)"
)
_TOKENS = re.compile(
    r"\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}"
    r"|ASIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9_-]{20,}"
    r"|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})"
)


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def my_number_valid(digits: str) -> bool:
    """The check digit of a 12-digit individual number (マイナンバー), per the ministry's formula."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:11]]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(body), start=1))
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


def mask(text: str) -> Masked:
    """Replaces card numbers, My Numbers, passwords and tokens with a mask, saying which kinds."""
    kinds: list[str] = []

    def note(kind: str) -> str:
        if kind not in kinds:
            kinds.append(kind)
        return MASK

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return note("card_number")
        return match.group(0)

    def my_number(match: re.Match[str]) -> str:
        digits = "".join(match.groups())
        return note("my_number") if my_number_valid(digits) else match.group(0)

    def secret(match: re.Match[str]) -> str:
        note("password")
        return f"{match.group(1)}{match.group(2)}{MASK}"

    text = _TOKENS.sub(lambda _m: note("token"), text)
    text = _SECRET_AFTER.sub(secret, text)
    text = _CARD.sub(card, text)
    text = _MY_NUMBER.sub(my_number, text)
    return Masked(text, tuple(kinds))
