"""Hold a piece of the pack to the approved notice: nothing the notice does not say.

A piece (social post, letter, Q&A) may say less than the notice, never more or otherwise:

* ``pack_count_mismatch`` — a count of people or records the notice does not give (約2,400名 vs
  約2,500名; 約1万2,000名 and 12,000 are the same count, as are 約1億2,000万名 and 120,000,000);
* ``pack_date_mismatch`` — a date the notice does not give (the piece's own date, ``now``, is
  allowed: a letter is dated the day it is written);
* ``pack_item_not_in_notice`` — an item of personal data (card number, password, date of birth,
  …) the notice never names;
* ``pack_certainty_upgraded`` — the leak stated as fact (漏えいしたことを確認, "was taken") where
  the notice says only that it may have happened (漏えいしたおそれ, "may have been");
* ``pack_claim_not_in_notice`` — a statement of fact the notice does not make: misuse seen or not
  seen, the police consulted, the PPC reported to.

Each finding is the checker's ``Finding`` (warn), in both languages, with the piece's words as
its excerpt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from app.statements.checker import Finding

__all__ = ["MESSAGES_EN", "MESSAGES_JA", "check_consistency", "pack_finding"]

MESSAGES_JA: dict[str, str] = {
    "pack_count_mismatch": "承認済みのお知らせ文にない人数・件数が書かれています。お知らせ文と同じ数字にしてください。",
    "pack_date_mismatch": "承認済みのお知らせ文にない日付が書かれています。お知らせ文と同じ日付にしてください。",
    "pack_item_not_in_notice": "承認済みのお知らせ文にない情報の項目が書かれています。お知らせ文で公表した項目だけにしてください。",
    "pack_certainty_upgraded": "お知らせ文では「漏えいのおそれ」としているのに、漏えいを事実として断定しています。お知らせ文と同じ言い方にしてください。",
    "pack_claim_not_in_notice": "承認済みのお知らせ文にない事実（二次被害、警察、個人情報保護委員会など）を述べています。",
    "social_too_long": "SNS投稿がXの文字数の上限（全角140字、半角280字。URLは23字）を超えています。",
    "social_no_link": "SNS投稿にお知らせ文のURLがありません。",
    "letter_missing_item": "本人への通知に必要な項目（概要、対象となる情報、原因、二次被害の有無、お問い合わせ窓口）が欠けています。",
    "qa_not_internal": "想定問答に「社外秘」の表示がありません。",
    "qa_count": "想定問答は10〜15問にしてください。",
}
MESSAGES_EN: dict[str, str] = {
    "pack_count_mismatch": "A count of people or records that the approved notice does not give; use the notice's figure.",
    "pack_date_mismatch": "A date that the approved notice does not give; use the notice's dates.",
    "pack_item_not_in_notice": "An item of personal data that the approved notice does not name; list only what the notice lists.",
    "pack_certainty_upgraded": "States the leak as fact where the notice says it may have happened; use the notice's wording.",
    "pack_claim_not_in_notice": "States a fact the approved notice does not (misuse, the police, the PPC).",
    "social_too_long": "The social post is over X's limit (280, Japanese characters counting 2, a URL 23).",
    "social_no_link": "The social post does not link to the notice.",
    "letter_missing_item": "The letter lacks an item a notice to individuals needs (what happened, the information, the cause, misuse, the contact point).",
    "qa_not_internal": "The Q&A is not marked internal.",
    "qa_count": "The Q&A should have 10 to 15 questions.",
}

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_JA_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_EN_DATE = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(_MONTHS)})(?: (\d{{4}}))?\b", re.IGNORECASE)
# 「12名」「約1万2,000名」「約1億2,000万名」「約1億名」「12,000件」: one number in 億, 万 and units.
_JA_COUNT = re.compile(
    r"(?<![\d,])(?=\d)(?:(\d[\d,]*)億)?(?:(\d[\d,]*)万)?(\d[\d,]*)?\s*(?:名|件|人)"
)
_JA_UNITS = (100_000_000, 10_000, 1)
_EN_COUNT = re.compile(
    r"\b(\d[\d,]*(?:\.\d+)?)(?: (million|billion))?"
    r" (?:people|persons|customers|members|users|records|cards)\b",
    re.IGNORECASE,
)
_EN_SCALES = {"million": 1_000_000, "billion": 1_000_000_000}
# Items of personal data, by a name each language uses for them.
_ITEMS: dict[str, dict[str, str]] = {
    "ja": {
        "card_number": r"カード番号",
        "expiry": r"有効期限",
        "security_code": r"セキュリティコード",
        "cardholder": r"名義",
        "password": r"パスワード",
        "birth": r"生年月日",
        "bank": r"口座",
        "my_number": r"マイナンバー|個人番号",
        "health": r"病歴|診療|健康診断|健診",
        "address": r"住所",
        "phone": r"電話番号",
        "email": r"メールアドレス",
        "history": r"購入履歴|ご利用履歴|利用履歴",
    },
    "en": {
        "card_number": r"card numbers?",
        "expiry": r"expiry|expiration",
        "security_code": r"security codes?|cvv|cvc",
        "cardholder": r"cardholder",
        "password": r"passwords?",
        "birth": r"dates? of birth|birth dates?",
        "bank": r"bank accounts?|account numbers?",
        "my_number": r"my number",
        "health": r"medical|health",
        "address": r"(?<!e-mail )(?<!email )\baddress(?:es)?\b",
        "phone": r"phone numbers?",
        "email": r"e-?mail addresses",
        "history": r"usage history|purchase history",
    },
}
_CONFIRMED = {
    "ja": re.compile(
        r"(?:漏えい|流出)(?:いた)?しました|(?:漏えい|流出)(?:した|している)ことを(?:確認|確定)"
        r"|(?:漏えい|流出)が(?:確認|判明|確定)|(?:窃取|持ち出|盗ま)(?:され|れ)たことを確認|盗まれました"
    ),
    "en": re.compile(
        r"\b(?:was|were|has been|have been) (?:taken|stolen|leaked|exfiltrated)\b|\bconfirmed that\b",
        re.IGNORECASE,
    ),
}
_CLAIMS: dict[str, dict[str, re.Pattern[str]]] = {
    "ja": {
        "misuse_seen": re.compile(r"不正利用が確認|被害が確認され(?:て|ま)"),
        "misuse_none": re.compile(r"(?:二次被害|不正利用|被害)[^。]{0,20}確認されておりません"),
        "police": re.compile(r"警察(?:に|へ|と)(?:も)?(?:相談|届|通報|連携|協力)"),
        "ppc": re.compile(r"個人情報保護委員会への報告"),
    },
    "en": {
        "misuse_seen": re.compile(r"\bhave seen fraudulent use\b|\bmisuse has been seen\b", re.I),
        "misuse_none": re.compile(r"\bseen no (?:fraudulent use|misuse)\b", re.I),
        "police": re.compile(r"\b(?:to|with|involve) the police\b", re.I),
        "ppc": re.compile(r"Protection Commission|\bPPC\b"),
    },
}


def pack_finding(code: str, excerpt: str | None = None) -> Finding:
    return Finding(code, "warn", MESSAGES_JA[code], MESSAGES_EN[code], excerpt)


def _counts(text: str, lang: str) -> Iterator[tuple[int, str]]:
    if lang == "ja":
        for match in _JA_COUNT.finditer(text):
            parts = (int(p.replace(",", "") or 0) if p else 0 for p in match.groups())
            yield sum(part * unit for part, unit in zip(parts, _JA_UNITS, strict=True)), match[0]
    for match in _EN_COUNT.finditer(text):
        number = float(match.group(1).replace(",", ""))
        scale = _EN_SCALES[match.group(2).lower()] if match.group(2) else 1
        yield int(round(number * scale)), match.group(0)


def _dates(text: str) -> Iterator[tuple[tuple[int | None, int, int], str]]:
    for match in _JA_DATE.finditer(text):
        year, month, day = match.groups()
        yield (int(year) if year else None, int(month), int(day)), match.group(0)
    for match in _EN_DATE.finditer(text):
        day, month, year = match.groups()
        yield (
            (int(year) if year else None, _MONTHS.index(month.lower()) + 1, int(day)),
            match.group(0),
        )


def _known_dates(
    text: str, today: date | None
) -> tuple[set[tuple[int, int, int]], set[tuple[int, int]]]:
    full: set[tuple[int, int, int]] = set()
    partial: set[tuple[int, int]] = set()
    for (year, month, day), _ in _dates(text):
        partial.add((month, day))
        if year is not None:
            full.add((year, month, day))
    if today is not None:
        full.add((today.year, today.month, today.day))
        partial.add((today.month, today.day))
    return full, partial


def check_consistency(
    piece: str, notice: str, lang: str, *, today: date | None = None
) -> list[Finding]:
    """What ``piece`` says that the approved ``notice`` (same language) does not."""
    lang = "ja" if lang == "ja" else "en"
    findings: list[Finding] = []
    notice_counts = {n for n, _ in _counts(notice, lang)}
    findings += [
        pack_finding("pack_count_mismatch", said)
        for n, said in _counts(piece, lang)
        if n not in notice_counts
    ]
    full, partial = _known_dates(notice, today)
    for (year, month, day), said in _dates(piece):
        known = (year, month, day) in full if year is not None else (month, day) in partial
        if not known:
            findings.append(pack_finding("pack_date_mismatch", said))
    for pattern in _ITEMS[lang].values():
        match = re.search(pattern, piece, re.IGNORECASE)
        if match and not re.search(pattern, notice, re.IGNORECASE):
            findings.append(pack_finding("pack_item_not_in_notice", match.group(0)))
    stated = _CONFIRMED[lang].search(piece)
    if stated and not _CONFIRMED[lang].search(notice):
        findings.append(pack_finding("pack_certainty_upgraded", stated.group(0)))
    for pattern in _CLAIMS[lang].values():
        match = pattern.search(piece)
        if match and not pattern.search(notice):
            findings.append(pack_finding("pack_claim_not_in_notice", match.group(0)))
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for finding in findings:
        if (finding.code, finding.excerpt) not in seen:
            seen.add((finding.code, finding.excerpt))
            kept.append(finding)
    return kept
