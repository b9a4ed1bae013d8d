"""The parts a statement must have, per language: title, apology, what happened, data, actions,
advice, contact, next update; and unfilled placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.statements.checks.findings import Finding, finding
from app.statements.checks.matching import MONTHS, Family, Text, each, family, first_line

# The words of an apology in Japanese (the English ones differ between a part and a repeat).
APOLOGIES_JA = (
    "お詫び申し上げ",
    "お詫びいたし",
    "おわび申し上げ",
    "謝罪いたし",
    "申し訳ございません",
    "申し訳ありません",
)

# --- required parts: (code, families that must all match) per language -------------------------

_PARTS: dict[str, list[tuple[str, tuple[Family, ...]]]] = {
    "ja": [
        (
            "missing_apology",
            (family(*APOLOGIES_JA),),
        ),
        (
            "missing_what_happened",
            (
                family(
                    ("月", r"\d{1,2}月\d{1,2}日"),
                    ("/", r"\d{4}/\d{1,2}/\d{1,2}"),
                    ("-", r"\d{4}-\d{1,2}-\d{1,2}"),
                ),
                family("判明", "発覚", "発生", "確認いたしました", "確認しました", "認識", "把握"),
            ),
        ),
        (
            "missing_data",
            (
                family(
                    "対象となる情報",
                    "対象となる方",
                    "対象となるお客様",
                    "対象となる個人情報",
                    "氏名",
                    "住所",
                    "電話番号",
                    "メールアドレス",
                    "生年月日",
                    "クレジットカード",
                    "カード情報",
                    "口座",
                    "パスワード",
                    "ログインid",
                    "マイナンバー",
                    "個人番号",
                    "要配慮",
                    "病歴",
                    "連絡先",
                    "利用履歴",
                    "技術情報",
                    "営業情報",
                    "顧客情報",
                    "会員情報",
                ),
                family(
                    # 「12名」「約1万2,000名」「約5万名」「約200万人」
                    ("名", r"\d[\d,]*\s*[万億]?\s*名"),
                    ("件", r"\d[\d,]*\s*[万億]?\s*件"),
                    ("人", r"\d[\d,]*\s*[万億]?\s*人"),
                    "調査中",
                    "人数",
                ),
            ),
        ),
        (
            "missing_actions",
            (
                family(
                    "措置",
                    "対策",
                    "調査を進め",
                    "調査して",
                    "報告(?:を|して|いた|する)",
                    "遮断",
                    "停止",
                    "専門(?:機関|家|会社)",
                    "再発防止",
                    "対応(?:を進め|して|いたし)",
                ),
            ),
        ),
        (
            "missing_advice",
            (
                family(
                    "ご注意ください",
                    "ご注意を",
                    "ご確認ください",
                    "ご確認を",
                    "変更してください",
                    "変更をお願い",
                    "お問い合わせください",
                    "ご相談ください",
                    "お控えください",
                    "ご対応いただく必要",
                ),
            ),
        ),
        (
            "missing_contact",
            (
                family(
                    "お問い合わせ先",
                    "お問い合わせ窓口",
                    "問合せ先",
                    "窓口",
                    "コールセンター",
                    "フリーダイヤル",
                    "ダイヤル",
                    "受付時間",
                    ("tel", r"tel\s*[:.]?\s*\d"),
                    ("電話", r"電話\s*[:]?\s*\d"),
                    ("-", r"\d{2,4}-\d{2,4}-\d{3,4}"),
                    ("@", r"[\w.+-]+@[\w-]+\.[\w.]+"),
                    "http",
                ),
            ),
        ),
        (
            "missing_next_update",
            (
                family(
                    "次回",
                    "続報",
                    "判明し次第",
                    "改めてお知らせ",
                    "改めてご報告",
                    "追ってお知らせ",
                    "追ってご報告",
                    "随時お知らせ",
                    "随時ご報告",
                    "改めてご連絡",
                ),
            ),
        ),
    ],
    "en": [
        (
            "missing_apology",
            (family(r"\bapologi[sz]", r"\bapology", r"\bsorry\b", r"\bregret\b"),),
        ),
        (
            "missing_what_happened",
            (
                family(
                    *[rf"\b{m}\b" for m in MONTHS.split("|")],
                    ("-", r"\d{4}-\d{2}-\d{2}"),
                ),
                family(
                    *each(
                        r"\b{w}\b",
                        "found",
                        "discovered",
                        "learned",
                        "learnt",
                        "identified",
                        "became aware",
                        "detected",
                        "occurred",
                        "noticed",
                    )
                ),
            ),
        ),
        (
            "missing_data",
            (
                family(
                    *each(
                        r"\b{w}",
                        "name",
                        "address",
                        "e-mail",
                        "email",
                        "phone number",
                        "date of birth",
                        "dates of birth",
                        "card",
                        "bank",
                        "password",
                        "login",
                        "credential",
                        "my number",
                        "health",
                        "medical",
                        "contact details",
                        "usage history",
                        "customer data",
                        "customer information",
                        "customer records",
                        "business information",
                        "information involved",
                        "information is involved",
                        "data involved",
                        "data is involved",
                    )
                ),
                family(
                    *[
                        # "12 people", "about 1.2 million customers"
                        (w, rf"\d[\d,.]*(?: million| billion)? {w}")
                        for w in (
                            "people",
                            "persons",
                            "person",
                            "customers",
                            "individuals",
                            "records",
                            "accounts",
                            "users",
                            "members",
                        )
                    ],
                    r"\bunder investigation\b",
                    r"\bbeing investigated\b",
                    r"\bnumber of\b",
                    # a letter to the person: whose data is the reader's
                    r"\byour personal information\b",
                ),
            ),
        ),
        (
            "missing_actions",
            (
                family(
                    *each(
                        r"\b{w}",
                        "investigat",
                        "contained",
                        "containing the",
                        "containment",
                        "isolat",
                        "measures",
                        "steps",
                        "reported",
                        "reporting",
                        "notif",
                        "engaged",
                        "remediat",
                        "blocked",
                        "blocking",
                    )
                ),
            ),
        ),
        (
            "missing_advice",
            (
                family(
                    r"\bplease (?:check|change|be (?:wary|alert|careful|vigilant|cautious|aware)|monitor|watch|reset|review)\b",
                    r"\bwe (?:recommend|advise|encourage|suggest|urge)\b",
                    r"\bplease do not (?:visit|download|share|open|click|reply)\b",
                    r"\bnothing you need to do\b",
                    r"\bno action\b",
                    r"\bneed to take any action\b",
                ),
            ),
        ),
        (
            "missing_contact",
            (
                family(
                    r"\bcontact (?:point|us|centre|center|line|desk|form)\b",
                    r"\bhelpline\b",
                    r"\bhotline\b",
                    r"\bcall (?:us|our)\b",
                    r"\bcall cent(?:re|er)\b",
                    r"\benquir",
                    r"\binquir",
                    ("phone", r"\bphone\s*:"),
                    ("tel", r"\btel\b"),
                    ("@", r"[\w.+-]+@[\w-]+\.[\w.]+"),
                    "http",
                    ("-", r"\+?\d[\d -]{7,}\d"),
                ),
            ),
        ),
        (
            "missing_next_update",
            (
                family(
                    r"\bnext update\b",
                    r"\bfurther update",
                    r"\bupdate (?:this|you|our)\b",
                    (
                        "will ",
                        r"\bwill (?:share|provide|publish|post|give) (?:further|more|an update)",
                    ),
                    r"\bas soon as (?:we|further|more|they)\b",
                    r"\bkeep you (?:informed|updated)\b",
                    r"\bcontact you again\b",
                ),
            ),
        ),
    ],
}

_TITLE_WORDS = {
    "ja": re.compile("お詫び|お知らせ|について|に関する|報告|ご案内|推奨"),
    "en": re.compile(
        r"\b(?:notice|apolog\w*|update|statement|regarding|about|incident|breach|leak|attack"
        r"|access|information|data|device|error|recipients|recommended)\b"
    ),
}
_TITLE_MAX = 160

_PLACEHOLDER = family(
    r"【要記入[^】\n]{0,80}】?",
    ("[to fill in", r"\[to fill in[^\]\n]{0,80}\]?"),
    "○○",
    "〇〇",
    "●●",
    r"\btbd\b",
    r"\btodo\b",
    r"\bxxx+\b",
)


def unfilled_placeholders(text: str) -> list[str]:
    """The placeholders still in ``text`` (【要記入…】, [TO FILL IN…], ○○, TBD), as written."""
    written = Text.of(text if isinstance(text, str) else str(text))
    return [written.quote(match) for match in _PLACEHOLDER.finditer(written.search)]


def check_title(text: Text, lang: str) -> Iterator[Finding]:
    title, rest = first_line(text.search)
    looks_like_title = (
        bool(title)
        and bool(rest)
        and len(title) <= _TITLE_MAX
        and not title.endswith(("。", "."))
        and _TITLE_WORDS[lang].search(title) is not None
    )
    if not looks_like_title:
        yield finding("missing_title", excerpt=first_line(text.shown)[0][:80] or None)


def check_parts(text: Text, lang: str) -> Iterator[Finding]:
    _, body = first_line(text.search)
    for code, families in _PARTS[lang]:
        if not all(family.search(body) for family in families):
            yield finding(code)
    for match in _PLACEHOLDER.finditer(text.search):
        yield finding("placeholder_unfilled", excerpt=text.quote(match))
