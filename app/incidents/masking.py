"""Masks leaked data the bot can recognise before anything is stored (pure).

Matching runs on a normalised copy of the text (NFKC per character, so full-width digits and
hyphens, the ideographic space and the no-break space become ASCII; zero-width characters
vanish) and the masks are applied to the original text, which is otherwise kept as written.

The secret formats follow the rules of well-kept secret scanners: gitleaks' default rules
(github.com/gitleaks/gitleaks, config/gitleaks.toml: aws-access-token, github-pat, gitlab-pat,
slack-*-token, slack-webhook-url, stripe-access-token, private-key, sendgrid-api-token,
npm-access-token, pypi-upload-token, …) and Yelp's detect-secrets plugins (AWSKeyDetector's
secret-key form, BasicAuthDetector, KeywordDetector, PrivateKeyDetector).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MASK = "▇▇▇▇"

# Characters people put between digit groups: ASCII ones after NFKC, plus the dashes and the
# katakana middle dot / prolonged sound mark that NFKC leaves as they are.
_SEP = " \t\\-.\u30fb/_\u2010\u2012\u2013\u2014\u2015\u2212\u30fc\u2043\ufe63"
_DIGIT_RUN = re.compile(rf"(?<![0-9A-Za-z])[0-9](?:[{_SEP}]{{0,3}}[0-9])+(?![0-9])")
_DIGIT_GROUP = re.compile(r"[0-9]+")
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}

# Issuer prefixes (IIN ranges) of the card brands, so an order number with a valid Luhn digit by
# chance is not a card: Visa 4; Mastercard 51-55, 2221-2720; Amex 34, 37; JCB 3528-3589;
# Diners 300-305, 36, 38, 39; Discover 6011, 644-649, 65; UnionPay 62; Maestro 50, 56-58, 6.
_IIN = re.compile(r"^(?:4|5[0-8]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[0-9]|6)")

_WORD = r"(?<![A-Za-z0-9])"
_END = r"(?![A-Za-z0-9])"
_VALUE = r"([^\s「」『』\"'`)）。、,;]+)"
# A value that is *given* (password: x, password is x, パスワードはx, pw=x) is a secret; prose
# that merely mentions passwords ("we will never ask for your password") is left alone.
_SECRET_GIVEN = re.compile(
    rf"(?i)({_WORD}(?:password|passwd|passcode|passphrase|pwd|パスワード|暗証番号|パスコード|合言葉))"
    r"(\s*(?:\bis\b|は|:|=|→|->)\s*[「『\"'`(（]?\s*)" + _VALUE
)
# Short words are secrets' labels only with a colon or an equals sign (pw: x, pin=x, pass: x).
_SECRET_LABELLED = re.compile(
    rf"(?i)({_WORD}(?:pass|pw|pin|otp|secret|暗証)){_END}"
    r"(\s*(?::|=)\s*[「『\"'`(（]?\s*)" + _VALUE
)
# "password hunter2": a bare value counts when it looks like one (a digit or a symbol in it),
# so "password reset" and "パスワード 変更" stay.
_SECRET_BARE = re.compile(
    rf"(?i)({_WORD}(?:password|passwd|passcode|pwd|pw|パスワード|暗証番号))(\s+)"
    r"((?=[!-~]*[0-9!#$%&*+?@^~])[!-~]{4,})"
)
# key = value forms of detect-secrets' KeywordDetector: api_key, secret_key, access_token, …
_KEYWORD_VALUE = re.compile(
    r"(?i)((?:api|access|secret|private|client|auth|app|bot|signing|session|refresh)[_ .-]?"
    r"(?:key|token|secret)(?:[_-]?id)?|aws_secret_access_key|x-api-key)"
    r"([\"']?\s*(?::|=|=>|:=)\s*[\"'`]?)"
    r"([A-Za-z0-9/+=_.~-]{8,})"
)
_TOKENS = re.compile(
    r"(?:xox[abposre]-[A-Za-z0-9-]{10,}"  # Slack bot/user/... tokens (glued text allowed)
    r"|xapp-\d-[A-Za-z0-9-]{10,}"
    r"|hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,}"
    r"|(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Z0-9])"
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}"
    r"|glpat-[A-Za-z0-9_-]{20,}|glptt-[A-Za-z0-9_-]{20,}"
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|whsec_[A-Za-z0-9]{24,}"
    rf"|{_WORD}sk-(?:proj-|ant-(?:api|admin)\d\d-)?(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{{20,}}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|ya29\.[0-9A-Za-z_-]{20,}"
    r"|SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"
    r"|npm_[A-Za-z0-9]{36}"
    r"|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"
    r"|hf_[A-Za-z0-9]{30,}"
    r"|dop_v1_[a-f0-9]{64}"
    r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"
    r"|dapi[a-f0-9]{32}"
    r"|sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}"
    r"|AGE-SECRET-KEY-1[0-9A-Z]{58}"
    r"|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"
    r"|-----BEGIN[ A-Z]{0,20}PRIVATE KEY(?: BLOCK)?-----"
    r"(?:[\s\S]*?-----END[ A-Z]{0,20}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)"
    rf"|{_WORD}(?:SK[0-9a-f]{{32}}|AC[0-9a-f]{{32}}){_END}"  # Twilio
    rf"|{_WORD}[0-9]{{8,10}}:AA[A-Za-z0-9_-]{{33}}{_END}"  # Telegram bot token
    rf"|{_WORD}AccountKey=[A-Za-z0-9+/=]{{40,}}"  # Azure storage connection string
    r")"
)
# credentials inside a URL (https://user:secret@host) and Authorization headers
_URL_PASSWORD = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^\s:/@]{1,64}:)([^\s@/]{1,128})(@)")
_AUTH_HEADER = re.compile(r"(?i)(\b(?:bearer|basic|token)\s+)([A-Za-z0-9._~+/=-]{16,})")
# An AWS secret access key standing alone: 40 base64 characters with upper and lower case and a
# digit (a git commit hash, 40 lowercase hex digits, is not one).
# A URL's path (after its host's dot) is not one.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+.:_-])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+._-])")


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


def card_number_valid(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and bool(_IIN.match(digits)) and luhn_valid(digits)


class _Normalised:
    """The NFKC form of a text, each of its characters traced back to the original's span."""

    def __init__(self, text: str) -> None:
        self._origin: list[tuple[int, int]] | None = None
        if text.isascii():  # NFKC keeps ASCII as it is, and no ASCII character is invisible
            self.text = text
            return
        parts: list[str] = []
        self._origin = []
        index = 0
        while index < len(text):
            end = index + 1
            # a base character with its combining marks (half-width ﾊﾟ becomes パ together)
            while end < len(text) and (
                unicodedata.combining(text[end]) or text[end] in "\uff9e\uff9f"
            ):
                end += 1
            chunk = text[index:end]
            if chunk not in _INVISIBLE:
                form = chunk if chunk.isascii() else unicodedata.normalize("NFKC", chunk)
                parts.append(form)
                self._origin.extend([(index, end)] * len(form))
            index = end
        self.text = "".join(parts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for [start, end) of the normalised one."""
        if self._origin is None:
            return start, end
        return self._origin[start][0], self._origin[end - 1][1]


def _digit_windows(run: str) -> list[tuple[int, int, str]]:
    """Card numbers and My Numbers in a run of digit groups: (start, end, kind), longest first."""
    groups = [(m.start(), m.end(), m.group(0)) for m in _DIGIT_GROUP.finditer(run)]
    found: list[tuple[int, int, str]] = []
    index = 0
    while index < len(groups):
        best: tuple[int, str] | None = None
        digits = ""
        sizes: list[int] = []
        for stop in range(index, len(groups)):
            digits += groups[stop][2]
            sizes.append(len(groups[stop][2]))
            if len(digits) > 19:
                break
            kind = _number_kind(digits, sizes)
            if kind:
                best = (stop, kind)
        if best:
            found.append((groups[index][0], groups[best[0]][1], best[1]))
            index = best[0] + 1
        else:
            index += 1
    return found


def _number_kind(digits: str, sizes: list[int]) -> str | None:
    if card_number_valid(digits):
        return "card_number"
    # A My Number is written whole or as 4-4-4 (a phone number's groups are not).
    if my_number_valid(digits) and sizes in ([12], [4, 4, 4]):
        return "my_number"
    return None


# pattern, the group holding the value, what it is, and whether the value must look like one
_LABELLED = (
    (_URL_PASSWORD, 2, "password", False),
    (_AUTH_HEADER, 2, "token", True),
    (_KEYWORD_VALUE, 3, "token", True),
    (_SECRET_GIVEN, 3, "password", False),
    (_SECRET_LABELLED, 3, "password", False),
    (_SECRET_BARE, 3, "password", False),
)
_KIND_ORDER = ("card_number", "my_number", "password", "token")


def mask(text: str) -> Masked:
    """Replaces card numbers, My Numbers, passwords and tokens with a mask, saying which kinds.
    NUL characters are dropped too: PostgreSQL stores none in text, and nobody types one."""
    text = text.replace("\x00", "")
    norm = _Normalised(text)
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if end > start and not any(s < end and start < e for s, e, _k in spans):
            spans.append((start, end, kind))

    for match in _TOKENS.finditer(norm.text):
        add(match.start(), match.end(), "token")
    for match in _AWS_SECRET.finditer(norm.text):
        if _looks_random(match.group(1)):
            add(match.start(1), match.end(1), "token")
    for pattern, group, kind, must_look_random in _LABELLED:
        for match in pattern.finditer(norm.text):
            if not must_look_random or any(c.isdigit() for c in match.group(group)):
                add(match.start(group), match.end(group), kind)
    for match in _DIGIT_RUN.finditer(norm.text):
        for start, end, kind in _digit_windows(match.group(0)):
            add(match.start() + start, match.start() + end, kind)

    pieces: list[str] = []
    cursor = 0
    for start, end, _kind in sorted(spans):
        first, last = norm.span(start, end)
        pieces.append(text[cursor:first])
        pieces.append(MASK)
        cursor = max(cursor, last)
    pieces.append(text[cursor:])
    kinds = sorted({kind for _s, _e, kind in spans}, key=_KIND_ORDER.index)
    return Masked("".join(pieces), tuple(kinds))


def _looks_random(value: str) -> bool:
    upper = any(c.isupper() for c in value)
    lower = any(c.islower() for c in value)
    digit = any(c.isdigit() for c in value)
    return (upper and lower and digit) or (
        upper + lower + digit >= 2 and any(c in "/+" for c in value)
    )
