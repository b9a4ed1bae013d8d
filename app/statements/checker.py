"""Check a holding statement for missing parts and for phrases crisis-PR practice avoids.

The checker warns and never blocks: it runs on every draft and on every edit a PR lead makes, so
it is a set of precompiled regular expressions over the text (full-width ASCII read as ASCII) (well under 10 ms
for a long statement) and it accepts any string. Finding codes:

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

from app.statements.draft import certainty

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
    "no_harm_claimed": "閲覧・流出が確認されている、または悪用が見られるのに「被害は確認されておりません」と書いています。",
    "leak_denied": "「流出していない」「閲覧されていない」と断定しています。ログ等で閲覧がないと確認できた場合に限ってください。",
    "leak_overstated": "流出を事実として断定しています。確認できていない段階では「漏えいのおそれ」と書いてください。",
    "advice_card": "決済情報が対象です。カード明細の確認とカード発行会社への連絡をお願いする一文を入れてください。",
    "advice_password": "認証情報が対象です。パスワード変更（他サービスでの同じパスワードも）をお願いする一文を入れてください。",
    "advice_phishing": "連絡先・本人情報が対象です。当社を装った不審な連絡への注意を呼びかける一文を入れてください。",
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
    "advice_phishing": "Contact or identity data is involved: warn people about messages pretending to be from the company.",
    "ppc_not_mentioned": "The verdict calls for a report to the PPC, but the statement does not mention it.",
}


def _finding(code: str, level: str = WARN, excerpt: str | None = None) -> Finding:
    return Finding(code, level, MESSAGES_JA[code], MESSAGES_EN[code], excerpt)


def _rx(*parts: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), flags)


_I = re.IGNORECASE
# Full-width ASCII (ＡＰＴ, １２名) and the ideographic space read as their ASCII forms; the mapping
# keeps every character in place, so excerpts quote the text as written.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"

# --- required parts: (code, patterns that must all match) per language -------------------------

_PARTS_JA: list[tuple[str, tuple[re.Pattern[str], ...]]] = [
    (
        "missing_apology",
        (
            _rx(
                "お詫び申し上げ",
                "お詫びいたし",
                "おわび申し上げ",
                "謝罪いたし",
                "申し訳(?:ございません|ありません)",
            ),
        ),
    ),
    (
        "missing_what_happened",
        (
            _rx(r"\d{1,2}月\d{1,2}日", r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"),
            _rx("判明", "発覚", "発生", "確認いたしました", "確認しました", "認識", "把握"),
        ),
    ),
    (
        "missing_data",
        (
            _rx(
                "対象となる(?:情報|方|お客様|個人情報)",
                "氏名",
                "住所",
                "電話番号",
                "メールアドレス",
                "生年月日",
                "クレジットカード",
                "カード情報",
                "口座",
                "パスワード",
                "ログインID",
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
            _rx(r"\d[\d,]*\s*(?:名|件|人)", "調査中", "人数"),
        ),
    ),
    (
        "missing_actions",
        (
            _rx(
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
            _rx(
                "ご注意(?:ください|を)",
                "ご確認(?:ください|を)",
                "変更(?:してください|をお願い)",
                "お問い合わせください",
                "ご相談ください",
                "ご対応いただく必要",
            ),
        ),
    ),
    (
        "missing_contact",
        (_rx("お問い?合わせ", "問合せ", "窓口", "ご連絡先", "コールセンター", "フリーダイヤル"),),
    ),
    (
        "missing_next_update",
        (_rx("次回", "続報", "判明し次第", "(?:改めて|追って|随時)(?:お知らせ|ご報告)"),),
    ),
]

_PARTS_EN: list[tuple[str, tuple[re.Pattern[str], ...]]] = [
    (
        "missing_apology",
        (_rx(r"\bapologi[sz]", r"\bapology", r"\bsorry\b", r"\bregret\b", flags=_I),),
    ),
    (
        "missing_what_happened",
        (
            _rx(
                rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\b",
                rf"\b(?:{_MONTHS}) \d{{1,2}}\b",
                r"\d{4}-\d{2}-\d{2}",
                flags=_I,
            ),
            _rx(
                r"\b(?:found|discovered|learned|learnt|identified|became aware|detected|occurred|noticed)\b",
                flags=_I,
            ),
        ),
    ),
    (
        "missing_data",
        (
            _rx(
                r"\b(?:names?|addresses|e-?mail|phone numbers?|dates? of birth|card|bank|passwords?|login|credentials|my number|health|medical|contact details|usage history|customer (?:data|information|records)|business information|information (?:is )?involved|data (?:is )?involved)\b",
                flags=_I,
            ),
            _rx(
                r"\d[\d,]* (?:people|persons|customers|individuals|records|accounts|users|members)",
                r"\bunder investigation\b",
                r"\bbeing investigated\b",
                r"\bnumber of\b",
                flags=_I,
            ),
        ),
    ),
    (
        "missing_actions",
        (
            _rx(
                r"\b(?:investigat\w*|contain(?:ed|ing|ment)|isolat\w*|measures|steps|reported|reporting|notif\w*|engaged|remediat\w*|blocked|blocking)\b",
                flags=_I,
            ),
        ),
    ),
    (
        "missing_advice",
        (
            _rx(
                r"\bplease (?:check|change|be (?:wary|alert|careful|vigilant|cautious|aware)|contact|monitor|watch|reset|review)\b",
                r"\bwe (?:recommend|advise|encourage|suggest|urge)\b",
                r"\bnothing you need to do\b",
                r"\bno action\b",
                r"\bneed to take any action\b",
                flags=_I,
            ),
        ),
    ),
    (
        "missing_contact",
        (
            _rx(
                r"\bcontact\b",
                r"\bhelpline\b",
                r"\bhotline\b",
                r"\bcall (?:us|our)\b",
                r"\benquir",
                r"\binquir",
                flags=_I,
            ),
        ),
    ),
    (
        "missing_next_update",
        (
            _rx(
                r"\bnext update\b",
                r"\bfurther update",
                r"\bupdate (?:this|you|our)\b",
                r"\bwill (?:share|provide|publish|post|give) (?:further|more|an update)",
                r"\bas soon as (?:we|further|more|they)\b",
                r"\bkeep you (?:informed|updated)\b",
                flags=_I,
            ),
        ),
    ),
]

_TITLE_WORDS = {
    "ja": _rx("お詫び", "お知らせ", "について", "に関する", "報告", "ご案内"),
    "en": _rx(
        r"\b(?:notice|apolog\w*|update|statement|regarding|about|incident|breach|leak)\b", flags=_I
    ),
}
_TITLE_MAX = 160

_PLACEHOLDER = _rx(
    r"【要記入[^】\n]{0,80}】?",
    r"\[TO FILL IN[^\]\n]{0,80}\]?",
    "○○",
    "〇〇",
    "●●",
    r"\bTBD\b",
    r"\bTODO\b",
    r"\bX{3,}\b",
    flags=_I,
)

# --- phrases to avoid, both languages ----------------------------------------------------------

_PHRASES: list[tuple[str, re.Pattern[str]]] = [
    (
        "attacker_speculation",
        _rx(
            "国家(?:的な|の関与|による|ぐるみ|の支援|支援|が関与|レベル)",
            "北朝鮮",
            "(?:中国|ロシア|イラン)(?:系|の)?(?:ハッカー|攻撃者|犯行|グループ|組織|集団)",
            "ハッカー集団",
            "犯行グループ",
            "犯罪組織",
            "高度(?:な|かつ巧妙な)(?:サイバー)?攻撃",
            "巧妙な(?:手口|攻撃)",
            "(?:非常に|極めて)高度な(?:手口|攻撃)",
            "(?<![A-Za-z])APT ?\\d*(?![A-Za-z])",
            "Lazarus",
            "ラザルス",
            r"\bstate[- ](?:sponsored|backed|actors?)\b",
            r"\bnation[- ]state\b",
            r"\bNorth Korea",
            r"\b(?:Chinese|Russian|Iranian|foreign) (?:hackers?|attackers?|actors?|groups?|gangs?|criminals?)\b",
            r"\bsophisticated (?:cyber[- ]?)?(?:attack|attackers?|criminals?|actors?|threat|hackers?|operation)",
            r"\badvanced persistent threat\b",
            r"\b(?:criminal|hacker|hacking) (?:gang|group|syndicate)s?\b",
            r"\borgani[sz]ed crim",
            flags=_I,
        ),
    ),
    (
        "blame_vendor",
        _rx(
            "(?:委託先|業務委託先|外部委託先|再委託先|取引先|ベンダー|業者|協力会社|システム会社)(?:の|による|側の)(?:不手際|過失|ミス|責任|不備|落ち度|管理不足|不注意|不適切な)",
            "(?:委託先|業者|ベンダー|取引先)(?:が原因|に起因|に責任)",
            r"\b(?:vendor|contractor|supplier|provider|partner|third[- ]party)(?:'s|s'|s)? (?:error|mistake|negligence|fault|failure|failings|carelessness)\b",
            r"\b(?:fault|negligence|failure|mistake|error)s? (?:of|by) (?:the |our |a |an |one of our )?(?:third[- ]party )?(?:vendors?|contractors?|suppliers?|providers?|partners?)\b",
            r"\b(?:caused by|due to|attributable to|because of|blame) (?:the |our |a |an |one of our )?(?:third[- ]party )?(?:vendors?|contractors?|suppliers?|service providers?)\b",
            r"\b(?:vendor|contractor|supplier|provider)s? (?:is|was|are|were) (?:responsible|to blame|at fault)\b",
            r"\b(?:vendor|contractor|supplier|provider)s? (?:failed|neglected) to\b",
            flags=_I,
        ),
    ),
    (
        "blame_employee",
        _rx(
            "(?:従業員|社員|職員|担当者|作業者|派遣社員|アルバイト|元従業員|担当社員)(?:の|による|個人の)(?:不注意|過失|ミス|不手際|確認不足|誤操作|独断|規則違反|ルール違反)",
            "(?:一|1)(?:従業員|社員|職員)",
            "人為的な?ミス",
            "ヒューマンエラー",
            "(?:従業員|社員|担当者)が(?:ルール|規則|規程|社内規定)に(?:違反|反し)",
            r"\b(?:employee|staff|worker|team member|member of staff|intern)(?:'s|s')? (?:error|mistake|negligence|carelessness|oversight|misconduct)\b",
            r"\bhuman error\b",
            r"\b(?:rogue|careless|disgruntled|single|individual|one of our) (?:employee|staff member|worker)s?\b",
            r"\b(?:error|mistake|negligence|carelessness) (?:by|of) (?:an?|one|a single) (?:employee|staff member|worker)\b",
            r"\ban employee (?:failed|forgot|neglected|violated|ignored|did not|didn't)\b",
            flags=_I,
        ),
    ),
    (
        "blame_victims",
        _rx(
            "(?:お客様|利用者|ユーザー|会員|被害者)(?:ご自身|側)?の(?:管理不足|管理不備|責任|不注意|過失|設定不備|パスワード管理)",
            "自己責任",
            "使い回し(?:が原因|に起因|によるもの|されていた)",
            r"\b(?:customer|user|victim|member|account holder)(?:'s|s'|s)? (?:own )?(?:fault|negligence|carelessness|responsibility)\b",
            r"\b(?:due to|because of|caused by) (?:the )?(?:customers?|users?)(?:'s|s')? (?:own )?(?:weak|reused|re-used|poor|careless)",
            r"\b(?:customers?|users?) who (?:reused|re-used|chose|used) (?:weak|simple|the same)",
            r"\b(?:customers?|users?) (?:failed|did not|didn't) (?:to )?(?:protect|secure|change|update)\b",
            r"\bfault of (?:our )?(?:customers?|users?)\b",
            flags=_I,
        ),
    ),
    (
        "minimising",
        _rx(
            "万全を期して(?:おりました|いました|おり|いた)",
            "万全の(?:セキュリティ|対策|体制|管理)(?:を講じて|をとって|を整えて)(?:おりました|いました|いた|おり)",
            "(?:厳重|適切)に管理して(?:おりました|いました)",
            "軽微",
            "(?:ごく)?一部(?:の方|のお客様)?(?:に|で)(?:とどまり|とどまる|とどまって|限られ|すぎ)",
            r"わずか[\d,]*(?:名|件|人)",
            "影響は(?:限定的|軽微|小さい|ほとんど)",
            "大きな(?:影響|被害)は(?:ない|ありません|ございません)",
            r"\bwe take [^.\n]{0,60}?\bseriously\b",
            r"\b(?:security|privacy|data protection)(?: and (?:security|privacy))? (?:is|are) (?:our|a) (?:top|highest|number one|first) priorit",
            r"\bonly (?:a )?(?:small|limited|tiny|handful|few)\b",
            r"\b(?:small|limited|tiny) (?:number|subset|portion|fraction) of\b",
            r"\bminor (?:incident|issue|breach|impact|problem|leak)\b",
            r"\blow[- ]impact\b",
            r"\bminimal (?:impact|risk|exposure|harm)\b",
            r"\bimpact (?:is|was) (?:limited|minimal|small)\b",
            r"\b(?:robust|industry[- ]leading|state[- ]of[- ]the[- ]art|best[- ]in[- ]class) security\b",
            flags=_I,
        ),
    ),
]

# --- certainty ---------------------------------------------------------------------------------

_NO_HARM = _rx(
    "(?:二次被害|被害|不正利用|悪用)等?(?:の(?:事実|報告|発生|痕跡))?(?:は|も)(?:確認|報告)され(?:て|ては)(?:おりません|いません|いない|ございません)",
    "(?:被害|不正利用|悪用)の(?:報告|連絡|お問い合わせ)は(?:受けて(?:おりません|いません)|ございません|ありません)",
    r"\bno (?:evidence|indications?|signs?|reports?)\b[^.\n]{0,30}?\b(?:misuse|misused|fraud|fraudulent|harm|damage|abuse)",
    r"\bnot aware of any (?:misuse|fraud|fraudulent|harm|damage|abuse)\b",
    r"\bhas not been misused\b",
    flags=_I,
)
_DENIED = _rx(
    "(?:流出|漏えい|漏洩|漏れ)(?:して|は|の事実は|の可能性は|のおそれは)(?:い(?:ない|ません)|おりません|ありません|ございません|なかった|なく|ない)",
    "(?:盗まれ|持ち出され|閲覧され|取得され|窃取され|アクセスされ)て(?:は)?(?:いない|いません|おりません)",
    "(?:閲覧|取得|アクセス|持ち出し)(?:は|の事実は|された事実は|された形跡は|の形跡は)(?:ない|ありません|ございません|なかった|なく)",
    "(?:閲覧|取得)していない",
    r"\bno (?:personal |customer |sensitive )?(?:data|information|details|records)\b[^.\n]{0,30}?\b(?:was|were|has been|have been) (?:accessed|taken|stolen|leaked|exfiltrated|compromised|viewed|exposed)\b",
    r"\b(?:data|information|details|records)\b[^.\n]{0,30}?\b(?:was|were|has|have) not (?:been )?(?:accessed|taken|stolen|leaked|exfiltrated|compromised|viewed|exposed)\b",
    r"\bnothing was (?:taken|stolen|accessed|leaked|viewed)\b",
    r"\bno third part(?:y|ies) (?:viewed|accessed|took|obtained|saw)\b",
    r"\bno (?:data|information) (?:breach|leak)\b",
    r"\bthere (?:is|was|has been) no (?:leak|breach)\b",
    flags=_I,
)
_OVERSTATED = _rx(
    "(?:流出|漏えい|漏洩)(?:いた)?しました",
    "(?:流出|漏えい|漏洩)(?:した|している|していた)ことを(?:確認|確定)",
    "(?:流出|漏えい|漏洩)が(?:確認|判明|確定)(?:され(?:まし)?た|いたしました|しました)",
    "(?:盗まれ|窃取され|持ち出され|抜き取られ|盗み出され)(?:ました|たことを確認|たことが判明|たことが確認)",
    "(?:閲覧|取得)されたことを確認",
    r"\b(?:was|were|has been|have been|had been) (?:stolen|leaked|exfiltrated)\b",
    r"\b(?:data|information|details|records|numbers|passwords)\b[^.\n]{0,40}?\b(?:was|were|has been|have been) (?:accessed|viewed|taken|copied|obtained)\b",
    r"\bconfirmed (?:that )?[^.\n]{0,60}?\b(?:leaked|stolen|exfiltrated)\b",
    flags=_I,
)
# A hedge or a device earlier in the same sentence means the match is not a claim about the data.
_HEDGE = _rx(
    r"\b(?:whether|if|may|might|could|possibly|potentially|likely|suspect\w*)\b",
    r"\b(?:device|laptop|computer|pc|phone|smartphone|tablet|bag|usb|vehicle|car|drive|media)\b",
    "機器",
    "端末",
    "パソコン",
    "PC",
    "スマートフォン",
    "携帯",
    "鞄",
    "かばん",
    "カバン",
    "USB",
    "媒体",
    "車",
    flags=_I,
)
_SENTENCE_END = re.compile(r"[.!?。！？\n]")

# --- hints from the answers and verdict --------------------------------------------------------

_ADVICE_HINTS: list[tuple[str, frozenset[str], re.Pattern[str]]] = [
    (
        "advice_card",
        frozenset({"financial"}),
        _rx(
            "明細",
            "カード(?:発行)?会社",
            r"\bstatements?\b",
            r"\bcard (?:issuer|company)\b",
            r"\byour bank\b",
            flags=_I,
        ),
    ),
    (
        "advice_password",
        frozenset({"credentials"}),
        _rx(
            "パスワード[^。\n]{0,30}変更",
            r"\bchange (?:your |the )?passwords?\b",
            r"\breset (?:your )?passwords?\b",
            flags=_I,
        ),
    ),
    (
        "advice_phishing",
        frozenset({"identity", "contact", "my_number", "other_personal"}),
        _rx(
            "不審な",
            "装った",
            "なりすまし",
            "フィッシング",
            r"\bphishing\b",
            r"\bpretend",
            r"\bclaim(?:s|ing)? to (?:come|be) from\b",
            r"\bimpersonat",
            r"\bsuspicious\b",
            flags=_I,
        ),
    ),
]
_PPC = _rx(
    "個人情報保護委員会", r"\bPersonal Information Protection Commission\b", r"\bPPC\b", flags=_I
)


# --- the checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """The text as searched (full-width ASCII folded) and as written, index for index."""

    search: str
    shown: str

    @classmethod
    def of(cls, text: str) -> _Text:
        return cls(text.translate(_HALF_WIDTH), text)

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
    for code, patterns in _PARTS_JA if lang == "ja" else _PARTS_EN:
        if not all(p.search(body) for p in patterns):
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


_CERTAINTY_RULES: list[tuple[str, re.Pattern[str], Callable[[str], bool], bool]] = [
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


def _category_set(answers: dict[str, Any] | None) -> set[str]:
    raw = (answers or {}).get("data_categories")
    return {c for c in raw if isinstance(c, str)} if isinstance(raw, list | tuple) else set()


def _check_hints(
    text: str, answers: dict[str, Any] | None, verdict: dict[str, Any] | None
) -> Iterator[Finding]:
    if answers is not None and certainty(answers) != "ruled_out":
        categories = _category_set(answers)
        for code, needs, pattern in _ADVICE_HINTS:
            if categories & needs and not pattern.search(text):
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
