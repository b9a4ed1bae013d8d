"""The bilingual label of every value of every closed set (and yes, no, unknown), so adapters can
show answers and verdicts: a phrase table."""

from __future__ import annotations

import enum

from app.triage.models import (
    Access,
    Announcement,
    AppiCategory,
    Control,
    DataCategory,
    DataSubject,
    Encryption,
    LeakMode,
    Police,
    Region,
    Role,
    Text,
)

# Labels for every value of every closed set, so adapters can show answers and verdicts.
# StrEnum members equal their string value (DataCategory.NONE == Encryption.NONE == "none"),
# so labels are keyed by (enum class, value), never by the member alone.
_LABEL_PAIRS: tuple[tuple[enum.StrEnum, Text], ...] = (
    (
        DataCategory.SPECIAL_CARE,
        Text(
            ja="要配慮個人情報（病歴・健康診断結果・犯罪歴など）",
            en="Special-care data (medical, health checks, criminal record, …)",
        ),
    ),
    (
        DataCategory.FINANCIAL,
        Text(
            ja="財産的被害につながる情報（クレジットカード番号・口座とネットバンキング情報など）",
            en="Financial data (card numbers, bank accounts with net-banking details, …)",
        ),
    ),
    (
        DataCategory.CREDENTIALS,
        Text(
            ja="ログインID・パスワード等の認証情報",
            en="Log-in credentials (IDs with passwords)",
        ),
    ),
    (
        DataCategory.IDENTITY,
        Text(
            ja="氏名・住所・生年月日など本人を特定できる情報",
            en="Identity data (name, address, date of birth, ID numbers)",
        ),
    ),
    (
        DataCategory.CONTACT,
        Text(ja="連絡先（メールアドレス・電話番号）", en="Contact data (e-mail, phone)"),
    ),
    (
        DataCategory.OTHER_PERSONAL,
        Text(
            ja="その他の個人データ（利用履歴・位置情報・口座番号のみ・カード下4桁と有効期限など）",
            en="Other personal data (usage history, location, account number alone, card last-4 + expiry, …)",
        ),
    ),
    (
        DataCategory.MY_NUMBER,
        Text(ja="マイナンバー（個人番号）", en="My Number (individual number)"),
    ),
    (
        DataCategory.TRADE_SECRET,
        Text(
            ja="営業秘密・重要な技術情報", en="Trade secrets, key technical or business information"
        ),
    ),
    (
        DataCategory.NATIONAL_SECURITY,
        Text(ja="国家安全保障・防衛関連の情報", en="National-security or defense information"),
    ),
    (
        DataCategory.BUSINESS_CONTACT,
        Text(
            ja="取引先担当者の業務用連絡先（名刺情報など）",
            en="Business contact data (business cards, work e-mail)",
        ),
    ),
    (
        DataCategory.NONE,
        Text(ja="個人データ・秘密情報は含まれない", en="No personal data or secrets"),
    ),
    (DataSubject.CUSTOMERS, Text(ja="顧客（お客様・会員）", en="Customers (clients, members)")),
    (
        DataSubject.EMPLOYEES,
        Text(ja="従業員（退職者を含む）", en="Employees (current and former staff)"),
    ),
    (DataSubject.JOB_APPLICANTS, Text(ja="応募者・採用候補者", en="Job applicants")),
    (DataSubject.PATIENTS, Text(ja="患者", en="Patients")),
    (DataSubject.STUDENTS, Text(ja="学生・生徒・児童", en="Students and pupils")),
    (
        DataSubject.BUSINESS_PARTNERS,
        Text(
            ja="取引先の担当者（顧客企業・仕入先の社員）",
            en="Business partners (people at client or supplier companies)",
        ),
    ),
    (DataSubject.OTHER, Text(ja="その他の方", en="Other people")),
    (Region.JP, Text(ja="日本", en="Japan")),
    (Region.EU, Text(ja="EU・EEA", en="EU/EEA")),
    (Region.UK, Text(ja="英国", en="United Kingdom")),
    (Region.US, Text(ja="米国", en="United States")),
    (Region.KR, Text(ja="韓国", en="South Korea")),
    (Region.SG, Text(ja="シンガポール", en="Singapore")),
    (Region.AU, Text(ja="オーストラリア", en="Australia")),
    (Region.OTHER, Text(ja="その他の国・地域", en="Other countries")),
    (
        LeakMode.UNAUTHORIZED_ACCESS,
        Text(ja="不正アクセス（サイバー攻撃）", en="Unauthorized access (cyberattack)"),
    ),
    (LeakMode.RANSOMWARE, Text(ja="ランサムウェア", en="Ransomware")),
    (LeakMode.INSIDER_THEFT, Text(ja="従業員・内部者による持ち出し", en="Insider theft")),
    (
        LeakMode.SKIMMING,
        Text(ja="スキミング（決済画面の改ざんなど）", en="Skimming (e.g. a tampered payment page)"),
    ),
    (
        LeakMode.MISDELIVERY,
        Text(ja="誤送信・誤送付・誤交付", en="Misdelivery (wrong recipient, To instead of Bcc)"),
    ),
    (
        LeakMode.MISCONFIGURATION,
        Text(
            ja="設定ミス（クラウドの公開設定など）",
            en="Misconfiguration (e.g. public cloud storage)",
        ),
    ),
    (LeakMode.LOST_DEVICE, Text(ja="紛失（PC・USBメモリ・書類）", en="Lost device or papers")),
    (LeakMode.STOLEN_DEVICE, Text(ja="盗難（PC・USBメモリ・書類）", en="Stolen device or papers")),
    (LeakMode.VENDOR_INCIDENT, Text(ja="委託先・取引先での事故", en="Incident at a vendor")),
    (
        LeakMode.INTENTIONAL_PROVISION,
        Text(ja="意図的な第三者提供", en="Intentional provision to a third party"),
    ),
    (LeakMode.UNKNOWN, Text(ja="不明", en="Unknown")),
    (Encryption.NONE, Text(ja="暗号化なし", en="Not encrypted")),
    (Encryption.STRONG, Text(ja="高度な暗号化（鍵は安全）", en="High-grade encryption (key safe)")),
    (
        Encryption.WEAK,
        Text(
            ja="不十分な暗号化・パスワード付きファイル",
            en="Weak encryption or a password-protected file",
        ),
    ),
    (Encryption.UNKNOWN, Text(ja="不明", en="Unknown")),
    (Access.CONFIRMED, Text(ja="確認済み（持ち出し・閲覧あり）", en="Confirmed (taken or viewed)")),
    (Access.SUSPECTED, Text(ja="可能性あり", en="Suspected")),
    (
        Access.RULED_OUT,
        Text(
            ja="否定済み（ログで確認・閲覧前に回収）", en="Ruled out (logs, or recovered unviewed)"
        ),
    ),
    (Role.CONTROLLER, Text(ja="委託元（自社のデータ）", en="Controller (our own data)")),
    (
        Role.PROCESSOR,
        Text(ja="委託先（他社から預かったデータ）", en="Processor (data we handle for a client)"),
    ),
    (Control.ENCRYPTION, Text(ja="暗号化", en="Encryption")),
    (Control.ACCESS_CONTROL, Text(ja="アクセス制御", en="Access control")),
    (Control.LOGGING, Text(ja="ログ取得・監視", en="Logging and monitoring")),
    (Control.TRAINING, Text(ja="従業者教育", en="Staff training")),
    (Control.DEVICE_POLICY, Text(ja="端末・持出しルール", en="Device and removal rules")),
    (Control.DELETION, Text(ja="不要データの削除", en="Deleting data no longer needed")),
    (Control.PATCHING, Text(ja="脆弱性対策（パッチ適用）", en="Patching")),
    (Control.VENDOR_OVERSIGHT, Text(ja="委託先の監督", en="Vendor oversight")),
    (AppiCategory.C1, Text(ja="C1 要配慮個人情報", en="C1 special-care data")),
    (AppiCategory.C2, Text(ja="C2 財産的被害のおそれ", en="C2 risk of property damage")),
    (AppiCategory.C3, Text(ja="C3 不正の目的のおそれ", en="C3 possibly wrongful act")),
    (
        AppiCategory.C4,
        Text(
            ja="C4 1,000人超（行政機関等は100人超）",
            en="C4 more than 1,000 people (100 for a public body)",
        ),
    ),
    (
        Announcement.PRESS_AND_WEBSITE,
        Text(ja="記者会見と公式サイトでの公表", en="Press conference and the official website"),
    ),
    (
        Announcement.WEBSITE,
        Text(ja="公式サイト・公式SNSでの公表", en="Official website and social accounts"),
    ),
    (
        Announcement.INDIVIDUAL_NOTICE,
        Text(
            ja="対象の方への個別連絡（公表はしない）",
            en="Notice to the people concerned (no public notice)",
        ),
    ),
    (
        Announcement.VIA_PRINCIPALS,
        Text(
            ja="委託元を通じて（当社独自の公表はしない）",
            en="Through our clients (no announcement of our own)",
        ),
    ),
    (
        Announcement.HOLD_FOR_INVESTIGATORS,
        Text(
            ja="捜査機関と時期を調整のうえ公表",
            en="Held until the timing agreed with investigators",
        ),
    ),
    (Announcement.NONE, Text(ja="公表不要", en="No announcement")),
    (Police.YES, Text(ja="連携する", en="coordinate")),
    (Police.CONSULT, Text(ja="相談する", en="consult")),
    (Police.NO, Text(ja="不要", en="not needed")),
)
VALUE_LABELS: dict[tuple[type, str], Text] = {(type(m), m.value): text for m, text in _LABEL_PAIRS}
BOOL_LABELS = {
    True: Text(ja="はい", en="yes"),
    False: Text(ja="いいえ", en="no"),
    None: Text(ja="不明", en="unknown"),
}


def label(value: enum.StrEnum | bool | None) -> Text:
    """The bilingual label of an answer value (an enum member, true, false or unknown)."""
    if value is None or isinstance(value, bool):
        return BOOL_LABELS[value]
    return VALUE_LABELS[(type(value), value.value)]
