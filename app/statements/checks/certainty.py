"""What a statement claims about the data, against the answers: harm, denial, a leak stated as
fact, and denials in a first report of an attack."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from app.statements.checks.findings import INFO, WARN, Finding, finding
from app.statements.checks.matching import SENTENCE_END, Family, Text, each, family
from app.statements.reading import ATTACK_MODES, certainty

_NO_HARM = family(
    *each(
        "{w}等?(?:の(?:事実|報告|発生|痕跡))?(?:は|も)(?:確認|報告)され(?:て|ては)(?:おりません|いません|いない|ございません)",
        "被害",
        "不正利用",
        "悪用",
    ),
    *each(
        "{w}の(?:報告|連絡|お問い合わせ)は(?:受けて(?:おりません|いません)|ございません|ありません)",
        "被害",
        "不正利用",
        "悪用",
    ),
    r"\bno (?:evidence|indications?|signs?|reports?)\b[^.\n]{0,30}?\b(?:misuse|misused|fraud|fraudulent|harm|damage|abuse)",
    r"\bnot aware of any (?:misuse|fraud|fraudulent|harm|damage|abuse)\b",
    r"\bhas not been misused\b",
)
_DENIED = family(
    *each(
        "{w}(?:して|は|の事実は|の可能性は|のおそれは)(?:い(?:ない|ません)|おりません|ありません|ございません|なかった|なく|ない)",
        "流出",
        "漏えい",
        "漏洩",
    ),
    *each(
        "{w}て(?:は)?(?:いない|いません|おりません)",
        "盗まれ",
        "持ち出され",
        "閲覧され",
        "取得され",
        "窃取され",
        "アクセスされ",
    ),
    *each(
        "{w}(?:は|の事実は|された事実は|された形跡は|の形跡は)(?:ない|ありません|ございません|なかった|なく)",
        "閲覧",
        "取得",
        "アクセス",
        "持ち出し",
    ),
    "閲覧していない",
    "取得していない",
    r"\bno (?:personal |customer |sensitive )?(?:data|information|details|records)\b[^.\n]{0,30}?\b(?:was|were|has been|have been) (?:accessed|taken|stolen|leaked|exfiltrated|compromised|viewed|exposed)\b",
    *each(
        r"\b{w}\b[^.\n]{0,30}?\b(?:was|were|has|have) not (?:been )?(?:accessed|taken|stolen|leaked|exfiltrated|compromised|viewed|exposed)\b",
        "data",
        "information",
        "details",
        "records",
    ),
    r"\bnothing was (?:taken|stolen|accessed|leaked|viewed)\b",
    r"\bno third part(?:y|ies) (?:viewed|accessed|took|obtained|saw)\b",
    r"\bno (?:data|information) (?:breach|leak)\b",
    r"\bthere (?:is|was|has been) no (?:leak|breach)\b",
)
_OVERSTATED = family(
    *each("{w}(?:いた)?しました", "流出", "漏えい", "漏洩"),
    *each("{w}(?:した|している|していた)ことを(?:確認|確定)", "流出", "漏えい", "漏洩"),
    *each(
        "{w}が(?:確認|判明|確定)(?:され(?:まし)?た|いたしました|しました)", "流出", "漏えい", "漏洩"
    ),
    *each(
        "{w}(?:ました|たことを確認|たことが判明|たことが確認)",
        "盗まれ",
        "窃取され",
        "持ち出され",
        "抜き取られ",
        "盗み出され",
    ),
    *each("{w}されたことを確認", "閲覧", "取得"),
    *[
        (v, rf"\b(?:was|were|has been|have been|had been) {v}\b")
        for v in ("stolen", "leaked", "exfiltrated")
    ],
    *each(
        r"\b{w}\b[^.\n]{0,40}?\b(?:was|were|has been|have been) (?:accessed|viewed|taken|copied|obtained)\b",
        "data",
        "information",
        "details",
        "records",
        "numbers",
        "passwords",
    ),
    r"\bconfirmed (?:that )?[^.\n]{0,60}?\b(?:leaked|stolen|exfiltrated)\b",
)
# A hedge or a device earlier in the same sentence means the match is not a claim about the data.
_HEDGE = re.compile(
    r"\b(?:whether|if|may|might|could|possibly|potentially|likely|suspect\w*)\b"
    r"|\b(?:device|laptop|computer|pc|phone|smartphone|tablet|bag|usb|vehicle|car|drive|media)\b"
    "|機器|端末|パソコン|pc|スマートフォン|携帯|鞄|かばん|カバン|usb|媒体|車"
)
_ATTACK_WORDS = family(
    "不正アクセス",
    "ランサムウェア",
    "サイバー攻撃",
    "スキミング",
    "改ざん",
    r"\bunauthori[sz]ed access\b",
    r"\bransomware\b",
    r"\bcyber[- ]?attack",
    r"\bhack",
)
_LATER_REPORT = family(
    ("報", r"第\s*(?:[2-9２-９]|[1-9１-９][0-9０-９]|[二三四五六七八九十])\s*報"),
    ("update", r"\bupdate\s*(?:[2-9]|1\d)\b"),
    *each(r"\b{w} (?:update|report)\b", "second", "third", "fourth", "fifth", "further", "final"),
)
_CONFIRMED_NEGATIVE = family(
    ("ことを確認", r"な(?:い|かった)ことを確認"),
    ("confirmed that", r"\bconfirmed that (?:no|none|nothing)\b"),
    ("confirmed", r"\bconfirmed that [^.\n]{0,60}?\b(?:was|were|has|have) not\b"),
)


def _is_attack(text: Text, answers: dict[str, Any] | None) -> bool:
    if answers is not None:
        mode = answers.get("leak_mode")
        return isinstance(mode, str) and mode in ATTACK_MODES
    return _ATTACK_WORDS.search(text.search)


def check_first_report(text: Text, answers: dict[str, Any] | None) -> Iterator[Finding]:
    if not _is_attack(text, answers) or _LATER_REPORT.search(text.search):
        return
    level = WARN if answers is not None else INFO  # without answers it may be a later report
    for claims in (_DENIED, _CONFIRMED_NEGATIVE):
        for match in claims.finditer(text.search):
            excerpt = text.excerpt(match.start(), match.end())
            yield finding("denial_in_first_report", level, excerpt)


def _is_hedged(text: str, start: int, end: int) -> bool:
    """True when the sentence up to the end of the match carries a hedge or names a device."""
    window = text[max(0, start - 120) : start]
    ends = [m.end() for m in SENTENCE_END.finditer(window)]
    sentence = (window[ends[-1] :] if ends else window) + text[start:end]
    return _HEDGE.search(sentence) is not None


def _certainty_level(answers: dict[str, Any] | None, applies: Callable[[str], bool]) -> str | None:
    """warn when the answers make the phrase wrong, info when there are no answers to go by."""
    if answers is None:
        return INFO
    return WARN if applies(certainty(answers)) else None


_CERTAINTY_RULES: list[tuple[str, Family, Callable[[str], bool], bool]] = [
    ("no_harm_claimed", _NO_HARM, lambda c: c == "confirmed", False),
    ("leak_denied", _DENIED, lambda c: c != "ruled_out", False),
    ("leak_overstated", _OVERSTATED, lambda c: c != "confirmed", True),
]


def check_certainty(text: Text, answers: dict[str, Any] | None) -> Iterator[Finding]:
    first_attack_report = _is_attack(text, answers) and not _LATER_REPORT.search(text.search)
    misuse = (answers or {}).get("secondary_damage")
    for code, pattern, applies, hedgeable in _CERTAINTY_RULES:
        level = _certainty_level(answers, applies)
        if code == "no_harm_claimed" and misuse is not None:
            # The room answered whether misuse has been seen: saying so is a fact, either way.
            level = WARN if misuse else None
        if code == "leak_denied" and first_attack_report:
            continue  # denial_in_first_report says it, whatever the answers
        if level is None:
            continue
        for match in pattern.finditer(text.search):
            if hedgeable and _is_hedged(text.search, match.start(), match.end()):
                continue
            yield finding(code, level, text.excerpt(match.start(), match.end()))
