"""The triage questions in the article's order (what leaked → how → controls → context), bilingual."""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from app.triage.assess import PERSONAL, SECRETS, decisive
from app.triage.models import (
    Access,
    Announcement,
    Answers,
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
from app.triage.policy import Policy

Section = Literal["when", "what", "how", "controls", "context"]
# datetime: a date and time with the configured offset; period: {"from", "to"} dates; text: one
# short line of free text (masked like every free text before it is stored).
Kind = Literal["single", "multi", "number", "bool", "datetime", "period", "text"]
# The awareness question's quick choice: the report's own time (/leak, the shortcut).
REPORTED = "reported"
# Asked in the triage but no verdict question: awareness (the report's time stands in until it is
# answered, shown as an assumption) and the facts the statement quotes (whose data, the period,
# the cause). "Every question that matters is answered" does not wait for them.
OUTSIDE_VERDICT: frozenset[str] = frozenset(
    {"discovered_at", "data_subjects", "exposure_period", "cause"}
)

SECTIONS: dict[Section, Text] = {
    "when": Text(ja="発覚日時", en="When the company knew"),
    "what": Text(ja="何が漏えいしたか", en="What leaked"),
    "how": Text(ja="どのように漏えいしたか", en="How it leaked"),
    "controls": Text(ja="安全管理措置の状況", en="State of security controls"),
    "context": Text(ja="会社の状況", en="Context"),
}

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


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: Text


def _options(values: Iterable[enum.StrEnum]) -> tuple[Option, ...]:
    return tuple(Option(value=v.value, label=VALUE_LABELS[(type(v), v.value)]) for v in values)


Need = Callable[[Answers, Policy | None], bool]


def _always(answers: Answers, policy: Policy | None) -> bool:
    return True


def _something_at_stake(answers: Answers, policy: Policy | None) -> bool:
    # Control gaps and media attention shape reasons and the statement, whenever data is at stake.
    cats = answers.data_categories
    return cats is None or bool(set(cats) & (PERSONAL | SECRETS))


def _personal_at_stake(answers: Answers, policy: Policy | None) -> bool:
    cats = answers.data_categories
    return cats is None or bool(set(cats) & PERSONAL)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: Section
    kind: Kind
    text: Text
    help: Text
    options: tuple[Option, ...] = ()
    rule: Need | None = None  # None: asked while its answer could change the verdict

    def needed(self, answers: Answers, policy: Policy | None = None) -> bool:
        """Whether asking could change the verdict, given the answers so far."""
        if self.rule is not None:
            return self.rule(answers, policy)
        return decisive(answers, self.id, policy)


QUESTIONS: tuple[Question, ...] = (
    Question(
        id="discovered_at",
        section="when",
        kind="datetime",
        rule=_always,
        options=(
            Option(REPORTED, Text(ja="この報告の時点", en="When this was reported")),
            Option(
                "earlier", Text(ja="もっと前（日時を選ぶ）", en="Earlier — pick the date and time")
            ),
        ),
        text=Text(
            ja="社内の誰かがこの件を最初に知ったのはいつですか？",
            en="When did anyone in the company first learn of this?",
        ),
        help=Text(
            ja="カード会社・警察・お客様・委託先からの電話やメールを受けた時も「知った」に入ります。報告（/leak）した時ではありません。法律の期限（個人情報保護委員会への速報・確報、GDPRの72時間）はこの時から数えます。はっきりしなければ「この報告の時点」を選び、分かったら直してください。持ち出した本人だけが知っていた間は含みません。",
            en="A call or e-mail from a card company, the police, a customer or a vendor counts as knowing. It is not when you typed /leak. The legal deadlines (the reports to the PPC, GDPR's 72 hours) count from this moment. If you are not sure, choose 'when this was reported' and correct it once you know. Time when only the person who took the data knew does not count.",
        ),
    ),
    Question(
        id="data_categories",
        section="what",
        kind="multi",
        rule=_always,
        options=_options(DataCategory),
        text=Text(
            ja="漏えいした（またはそのおそれがある）情報の種類を、すべて選んでください。",
            en="What kinds of data leaked, or may have? Choose all that apply.",
        ),
        help=Text(
            ja="要配慮個人情報：人種、信条、社会的身分、病歴、犯罪の経歴、犯罪により害を被った事実、障害、健康診断等の結果、診療・調剤情報など（個人情報保護法第2条第3項）。1人分でも報告対象です。"
            "財産的被害につながる情報：クレジットカード番号（番号だけでも該当）、ネットバンキングや決済サービスのID・パスワード。カード番号の下4桁と有効期限だけ、または銀行口座番号だけ（ネットバンキングのパスワードなし）なら「その他の個人データ」を選んでください（個人情報保護委員会Q&A 6-12、14-8）。ID・パスワードは、決済・送金ができるサービスのものならC2です（次の質問で確認します）。"
            "営業秘密：秘密として管理され、有用で、公然と知られていない技術・営業情報。",
            en="Special-care data (要配慮個人情報): race, creed, social status, medical history, criminal record, having been a crime victim, disability, health-check results, medical and dispensing records (APPI art. 2(3)); reportable even for one person. "
            "Financial data: a card number (the number alone counts), net-banking or payment log-ins. Only the last 4 digits and the expiry date, or a bank account number alone (no net-banking password): choose 'other personal data' (PPC Q&A 6-12, 14-8). IDs with passwords are C2 where the service can pay or send money (the next question asks). "
            "Trade secrets: technical or business information kept secret, useful, and not publicly known.",
        ),
    ),
    Question(
        id="credentials_can_pay",
        section="what",
        kind="bool",
        text=Text(
            ja="漏えいしたID・パスワードで、お金の支払いや送金ができますか？",
            en="Can the leaked log-ins be used to pay for something or send money?",
        ),
        help=Text(
            ja="例：ネットショップのカード登録済みアカウント、ポイント・電子マネーの利用、ネットバンキング、決済アプリ。できる場合は「はい」（財産的被害のおそれ：C2、1人分でも報告対象）。会員サイトの閲覧だけなら「いいえ」。分からなければ「不明」：「はい」として扱います。",
            en="For example: a shop account with a saved card, points or e-money, net banking, a payment app. If they can, answer 'yes' (risk of property damage: C2, reportable even for one person). If they only open a members' page, 'no'. If you don't know, 'unknown': it is read as yes.",
        ),
    ),
    Question(
        id="data_subjects",
        section="what",
        kind="multi",
        rule=_personal_at_stake,
        options=_options(DataSubject),
        text=Text(
            ja="誰の情報ですか？当てはまる方をすべて選んでください。",
            en="Whose data is it? Choose everyone it concerns.",
        ),
        help=Text(
            ja="お詫びや通知の宛先と書き方が変わります（お客様・従業員・応募者・患者さま…）。取引先の担当者の名刺情報なら「取引先の担当者」。迷ったら当てはまりそうなものをすべて選んでください。",
            en="It decides whom the apology and notices address and how (customers, staff, applicants, patients, …). Business-card data of people at client companies: 'business partners'. If unsure, choose every group that may be in it.",
        ),
    ),
    Question(
        id="affected_count",
        section="what",
        kind="number",
        text=Text(
            ja="何人分の情報ですか？（現時点の推計。幅がある場合は上限）",
            en="How many people's data? (best current estimate; the upper bound of a range)",
        ),
        help=Text(
            ja="件数ではなく本人の数で数えます（同じ人の重複は1人）。1,000人を超えると報告対象（C4）、行政機関等は100人超。ちょうど1,000人は該当しません。分からなければ「不明」：すべての基準を超えるものとして扱います。",
            en="Count people, not records (one person counted once). More than 1,000 people makes it reportable (C4); more than 100 for a public body; exactly 1,000 is not enough. If you don't know, answer 'unknown': it is read as above every threshold.",
        ),
    ),
    Question(
        id="subject_regions",
        section="what",
        kind="multi",
        rule=_always,
        options=_options(Region),
        text=Text(
            ja="本人はどこに住んでいますか？当てはまる国・地域をすべて選んでください。",
            en="Where do the people live? Choose every region that applies.",
        ),
        help=Text(
            ja="EU・EEA・英国の居住者が含まれるとGDPR（英国GDPR）が適用され、認識から72時間以内に監督機関への通知が必要になり得ます。",
            en="If EU/EEA or UK residents are among them, the GDPR (UK GDPR) applies: the supervisory authority may need notice within 72 hours of awareness.",
        ),
    ),
    Question(
        id="exposure_period",
        section="what",
        kind="period",
        rule=_personal_at_stake,
        text=Text(
            ja="対象となる情報はいつからいつまでのものですか？（登録・利用・決済の期間）",
            en="From when to when are the affected records? (sign-ups, use or payments)",
        ),
        help=Text(
            ja="例：改ざんされた決済画面で「2024年1月10日〜3月31日」にカード決済した方。お知らせにこの期間を書くと、自分が対象か本人が判断できます。片方だけ分かれば片方だけ選んでください。分からなければ「不明」。",
            en="E.g. people who paid by card on the altered payment page between 10 January and 31 March 2024. Printed in the notice, it lets people tell whether they are affected. If you know only one end, pick only that one. If you don't know, 'unknown'.",
        ),
    ),
    Question(
        id="encryption",
        section="what",
        kind="single",
        options=_options(Encryption),
        text=Text(ja="漏えいしたデータは暗号化されていましたか？", en="Was the data encrypted?"),
        help=Text(
            ja="「高度な暗号化」とは、電子政府推奨暗号リスト等に載る安全な方式（例：AES-256）で暗号化され、鍵が適切に分けて管理され漏えいしていないものです。パスワード付きZIPやパスワードを同じ経路で送った場合は「不十分」です。高度な暗号化なら報告対象外になります。",
            en="High-grade encryption: a current, secure algorithm (e.g. AES-256, as listed in the Japanese e-Government recommended ciphers) with the key kept separately and not leaked. A password-protected ZIP, or a password sent the same way, is weak. High-grade encryption takes the data outside the reportable cases.",
        ),
    ),
    Question(
        id="key_compromised",
        section="what",
        kind="bool",
        text=Text(
            ja="復号鍵やパスワードも漏えいしましたか？",
            en="Did the decryption key or password leak too?",
        ),
        help=Text(
            ja="鍵やパスワードがデータと一緒に漏えいした、または推測可能な場合、暗号化による例外は適用されません。",
            en="If the key or password leaked with the data, or can be guessed, the encryption exception does not apply.",
        ),
    ),
    Question(
        id="leak_mode",
        section="how",
        kind="single",
        options=_options(LeakMode),
        text=Text(ja="どのように漏えいしましたか？", en="How did it leak?"),
        help=Text(
            ja="不正アクセス・ランサムウェア・内部者の持ち出し・スキミング・盗難は「不正の目的をもって行われたおそれ」（C3）に当たり、1人分でも報告対象で確報は60日以内です。本人の同意なく意図的に第三者へ提供した場合は「漏えい」ではなく第三者提供の問題です。",
            en="Unauthorized access, ransomware, insider theft, skimming and theft are possibly wrongful acts (C3): reportable for even one person, final report within 60 days. Handing data to a third party on purpose is not a leak but a third-party-provision problem.",
        ),
    ),
    Question(
        id="wrongful_act",
        section="how",
        kind="bool",
        text=Text(
            ja="不正な行為（攻撃、盗難、内部者の不正など）が関わっている可能性はありますか？",
            en="Could a wrongful act (an attack, theft, an insider) be behind it?",
        ),
        help=Text(
            ja="委託先での事故や原因不明の場合に確認します。不正の目的の「おそれ」があれば足ります。否定できなければ「はい」として扱います。",
            en="Asked for vendor incidents and unknown causes. A possibility is enough; until it is ruled out it is read as yes.",
        ),
    ),
    Question(
        id="cause",
        section="how",
        kind="text",
        rule=_something_at_stake,
        text=Text(
            ja="原因は、今分かっている範囲で何ですか？（一行で）",
            en="What caused it, as far as you know now? (one line)",
        ),
        help=Text(
            ja="例：「一斉メールの宛先をBCCではなくTOに入れた」「ECサイトの脆弱性を突かれ決済画面が改ざんされた」。分からなければ「不明」：お知らせには「調査中」と書きます。パスワードやカード番号は書かないでください（書いても伏せ字にします）。",
            en="E.g. 'the addresses went in To instead of Bcc', 'a flaw in the web shop let attackers alter the payment page'. If you don't know, 'unknown': the notice says it is under investigation. Do not type passwords or card numbers (they are masked if you do).",
        ),
    ),
    Question(
        id="access",
        section="how",
        kind="single",
        options=_options(Access),
        text=Text(
            ja="第三者によるアクセスや閲覧はありましたか？", en="Was the data accessed or viewed?"
        ),
        help=Text(
            ja="「否定済み」は、ログによりアクセスがないことを確認できた場合、または第三者に閲覧される前に回収した場合（例：誤送信先が未開封のまま削除したと確認できた）に限ります。確認できなければ「可能性あり」です。",
            en="'Ruled out' only when logs prove nobody accessed it, or it was recovered before anyone viewed it (e.g. the wrong recipient confirms deleting the e-mail unread). Otherwise it is 'suspected'.",
        ),
    ),
    Question(
        id="published",
        section="how",
        kind="bool",
        text=Text(
            ja="データが公開されていますか（リークサイト、インターネット上の掲示板など）？",
            en="Has the data been posted publicly (leak site, open web)?",
        ),
        help=Text(
            ja="攻撃者のリークサイトへの掲載や、誰でも閲覧できる場所への投稿を含みます。",
            en="Includes an attacker's leak site and any place anyone can read.",
        ),
    ),
    Question(
        id="secondary_damage",
        section="how",
        kind="bool",
        text=Text(
            ja="不正利用などの二次被害が確認されていますか？", en="Has misuse already been seen?"
        ),
        help=Text(
            ja="例：カードの不正利用、フィッシングメール、名簿業者への転売、競合他社による利用。",
            en="E.g. card fraud, phishing e-mails, resale to list brokers, use by a rival.",
        ),
    ),
    Question(
        id="contained",
        section="how",
        kind="bool",
        text=Text(
            ja="漏えいは止まりましたか（誤送付先での削除の確認を含む）？",
            en="Is it contained (including the wrong recipient's deletion)?",
        ),
        help=Text(
            ja="公開設定の修正、侵入経路の遮断、受信者による削除の確認など。",
            en="E.g. public access removed, the intruder's path closed, the recipient confirmed deletion.",
        ),
    ),
    Question(
        id="police_involved",
        section="how",
        kind="bool",
        text=Text(
            ja="警察は既に関わっていますか（相談・被害届・捜査）？",
            en="Are the police already involved (consulted, complaint filed, investigating)?",
        ),
        help=Text(
            ja="捜査中の場合、公表のタイミングを捜査当局とすり合わせる必要があります。",
            en="While they investigate, the timing of disclosure should be agreed with them.",
        ),
    ),
    Question(
        id="police_disclosure_hold",
        section="how",
        kind="bool",
        text=Text(
            ja="警察などの捜査機関から「公表は時期を相談してから」と頼まれていますか？",
            en="Have the investigators asked you to wait and agree with them when to announce it?",
        ),
        help=Text(
            ja="捜査中の事件では、公表が捜査に影響しないよう時期をすり合わせることがあります。頼まれている場合は「はい」：お知らせ文は準備しますが、合意した時期を記録するまで公表しません。本人への連絡や委託元への報告の期限は変わりません。",
            en="While a case is investigated, the announcement may need to wait so it does not harm the investigation. If they asked, answer 'yes': the statement is prepared but not published until the agreed timing is recorded. Legal deadlines for reports do not move.",
        ),
    ),
    Question(
        id="role",
        section="how",
        kind="single",
        options=_options(Role),
        text=Text(
            ja="このデータについて、当社は委託元ですか、委託先ですか？",
            en="For this data, are we the controller or a processor for a client?",
        ),
        help=Text(
            ja="委託先は、速報の期限内に委託元へ通知すれば自らの報告義務を免れます（委託元が報告・本人通知を行います）。",
            en="A processor that notifies its principal by the preliminary-report deadline is released from its own report duty (the principal reports and notifies individuals).",
        ),
    ),
    Question(
        id="controls_missing",
        section="controls",
        kind="multi",
        rule=_something_at_stake,
        options=_options(Control),
        text=Text(
            ja="再発防止のため、見直しが必要な安全管理措置があれば選んでください（事後の振り返りに使います）。",
            en="To prevent a recurrence: which security controls should be reviewed? (Used in the after-action review.)",
        ),
        help=Text(
            ja="報告義務の有無は変わりません。見直しが必要な措置が多いほど、報道・当局への説明をより丁寧に行う必要があります。",
            en="Control gaps do not change the legal duty, but they aggravate the case and raise the public posture needed.",
        ),
    ),
    Question(
        id="listed_company",
        section="context",
        kind="bool",
        text=Text(ja="当社は上場会社ですか？", en="Is the company listed on a stock exchange?"),
        help=Text(
            ja="上場会社は、重大な事案や営業秘密に影響がある場合に適時開示の要否を検討します。",
            en="A listed company reviews timely disclosure for serious cases and trade-secret impact.",
        ),
    ),
    Question(
        id="public_body",
        section="context",
        kind="bool",
        text=Text(
            ja="当組織は行政機関・地方公共団体等ですか？", en="Is the organisation a public body?"
        ),
        help=Text(
            ja="行政機関等は本人の数が100人を超えると報告対象です。公立病院・診療所・大学は漏えい等報告では民間と同じ扱い（個人情報保護法第58条第2項）のため「いいえ」を選んでください。",
            en="For public bodies, more than 100 people makes it reportable. Public hospitals, clinics and universities follow the private-sector rule for leak reports (APPI art. 58(2)): answer 'no'.",
        ),
    ),
    Question(
        id="media_aware",
        section="context",
        kind="bool",
        rule=_something_at_stake,
        text=Text(ja="報道機関は既にこの件を把握していますか？", en="Do the media already know?"),
        help=Text(
            ja="把握されている場合は、直ちにお知らせ文を公表します。",
            en="If they do, a holding statement goes out now.",
        ),
    ),
)

_BY_ID = {q.id: q for q in QUESTIONS}


def question(id: str) -> Question:
    """The question whose id (== answer field) is `id`; KeyError if there is none."""
    return _BY_ID[id]


def next_question(
    answers: Answers, asked: set[str] | frozenset[str] = frozenset(), policy: Policy | None = None
) -> Question | None:
    """The first question still unanswered (and not asked) whose answer could change the verdict."""
    for q in QUESTIONS:
        if is_open(q, answers, asked, policy):
            return q
    return None


def is_open(
    q: Question, answers: Answers, asked: Collection[str], policy: Policy | None = None
) -> bool:
    """Still to ask: not asked, unanswered, and needed. Awareness always has a value (the report's
    time until answered): whether it was asked is told by `asked` alone."""
    unanswered = q.kind == "datetime" or getattr(answers, q.id) is None
    return q.id not in asked and unanswered and q.needed(answers, policy)
