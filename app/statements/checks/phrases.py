"""Phrases crisis-PR practice avoids, in either language: speculation about the attacker, blame,
minimising."""

from __future__ import annotations

from collections.abc import Iterator

from app.statements.checks.findings import Finding, finding
from app.statements.checks.matching import Family, Text, each, family

_PARTIES = ("vendor", "contractor", "supplier", "provider", "partner", "third-party", "third party")


_PHRASES: list[tuple[str, Family]] = [
    (
        "attacker_speculation",
        family(
            "国家(?:的な|の関与|による|ぐるみ|の支援|支援|が関与|レベル)",
            "北朝鮮",
            *each(
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
            *each(
                r"\b{w} (?:hackers?|attackers?|actors?|groups?|gangs?|criminals?)\b",
                "chinese",
                "russian",
                "iranian",
                "foreign",
            ),
            r"\bsophisticated (?:cyber[- ]?)?(?:attack|attackers?|criminals?|actors?|threat|hackers?|operation)",
            r"\badvanced persistent threat\b",
            *each(r"\b{w} (?:gang|group|syndicate)s?\b", "criminal", "hacker", "hacking"),
            r"\borgani[sz]ed crim",
        ),
    ),
    (
        "blame_vendor",
        family(
            *each(
                "{w}(?:(?:の|による|側の)(?:不手際|過失|ミス|責任|不備|落ち度|管理不足|不注意|不適切な)|が原因|に起因|に責任)",
                "委託先",
                "取引先",
                "ベンダー",
                "業者",
                "協力会社",
                "システム会社",
            ),
            *each(
                r"\b{w}(?:'s|s'|s)? (?:error|mistake|negligence|fault|failure|failings|carelessness)\b",
                *_PARTIES,
            ),
            *each(
                r"\b{w}s? (?:of|by) (?:the |our |a |an |one of our )?(?:third[- ]party )?(?:vendors?|contractors?|suppliers?|providers?|partners?)\b",
                "fault",
                "negligence",
                "failure",
                "mistake",
                "error",
            ),
            *each(
                r"\b{w} (?:the |our |a |an |one of our )?(?:third[- ]party )?(?:vendors?|contractors?|suppliers?|service providers?)\b",
                "caused by",
                "due to",
                "attributable to",
                "because of",
                "blame",
            ),
            *each(
                r"\b{w}s? (?:is|was|are|were) (?:responsible|to blame|at fault)\b", *_PARTIES[:4]
            ),
            *each(r"\b{w}s? (?:failed|neglected) to\b", *_PARTIES[:4]),
        ),
    ),
    (
        "blame_employee",
        family(
            *each(
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
            *each("{w}が(?:ルール|規則|規程|社内規定)に(?:違反|反し)", "従業員", "社員", "担当者"),
            *each(
                r"\b{w}(?:'s|s')? (?:error|mistake|negligence|carelessness|oversight|misconduct)\b",
                "employee",
                "staff",
                "worker",
                "team member",
                "member of staff",
                "intern",
            ),
            r"\bhuman error\b",
            *each(
                r"\b{w} (?:employee|staff member|worker)s?\b",
                "rogue",
                "careless",
                "disgruntled",
                "single",
                "individual",
                "one of our",
            ),
            *each(
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
        family(
            *each(
                "{w}(?:ご自身|側)?の(?:管理不足|管理不備|責任|不注意|過失|設定不備|パスワード管理)",
                "お客様",
                "利用者",
                "ユーザー",
                "会員",
                "被害者",
            ),
            "自己責任",
            "使い回し(?:が原因|に起因|によるもの|されていた)",
            *each(
                r"\b{w}(?:'s|s'|s)? (?:own )?(?:fault|negligence|carelessness|responsibility)\b",
                "customer",
                "user",
                "victim",
                "member",
                "account holder",
            ),
            *each(
                r"\b{w} (?:the )?(?:customers?|users?)(?:'s|s')? (?:own )?(?:weak|reused|re-used|poor|careless)",
                "due to",
                "because of",
                "caused by",
            ),
            *each(
                r"\b{w}s? who (?:reused|re-used|chose|used) (?:weak|simple|the same)",
                "customer",
                "user",
            ),
            *each(
                r"\b{w}s? (?:failed|did not|didn't) (?:to )?(?:protect|secure|change|update)\b",
                "customer",
                "user",
            ),
            r"\bfault of (?:our )?(?:customers?|users?)\b",
        ),
    ),
    (
        "minimising",
        family(
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
            *each(
                r"\b{w}(?: and (?:security|privacy))? (?:is|are) (?:our|a) (?:top|highest|number one|first) priorit",
                "security",
                "privacy",
                "data protection",
            ),
            r"\bonly (?:a )?(?:small|limited|tiny|handful|few)\b",
            *each(r"\b{w} (?:number|subset|portion|fraction) of\b", "small", "limited", "tiny"),
            r"\bminor (?:incident|issue|breach|impact|problem|leak)\b",
            r"\blow[- ]impact\b",
            r"\bminimal (?:impact|risk|exposure|harm)\b",
            r"\bimpact (?:is|was) (?:limited|minimal|small)\b",
            *each(
                r"\b{w} security\b",
                "robust",
                "industry[- ]leading",
                "state[- ]of[- ]the[- ]art",
                "best[- ]in[- ]class",
            ),
        ),
    ),
]


def check_phrases(text: Text) -> Iterator[Finding]:
    for code, pattern in _PHRASES:
        for match in pattern.finditer(text.search):
            yield finding(code, excerpt=text.excerpt(match.start(), match.end()))
