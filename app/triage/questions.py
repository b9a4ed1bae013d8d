"""The triage questions in the article's order (when → what leaked → how → controls → context),
bilingual: the question bank. What a question is lives in `question_types.py`, which of them
come next in `walk.py`; the labels of the answers' values in `labels.py`."""

from __future__ import annotations

from app.triage.labels import BOOL_LABELS as BOOL_LABELS
from app.triage.labels import VALUE_LABELS as VALUE_LABELS
from app.triage.labels import label as label
from app.triage.models import (
    Access,
    Control,
    DataCategory,
    DataSubject,
    Encryption,
    LeakMode,
    Region,
    Role,
    Text,
)
from app.triage.question_types import SECTIONS as SECTIONS
from app.triage.question_types import Kind as Kind
from app.triage.question_types import Need as Need
from app.triage.question_types import (
    Option,
    Question,
    always,
    options_of,
    personal_at_stake,
    something_at_stake,
)
from app.triage.question_types import Section as Section

# The awareness question's quick choice: the report's own time (/leak, the shortcut).
REPORTED = "reported"
# Asked in the triage but no verdict question: awareness (the report's time stands in until it is
# answered, shown as an assumption) and the facts the statement quotes (whose data, the period,
# the cause). "Every question that matters is answered" does not wait for them.
# Not asked in the urgent triage: the after-action review asks them a day after the first
# statement is out (or at close). Answered, they count in the verdict as any answer does (missing controls
# raise the public posture, DESIGN.md).
AFTER_ACTION: frozenset[str] = frozenset({"controls_missing"})
# What the security responders can answer better than a reporter: handed to them with one press.
TECHNICAL: frozenset[str] = frozenset(
    {"encryption", "key_compromised", "wrongful_act", "access", "contained"}
)
OUTSIDE_VERDICT: frozenset[str] = frozenset(
    {"discovered_at", "data_subjects", "exposure_period", "cause"}
)


QUESTIONS: tuple[Question, ...] = (
    Question(
        id="discovered_at",
        section="when",
        kind="datetime",
        rule=always,
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
        rule=always,
        options=options_of(DataCategory),
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
        rule=personal_at_stake,
        options=options_of(DataSubject),
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
        rule=always,
        options=options_of(Region),
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
        rule=personal_at_stake,
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
        options=options_of(Encryption),
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
        options=options_of(LeakMode),
        text=Text(ja="どのように漏えいしましたか？", en="How did it leak?"),
        help=Text(
            ja="不正アクセス・ランサムウェア・内部者の持ち出し・スキミング・盗難は「不正の目的をもって行われたおそれ」（C3）に当たり、1人分でも報告対象で確報は60日以内です。本人の同意なく意図的に第三者へ提供した場合は「漏えい」ではなく第三者提供の問題です。委託先・取引先のシステムで起きた場合は、ランサムウェアなど攻撃によるものでも「委託先・取引先での事故」を選んでください（お知らせは「当社のシステム」でなく委託先のシステムと書きます。攻撃だったかは、判定に関わる場合に別の質問で伺います）。",
            en="Unauthorized access, ransomware, insider theft, skimming and theft are possibly wrongful acts (C3): reportable for even one person, final report within 60 days. Handing data to a third party on purpose is not a leak but a third-party-provision problem. If it happened on a vendor's systems, choose 'Incident at a vendor', even for ransomware or another attack: the notice then speaks of the contractor's systems, not ours. Whether it was an attack is asked separately where it matters.",
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
        rule=something_at_stake,
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
        options=options_of(Access),
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
        options=options_of(Role),
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
        rule=something_at_stake,
        options=options_of(Control),
        text=Text(
            ja="再発防止のため、見直しが必要な安全管理措置があれば選んでください（事後の振り返りに使います）。",
            en="To prevent a recurrence: which security controls should be reviewed? (Used in the after-action review.)",
        ),
        help=Text(
            ja="誰かの責任を問うための質問ではありません。仕組みとして何を強化するかを決めるためのものです。報告義務の有無は変わりませんが、見直しが必要な措置が多いほど、報道・当局への説明をより丁寧に行う必要があります。",
            en="This is not about anyone's fault: it decides what the organisation strengthens. It does not change the legal duty, but the more controls need review, the more carefully the company must explain itself to the press and the authorities.",
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
        rule=something_at_stake,
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
