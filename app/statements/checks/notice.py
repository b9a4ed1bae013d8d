"""What a published notice must get right (issue 19): the people and system named, a processor's
own promises, card leaks, leak sites, held statements, wording."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from app.statements.checks.findings import Finding, finding
from app.statements.checks.hints import PPC
from app.statements.checks.matching import Text, family, first_line, sentences
from app.statements.checks.parts import APOLOGIES_JA
from app.statements.reading import SUBJECTS, advice_for

# A contact point's own name (お客様専用ダイヤル, customer helpline) is not naming the people.
_CUSTOMERS = family(
    ("お客様", "お客様(?!相談|センター|窓口|専用|ダイヤル|サポート|サービス)"),
    ("customer", r"\bcustomers?\b(?! (?:helpline|service|support|centre|center|care|line|desk))"),
)
_OWN_SYSTEM = family(
    "当社のシステム",
    "当社システム",
    "弊社のシステム",
    "弊社システム",
    "当社のサーバ",
    "弊社のサーバ",
    ("our", r"(?<!contractor's )\bour (?:own )?(?:systems?|servers?|network)\b"),
)
_OWN_NOTICE = family(
    "個別にご連絡",
    "個別に連絡",
    "個別にご通知",
    "個別に通知",
    r"\bwe will (?:write to|contact|notify) (?:each|every|all|the) (?:person|people|individual)",
)
_ON_BEHALF = re.compile(r"委託元|ご依頼元|委託者|\bclients?\b|\bagreement\b")
_CARD_WORD = re.compile(r"クレジットカード|\bcard\b|\bpayment card")
_CARD_PERIOD = family("対象期間", ("～", r"\d日?\s*[～〜~]\s*"), r"\bperiod\b", r"\bbetween \d")
_CARD_FIELDS = {
    "ja": (("名義",), ("番号",), ("有効期限",), ("セキュリティコード",)),
    "en": (
        ("cardholder", "name on the card"),
        ("card number",),
        ("expiry", "expiration"),
        ("security code", "cvv", "cvc"),
    ),
}
_CARD_MONITORING = family("モニタリング", "監視", r"\bmonitor")
_CARD_REISSUE = family(
    "再発行", "差し替え", "差替", r"\breplacement card", r"\breissu", r"\breplace"
)
_POLICE = family("警察", "捜査機関", r"\bpolice\b")
_POLICE_VAGUE = family(
    ("警察", r"必要に応じ[てた][^。\n]{0,10}警察"),
    r"\bpolice (?:as needed|where appropriate|if necessary)\b",
    (
        "the police",
        r"\b(?:involve|contact) the police (?:as needed|where appropriate|if necessary)\b",
    ),
)
_SPREAD_REQUEST = family(
    "拡散", "ダウンロード", "転載", r"\bdownload", r"\bshare it\b", r"\bspread"
)
_HOLD_MARK = family("捜査機関と調整", r"\bagreed with the investigat", r"\bagreed with the police")
_SECRET_DETAIL = family(
    "技術情報",
    "営業情報",
    "製造ノウハウ",
    "設計図",
    "設計情報",
    "顧客リスト",
    "営業秘密",
    r"\btrade secrets?\b",
    r"\btechnical and business information\b",
    r"\bdesign documents?\b",
)
_COUNT_WORDING = family(
    "最大約",
    (",", r"\d{1,3}(?:,\d{3}){2,}\s*(?:名|人|件)"),
    # 「約12,000万名」: ten thousand 万 or more is written with 億 (約1億2,000万名).
    ("万", r"(?<![\d,])(?:\d{5,}|\d{2,3}(?:,\d{3})+|\d(?:,\d{3}){2,})\s*万"),
    r"\bup to about\b",
)
_APOLOGY = family(
    *APOLOGIES_JA,
    r"\bapologi[sz]e",
    r"\bwe are (?:very |deeply |truly )?sorry\b",
)
_OVERBLOWN = family(
    "多大なる",
    "多大な",
    "専用窓口",
    "専用のお問い合わせ窓口",
    "専用お問い合わせ窓口",
    r"\bgreat inconvenience\b",
    r"\bdedicated helpline\b",
)


def _is_card(answers: dict[str, Any] | None) -> bool:
    if answers is None:
        return False
    categories = answers.get("data_categories")
    financial = isinstance(categories, list) and "financial" in categories
    return financial or answers.get("leak_mode") == "skimming"


def check_names(text: Text, answers: dict[str, Any] | None) -> Iterator[Finding]:
    if answers is None:
        return
    raw = answers.get("data_subjects")
    subjects = (
        [s for s in raw if isinstance(s, str) and s in SUBJECTS] if isinstance(raw, list) else []
    )
    if subjects and "customers" not in subjects:
        for match in _CUSTOMERS.finditer(text.search):
            yield finding("people_misnamed", excerpt=text.excerpt(match.start(), match.end()))
    if answers.get("leak_mode") == "vendor_incident":
        for match in _OWN_SYSTEM.finditer(text.search):
            yield finding("system_misnamed", excerpt=text.excerpt(match.start(), match.end()))


def check_processor(
    text: Text, answers: dict[str, Any] | None, kind: str | None
) -> Iterator[Finding]:
    processor = kind == "via_principals" or (answers or {}).get("role") == "processor"
    if not processor:
        return
    for start, sentence in sentences(text.search):
        own = PPC.search(sentence) or _OWN_NOTICE.search(sentence)
        if own and not _ON_BEHALF.search(sentence):
            yield finding(
                "processor_own_report", excerpt=text.excerpt(start, start + len(sentence))
            )


def check_card(text: Text, lang: str, answers: dict[str, Any] | None) -> Iterator[Finding]:
    if not _is_card(answers):
        return
    title, _ = first_line(text.search)
    if not _CARD_WORD.search(title):
        yield finding("card_title", excerpt=first_line(text.shown)[0][:80] or None)
    if not _CARD_PERIOD.search(text.search):
        yield finding("card_period")
    if not all(any(word in text.search for word in words) for words in _CARD_FIELDS[lang]):
        yield finding("card_fields")
    # A replacement card is offered where the cards may be misused, not where access is ruled
    # out or the numbers were strongly encrypted (the draft's advice is then a precaution).
    reissue = "card" not in advice_for(answers) or _CARD_REISSUE.search(text.search)
    if not (_CARD_MONITORING.search(text.search) and reissue):
        yield finding("card_companies")
    if (answers or {}).get("leak_mode") == "insider_theft":
        return  # the police stay unnamed while an insider case is investigated
    vague = next(iter(_POLICE_VAGUE.finditer(text.search)), None)
    if vague is not None or not _POLICE.search(text.search):
        excerpt = text.excerpt(vague.start(), vague.end()) if vague else None
        yield finding("card_police", excerpt=excerpt)


def check_disclosure(
    text: Text, answers: dict[str, Any] | None, kind: str | None
) -> Iterator[Finding]:
    if (answers or {}).get("published") is True and not _SPREAD_REQUEST.search(text.search):
        yield finding("leak_site_request")
    if kind == "hold_for_investigators":
        if not _HOLD_MARK.search(text.search):
            yield finding("hold_unmarked")
        for match in _SECRET_DETAIL.finditer(text.search):
            yield finding("hold_detail", excerpt=text.excerpt(match.start(), match.end()))
    if kind == "individual_notice":
        for match in _OVERBLOWN.finditer(text.search):
            yield finding("tone_overblown", excerpt=text.excerpt(match.start(), match.end()))


# What people typed is quoted as typed (原因は「…」とみられます): words inside are theirs, not
# the company's (a cause recorded as 「お詫びの誤送信」 is no second apology).
_QUOTED = re.compile(r"「[^「」]*」")


def _blanked(quoted: re.Match[str]) -> str:
    """The quote with its words blanked out, the same length (excerpts keep their offsets)."""
    return "「" + "・" * (len(quoted.group()) - 2) + "」"


def check_wording(text: Text) -> Iterator[Finding]:
    for match in _COUNT_WORDING.finditer(text.search):
        yield finding("count_wording", excerpt=text.quote(match))
    _, body = first_line(text.search)
    apologies = _APOLOGY.finditer(_QUOTED.sub(_blanked, body))
    if len(apologies) > 1:
        offset = len(text.search) - len(body)
        second = apologies[1]
        yield finding(
            "apology_repeated", excerpt=text.excerpt(offset + second.start(), offset + second.end())
        )
