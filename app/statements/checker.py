"""Check a holding statement for missing parts and for phrases crisis-PR practice avoids.

The checker warns and never blocks. It runs on every draft and on every edit a PR lead makes, so
it is precompiled regular expressions, each family run only when a literal it needs is in the
text (about a millisecond for a long statement), and it accepts any string. Finding codes:

* missing parts (warn): ``missing_title``, ``missing_apology``, ``missing_what_happened``,
  ``missing_data``, ``missing_actions``, ``missing_advice``, ``missing_contact``,
  ``missing_next_update``, and ``placeholder_unfilled`` for 【要記入…】, [TO FILL IN…], ○○, TBD;
* phrases to avoid, in either language (warn): ``attacker_speculation``, ``blame_vendor``,
  ``blame_employee``, ``blame_victims``, ``minimising``;
* certainty against the answers: ``leak_denied`` (nothing was taken, unless access was ruled
  out), ``leak_overstated`` (a leak stated as fact when access is not confirmed),
  ``no_harm_claimed`` (no damage seen, when access is confirmed or misuse is seen). Without
  answers these are ``info``: the PR lead should verify them;
* hints from the answers and verdict (info): ``advice_card``, ``advice_password``,
  ``advice_phishing``, ``ppc_not_mentioned``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from app.statements.draft import advice_for, certainty

__all__ = ["MESSAGES_EN", "MESSAGES_JA", "Finding", "check_statement"]

WARN, INFO = "warn", "info"
_MAX_PER_CODE = 3
_EXCERPT_MARGIN = 20


@dataclass(frozen=True)
class Finding:
    """One thing a PR lead should look at; ``excerpt`` is the text that triggered it."""

    code: str
    level: str
    message_ja: str
    message_en: str
    excerpt: str | None = None

    def message(self, lang: str) -> str:
        return self.message_ja if lang == "ja" else self.message_en


MESSAGES_JA: dict[str, str] = {
    "missing_title": "タイトルがありません（例：「…に関するお詫びとお知らせ（第1報）」）。",
    "missing_apology": "本文にお詫びの言葉がありません。",
    "missing_what_happened": "何が起きたか（いつ、どのように判明したか）が書かれていません。",
    "missing_data": "対象となる情報の項目と、対象となる方（人数。未確定なら「調査中」）が書かれていません。",
    "missing_actions": "当社の対応（被害拡大の防止、調査、当局への報告など）が書かれていません。",
    "missing_advice": "対象となる方にお願いしたいこと（明細の確認、パスワード変更、不審な連絡への注意など）が書かれていません。",
    "missing_contact": "専用のお問い合わせ窓口が書かれていません。",
    "placeholder_unfilled": "未記入の箇所があります。公表前に記入してください。",
    "missing_next_update": "次回のお知らせの時期が書かれていません。",
    "attacker_speculation": "攻撃者についての推測は避けてください（国家の関与、特定の国や集団、「高度な攻撃」など）。",
    "blame_vendor": "委託先・取引先に責任を帰する表現は避けてください。事実だけを中立に書きます。",
    "blame_employee": "従業員個人に責任を帰する表現は避けてください。会社として責任を負う書き方にします。",
    "blame_victims": "被害に遭われた方に責任を帰する表現は避けてください。",
    "minimising": "被害を小さく見せる決まり文句は避けてください（「軽微」「万全を期しておりました」など）。",
    "no_harm_claimed": "閲覧・持ち出しが確認されている、または悪用が見られるのに「被害は確認されておりません」と書いています。",
    "leak_denied": "「漏えいしていない」「閲覧されていない」と断定しています。ログ等で閲覧がないと確認できた場合に限ってください。",
    "leak_overstated": "漏えいを事実として断定しています。確認できていない段階では「漏えいのおそれ」と書いてください。",
    "advice_card": "決済情報が対象です。カード明細の確認とカード発行会社への連絡をお願いする一文を入れてください。",
    "advice_password": "認証情報が対象です。パスワード変更（他サービスでの同じパスワードも）をお願いする一文を入れてください。",
    "advice_phishing": "個人情報が対象です。当社を装った不審な連絡への注意を呼びかける一文を入れてください。",
    "ppc_not_mentioned": "個人情報保護委員会への報告が必要と判定されていますが、本文で触れていません。",
}

MESSAGES_EN: dict[str, str] = {
    "missing_title": 'No title (e.g. "Notice and apology regarding … (update 1)").',
    "missing_apology": "The body does not apologise.",
    "missing_what_happened": "It does not say what happened (when and how it was found).",
    "missing_data": 'It does not say what information and whose (how many people, or "under investigation").',
    "missing_actions": "It does not say what the company is doing (containment, investigation, reports).",
    "missing_advice": "It does not tell affected people what to do (check statements, change passwords, beware of phishing).",
    "missing_contact": "No dedicated contact point.",
    "placeholder_unfilled": "An unfilled placeholder remains; fill it in before publishing.",
    "missing_next_update": "It does not say when the next update will come.",
    "attacker_speculation": "Avoid speculating about the attacker (state involvement, a country or group, 'sophisticated attack').",
    "blame_vendor": "Avoid blaming a vendor or contractor; state the facts neutrally.",
    "blame_employee": "Avoid blaming an employee; the company owns the incident.",
    "blame_victims": "Avoid blaming the people affected.",
    "minimising": "Avoid minimising clichés ('we take security seriously', 'only a small number', 'minor').",
    "no_harm_claimed": "Says no harm or misuse has been seen although access is confirmed or misuse has been seen.",
    "leak_denied": "States that nothing was accessed or taken; say so only when logs rule access out.",
    "leak_overstated": "States the leak as fact; while access is not confirmed, say the information 'may have been accessed'.",
    "advice_card": "Payment data is involved: ask people to check their card statements and contact their card issuer.",
    "advice_password": "Credentials are involved: ask people to change their password, and any reused elsewhere.",
    "advice_phishing": "Personal data is involved: warn people about messages pretending to be from the company.",
    "ppc_not_mentioned": "The verdict calls for a report to the PPC, but the statement does not mention it.",
}


def _finding(code: str, level: str = WARN, excerpt: str | None = None) -> Finding:
    return Finding(code, level, MESSAGES_JA[code], MESSAGES_EN[code], excerpt)


# --- matching ----------------------------------------------------------------------------------
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
class _Family:
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


def _family(*alternatives: Alternative) -> _Family:
    return _Family(tuple(_alternative(a) for a in alternatives))


def _each(template: str, *words: str) -> list[str]:
    """One alternative per word: ``template`` with ``{w}`` replaced."""
    return [template.replace("{w}", word) for word in words]


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_PARTIES = ("vendor", "contractor", "supplier", "provider", "partner", "third-party", "third party")

# --- required parts: (code, families that must all match) per language -------------------------

_PARTS: dict[str, list[tuple[str, tuple[_Family, ...]]]] = {
    "ja": [
        (
            "missing_apology",
            (
                _family(
                    "お詫び申し上げ",
                    "お詫びいたし",
                    "おわび申し上げ",
                    "謝罪いたし",
                    "申し訳ございません",
                    "申し訳ありません",
                ),
            ),
        ),
        (
            "missing_what_happened",
            (
                _family(
                    ("月", r"\d{1,2}月\d{1,2}日"),
                    ("/", r"\d{4}/\d{1,2}/\d{1,2}"),
                    ("-", r"\d{4}-\d{1,2}-\d{1,2}"),
                ),
                _family("判明", "発覚", "発生", "確認いたしました", "確認しました", "認識", "把握"),
            ),
        ),
        (
            "missing_data",
            (
                _family(
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
                _family(
                    ("名", r"\d[\d,]*\s*名"),
                    ("件", r"\d[\d,]*\s*件"),
                    ("人", r"\d[\d,]*\s*人"),
                    "調査中",
                    "人数",
                ),
            ),
        ),
        (
            "missing_actions",
            (
                _family(
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
                _family(
                    "ご注意ください",
                    "ご注意を",
                    "ご確認ください",
                    "ご確認を",
                    "変更してください",
                    "変更をお願い",
                    "お問い合わせください",
                    "ご相談ください",
                    "ご対応いただく必要",
                ),
            ),
        ),
        (
            "missing_contact",
            (
                _family(
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
                _family(
                    "次回",
                    "続報",
                    "判明し次第",
                    "改めてお知らせ",
                    "改めてご報告",
                    "追ってお知らせ",
                    "追ってご報告",
                    "随時お知らせ",
                    "随時ご報告",
                ),
            ),
        ),
    ],
    "en": [
        (
            "missing_apology",
            (_family(r"\bapologi[sz]", r"\bapology", r"\bsorry\b", r"\bregret\b"),),
        ),
        (
            "missing_what_happened",
            (
                _family(
                    *[rf"\b{m}\b" for m in _MONTHS.split("|")],
                    ("-", r"\d{4}-\d{2}-\d{2}"),
                ),
                _family(
                    *_each(
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
                _family(
                    *_each(
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
                _family(
                    *[
                        (w, rf"\d[\d,]* {w}")
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
                ),
            ),
        ),
        (
            "missing_actions",
            (
                _family(
                    *_each(
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
                _family(
                    r"\bplease (?:check|change|be (?:wary|alert|careful|vigilant|cautious|aware)|monitor|watch|reset|review)\b",
                    r"\bwe (?:recommend|advise|encourage|suggest|urge)\b",
                    r"\bnothing you need to do\b",
                    r"\bno action\b",
                    r"\bneed to take any action\b",
                ),
            ),
        ),
        (
            "missing_contact",
            (
                _family(
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
                _family(
                    r"\bnext update\b",
                    r"\bfurther update",
                    r"\bupdate (?:this|you|our)\b",
                    (
                        "will ",
                        r"\bwill (?:share|provide|publish|post|give) (?:further|more|an update)",
                    ),
                    r"\bas soon as (?:we|further|more|they)\b",
                    r"\bkeep you (?:informed|updated)\b",
                ),
            ),
        ),
    ],
}

_TITLE_WORDS = {
    "ja": re.compile("お詫び|お知らせ|について|に関する|報告|ご案内"),
    "en": re.compile(
        r"\b(?:notice|apolog\w*|update|statement|regarding|about|incident|breach|leak)\b"
    ),
}
_TITLE_MAX = 160

_PLACEHOLDER = _family(
    r"【要記入[^】\n]{0,80}】?",
    ("[to fill in", r"\[to fill in[^\]\n]{0,80}\]?"),
    "○○",
    "〇〇",
    "●●",
    r"\btbd\b",
    r"\btodo\b",
    r"\bxxx+\b",
)

# --- phrases to avoid, both languages ----------------------------------------------------------

_PHRASES: list[tuple[str, _Family]] = [
    (
        "attacker_speculation",
        _family(
            "国家(?:的な|の関与|による|ぐるみ|の支援|支援|が関与|レベル)",
            "北朝鮮",
            *_each(
                "{w}(?:系|の)?(?:ハッカー|攻撃者|犯行|グループ|組織|集団)",
                "中国",
                "ロシア",
                "イラン",
            ),
            "ハッカー集団",
            "犯行グループ",
            "犯罪組織",
            "高度(?:な|かつ巧妙な)(?:サイバー)?(?:攻撃|手口)",
            "巧妙な(?:手口|攻撃)",
            ("apt", r"(?<![a-z])apt ?\d*(?![a-z])"),
            "lazarus",
            "ラザルス",
            r"\bstate[- ](?:sponsored|backed|actors?)\b",
            r"\bnation[- ]state\b",
            r"\bnorth korea",
            *_each(
                r"\b{w} (?:hackers?|attackers?|actors?|groups?|gangs?|criminals?)\b",
                "chinese",
                "russian",
                "iranian",
                "foreign",
            ),
            r"\bsophisticated (?:cyber[- ]?)?(?:attack|attackers?|criminals?|actors?|threat|hackers?|operation)",
            r"\badvanced persistent threat\b",
            *_each(r"\b{w} (?:gang|group|syndicate)s?\b", "criminal", "hacker", "hacking"),
            r"\borgani[sz]ed crim",
        ),
    ),
    (
        "blame_vendor",
        _family(
            *_each(
                "{w}(?:(?:の|による|側の)(?:不手際|過失|ミス|責任|不備|落ち度|管理不足|不注意|不適切な)|が原因|に起因|に責任)",
                "委託先",
                "取引先",
                "ベンダー",
                "業者",
                "協力会社",
                "システム会社",
            ),
            *_each(
                r"\b{w}(?:'s|s'|s)? (?:error|mistake|negligence|fault|failure|failings|carelessness)\b",
                *_PARTIES,
            ),
            *_each(
                r"\b{w}s? (?:of|by) (?:the |our |a |an |one of our )?(?:third[- ]party )?(?:vendors?|contractors?|suppliers?|providers?|partners?)\b",
                "fault",
                "negligence",
                "failure",
                "mistake",
                "error",
            ),
            *_each(
                r"\b{w} (?:the |our |a |an |one of our )?(?:third[- ]party )?(?:vendors?|contractors?|suppliers?|service providers?)\b",
                "caused by",
                "due to",
                "attributable to",
                "because of",
                "blame",
            ),
            *_each(
                r"\b{w}s? (?:is|was|are|were) (?:responsible|to blame|at fault)\b", *_PARTIES[:4]
            ),
            *_each(r"\b{w}s? (?:failed|neglected) to\b", *_PARTIES[:4]),
        ),
    ),
    (
        "blame_employee",
        _family(
            *_each(
                "{w}(?:の|による|個人の)(?:不注意|過失|ミス|不手際|確認不足|誤操作|独断|規則違反|ルール違反)",
                "従業員",
                "社員",
                "職員",
                "担当者",
                "作業者",
                "アルバイト",
            ),
            "一従業員",
            "1従業員",
            "一社員",
            "1社員",
            "人為的な?ミス",
            "ヒューマンエラー",
            *_each("{w}が(?:ルール|規則|規程|社内規定)に(?:違反|反し)", "従業員", "社員", "担当者"),
            *_each(
                r"\b{w}(?:'s|s')? (?:error|mistake|negligence|carelessness|oversight|misconduct)\b",
                "employee",
                "staff",
                "worker",
                "team member",
                "member of staff",
                "intern",
            ),
            r"\bhuman error\b",
            *_each(
                r"\b{w} (?:employee|staff member|worker)s?\b",
                "rogue",
                "careless",
                "disgruntled",
                "single",
                "individual",
                "one of our",
            ),
            *_each(
                r"\b{w} (?:by|of) (?:an?|one|a single) (?:employee|staff member|worker)\b",
                "error",
                "mistake",
                "negligence",
                "carelessness",
            ),
            r"\ban employee (?:failed|forgot|neglected|violated|ignored|did not|didn't)\b",
        ),
    ),
    (
        "blame_victims",
        _family(
            *_each(
                "{w}(?:ご自身|側)?の(?:管理不足|管理不備|責任|不注意|過失|設定不備|パスワード管理)",
                "お客様",
                "利用者",
                "ユーザー",
                "会員",
                "被害者",
            ),
            "自己責任",
            "使い回し(?:が原因|に起因|によるもの|されていた)",
            *_each(
                r"\b{w}(?:'s|s'|s)? (?:own )?(?:fault|negligence|carelessness|responsibility)\b",
                "customer",
                "user",
                "victim",
                "member",
                "account holder",
            ),
            *_each(
                r"\b{w} (?:the )?(?:customers?|users?)(?:'s|s')? (?:own )?(?:weak|reused|re-used|poor|careless)",
                "due to",
                "because of",
                "caused by",
            ),
            *_each(
                r"\b{w}s? who (?:reused|re-used|chose|used) (?:weak|simple|the same)",
                "customer",
                "user",
            ),
            *_each(
                r"\b{w}s? (?:failed|did not|didn't) (?:to )?(?:protect|secure|change|update)\b",
                "customer",
                "user",
            ),
            r"\bfault of (?:our )?(?:customers?|users?)\b",
        ),
    ),
    (
        "minimising",
        _family(
            "万全を期して(?:おりました|いました|おり|いた)",
            "万全の(?:セキュリティ|対策|体制|管理)(?:を講じて|をとって|を整えて)(?:おりました|いました|いた|おり)",
            "厳重に管理して(?:おりました|いました)",
            "適切に管理して(?:おりました|いました)",
            "軽微",
            "一部(?:の方|のお客様)?(?:に|で)(?:とどまり|とどまる|とどまって|限られ|すぎ)",
            r"わずか[\d,]*(?:名|件|人)",
            "影響は(?:限定的|軽微|小さい|ほとんど)",
            "大きな(?:影響|被害)は(?:ない|ありません|ございません)",
            r"\bwe take [^.\n]{0,60}?\bseriously\b",
            *_each(
                r"\b{w}(?: and (?:security|privacy))? (?:is|are) (?:our|a) (?:top|highest|number one|first) priorit",
                "security",
                "privacy",
                "data protection",
            ),
            r"\bonly (?:a )?(?:small|limited|tiny|handful|few)\b",
            *_each(r"\b{w} (?:number|subset|portion|fraction) of\b", "small", "limited", "tiny"),
            r"\bminor (?:incident|issue|breach|impact|problem|leak)\b",
            r"\blow[- ]impact\b",
            r"\bminimal (?:impact|risk|exposure|harm)\b",
            r"\bimpact (?:is|was) (?:limited|minimal|small)\b",
            *_each(
                r"\b{w} security\b",
                "robust",
                "industry[- ]leading",
                "state[- ]of[- ]the[- ]art",
                "best[- ]in[- ]class",
            ),
        ),
    ),
]

# --- certainty ---------------------------------------------------------------------------------

_NO_HARM = _family(
    *_each(
        "{w}等?(?:の(?:事実|報告|発生|痕跡))?(?:は|も)(?:確認|報告)され(?:て|ては)(?:おりません|いません|いない|ございません)",
        "被害",
        "不正利用",
        "悪用",
    ),
    *_each(
        "{w}の(?:報告|連絡|お問い合わせ)は(?:受けて(?:おりません|いません)|ございません|ありません)",
        "被害",
        "不正利用",
        "悪用",
    ),
    r"\bno (?:evidence|indications?|signs?|reports?)\b[^.\n]{0,30}?\b(?:misuse|misused|fraud|fraudulent|harm|damage|abuse)",
    r"\bnot aware of any (?:misuse|fraud|fraudulent|harm|damage|abuse)\b",
    r"\bhas not been misused\b",
)
_DENIED = _family(
    *_each(
        "{w}(?:して|は|の事実は|の可能性は|のおそれは)(?:い(?:ない|ません)|おりません|ありません|ございません|なかった|なく|ない)",
        "流出",
        "漏えい",
        "漏洩",
    ),
    *_each(
        "{w}て(?:は)?(?:いない|いません|おりません)",
        "盗まれ",
        "持ち出され",
        "閲覧され",
        "取得され",
        "窃取され",
        "アクセスされ",
    ),
    *_each(
        "{w}(?:は|の事実は|された事実は|された形跡は|の形跡は)(?:ない|ありません|ございません|なかった|なく)",
        "閲覧",
        "取得",
        "アクセス",
        "持ち出し",
    ),
    "閲覧していない",
    "取得していない",
    r"\bno (?:personal |customer |sensitive )?(?:data|information|details|records)\b[^.\n]{0,30}?\b(?:was|were|has been|have been) (?:accessed|taken|stolen|leaked|exfiltrated|compromised|viewed|exposed)\b",
    *_each(
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
_OVERSTATED = _family(
    *_each("{w}(?:いた)?しました", "流出", "漏えい", "漏洩"),
    *_each("{w}(?:した|している|していた)ことを(?:確認|確定)", "流出", "漏えい", "漏洩"),
    *_each(
        "{w}が(?:確認|判明|確定)(?:され(?:まし)?た|いたしました|しました)", "流出", "漏えい", "漏洩"
    ),
    *_each(
        "{w}(?:ました|たことを確認|たことが判明|たことが確認)",
        "盗まれ",
        "窃取され",
        "持ち出され",
        "抜き取られ",
        "盗み出され",
    ),
    *_each("{w}されたことを確認", "閲覧", "取得"),
    *[
        (v, rf"\b(?:was|were|has been|have been|had been) {v}\b")
        for v in ("stolen", "leaked", "exfiltrated")
    ],
    *_each(
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
_SENTENCE_END = re.compile(r"[.!?。！？\n]")

# --- hints from the answers and verdict --------------------------------------------------------

# (finding, the draft's advice code it stands for, what a statement giving that advice contains)
_ADVICE_HINTS: list[tuple[str, str, _Family]] = [
    (
        "advice_card",
        "card",
        _family(
            "明細",
            "カード会社",
            "カード発行会社",
            r"\bstatement",
            r"\bcard issuer\b",
            r"\bcard company\b",
            r"\byour bank\b",
        ),
    ),
    (
        "advice_password",
        "password",
        _family(
            "パスワード[^。\n]{0,30}変更",
            r"\bchange (?:your |the )?passwords?\b",
            r"\breset (?:your )?passwords?\b",
        ),
    ),
    (
        "advice_phishing",
        "phishing",
        _family(
            "不審な",
            "装った",
            "なりすまし",
            "フィッシング",
            r"\bphishing\b",
            r"\bpretend",
            r"\bclaim(?:s|ing)? to (?:come|be) from\b",
            r"\bimpersonat",
            r"\bsuspicious\b",
        ),
    ),
]
_PPC = _family("個人情報保護委員会", r"\bpersonal information protection commission\b", r"\bppc\b")


# --- the checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """The text as searched (full-width ASCII folded) and as written, index for index."""

    search: str
    shown: str

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(text.translate(_FOLD), text)

    def excerpt(self, start: int, end: int) -> str:
        snippet = self.shown[max(0, start - _EXCERPT_MARGIN) : end + _EXCERPT_MARGIN]
        return " ".join(snippet.split())

    def quote(self, match: re.Match[str]) -> str:
        return " ".join(self.shown[match.start() : match.end()].split())


def _first_line(text: str) -> tuple[str, str]:
    head, _, rest = text.strip().partition("\n")
    return head.strip(), rest.strip()


def _check_title(text: _Text, lang: str) -> Iterator[Finding]:
    title, rest = _first_line(text.search)
    looks_like_title = (
        bool(title)
        and bool(rest)
        and len(title) <= _TITLE_MAX
        and not title.endswith(("。", "."))
        and _TITLE_WORDS[lang].search(title) is not None
    )
    if not looks_like_title:
        yield _finding("missing_title", excerpt=_first_line(text.shown)[0][:80] or None)


def _check_parts(text: _Text, lang: str) -> Iterator[Finding]:
    _, body = _first_line(text.search)
    for code, families in _PARTS[lang]:
        if not all(family.search(body) for family in families):
            yield _finding(code)
    for match in _PLACEHOLDER.finditer(text.search):
        yield _finding("placeholder_unfilled", excerpt=text.quote(match))


def _check_phrases(text: _Text) -> Iterator[Finding]:
    for code, pattern in _PHRASES:
        for match in pattern.finditer(text.search):
            yield _finding(code, excerpt=text.excerpt(match.start(), match.end()))


def _is_hedged(text: str, start: int, end: int) -> bool:
    """True when the sentence up to the end of the match carries a hedge or names a device."""
    window = text[max(0, start - 120) : start]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    sentence = (window[ends[-1] :] if ends else window) + text[start:end]
    return _HEDGE.search(sentence) is not None


def _certainty_level(answers: dict[str, Any] | None, applies: Callable[[str], bool]) -> str | None:
    """warn when the answers make the phrase wrong, info when there are no answers to go by."""
    if answers is None:
        return INFO
    return WARN if applies(certainty(answers)) else None


_CERTAINTY_RULES: list[tuple[str, _Family, Callable[[str], bool], bool]] = [
    ("no_harm_claimed", _NO_HARM, lambda c: c == "confirmed", False),
    ("leak_denied", _DENIED, lambda c: c != "ruled_out", False),
    ("leak_overstated", _OVERSTATED, lambda c: c != "confirmed", True),
]


def _check_certainty(text: _Text, answers: dict[str, Any] | None) -> Iterator[Finding]:
    for code, pattern, applies, hedgeable in _CERTAINTY_RULES:
        level = _certainty_level(answers, applies)
        if level is None:
            continue
        for match in pattern.finditer(text.search):
            if hedgeable and _is_hedged(text.search, match.start(), match.end()):
                continue
            yield _finding(code, level, text.excerpt(match.start(), match.end()))


def _check_hints(
    text: str, answers: dict[str, Any] | None, verdict: dict[str, Any] | None
) -> Iterator[Finding]:
    if answers is not None:
        advice = set(advice_for(answers))
        for code, needs, family in _ADVICE_HINTS:
            if needs in advice and not family.search(text):
                yield _finding(code, INFO)
    appi = (verdict or {}).get("appi")
    required = appi.get("report_required") if isinstance(appi, dict) else None
    if (required is True or required == "conditional") and not _PPC.search(text):
        yield _finding("ppc_not_mentioned", INFO)


def _capped(findings: Iterator[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None]] = set()
    per_code: dict[str, int] = {}
    kept = []
    for finding in findings:
        key = (finding.code, finding.excerpt)
        if key in seen or per_code.get(finding.code, 0) >= _MAX_PER_CODE:
            continue
        seen.add(key)
        per_code[finding.code] = per_code.get(finding.code, 0) + 1
        kept.append(finding)
    return kept


def check_statement(
    text: str,
    lang: str,
    *,
    answers: dict[str, Any] | None = None,
    verdict: dict[str, Any] | None = None,
) -> list[Finding]:
    """Findings for ``text`` (title line first), parts in ``lang`` ("ja", else English)."""
    written = _Text.of(text if isinstance(text, str) else str(text))
    part_lang = "ja" if lang == "ja" else "en"
    answers = answers if isinstance(answers, dict) else None
    verdict = verdict if isinstance(verdict, dict) else None

    def everything() -> Iterator[Finding]:
        yield from _check_title(written, part_lang)
        yield from _check_parts(written, part_lang)
        yield from _check_phrases(written)
        yield from _check_certainty(written, answers)
        yield from _check_hints(written.search, answers, verdict)

    return _capped(everything())
