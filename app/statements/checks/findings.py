"""What the checker reports: a finding, its level and its message in both languages."""

from __future__ import annotations

from dataclasses import dataclass

WARN, INFO = "warn", "info"


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
    "denial_in_first_report": "サイバー攻撃の第1報で「〜していないことを確認」などと断定しています。後で撤回を迫られた例が多くあります。「現時点で…は確認されておりません」と書いてください。",
    "people_misnamed": "対象となる方の呼び方が回答と合っていません（お客様は顧客だけです。従業員・患者さま・応募者などと書いてください）。",
    "system_misnamed": "委託先のシステムを「当社のシステム」と書いています。「委託先のシステム」と書いてください。",
    "processor_own_report": "受託者（委託先）の文面が、自社で個人情報保護委員会へ報告する、本人へ個別に連絡すると約束しています。「各委託元事業者様と連携し…」と書いてください。",
    "card_title": "クレジットカード情報が対象なのに、タイトルに「クレジットカード情報」とありません。",
    "card_period": "クレジットカード情報の漏えいで、対象期間が書かれていません（不明なら【要記入：対象期間】）。",
    "card_fields": "対象となるカード情報の項目（カード名義人名・カード番号・有効期限・セキュリティコード）が揃っていません。",
    "card_companies": "クレジットカード会社と連携した不正利用のモニタリングと、カードの再発行（差し替え）の案内が書かれていません。",
    "card_police": "カード情報の漏えいで、警察への相談が具体的に書かれていません（「必要に応じて」では足りません）。",
    "leak_site_request": "情報がインターネット上に掲載されているのに、ダウンロードや拡散をしないようにとのお願いがありません。",
    "hold_unmarked": "公表時期を捜査機関と調整する案件なのに、「公表時期は捜査機関と調整のうえ決定」の表示がありません。",
    "hold_detail": "捜査中の案件で、技術情報・営業情報などの詳細を書いています。捜査に支障のない範囲にとどめてください。",
    "count_wording": "人数は「約200万名」「約1億2,000万名」のように書いてください（「最大約2,000,000名」「約12,000万名」は読みにくく、「最大」は誇張にも見えます）。",
    "date_past": "次回のご報告として約束している日時が、すでに過ぎています。",
    "apology_repeated": "本文でお詫びを繰り返しています。お詫びは冒頭の一か所にしてください。",
    "tone_overblown": "少数の方への個別のお知らせに「多大なる」や「専用窓口」は大げさです。事実に見合った表現にしてください。",
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
    "denial_in_first_report": "A first report of a cyber attack states that nothing was accessed or taken; companies have had to retract such claims. Say what has not been found so far.",
    "people_misnamed": "The people are named wrongly for the answers ('customers' only for customers; say employees, patients, applicants…).",
    "system_misnamed": "A contractor's system is called 'our systems'; say it is the contractor's.",
    "processor_own_report": "A processor promises its own PPC report or its own notices to individuals; its clients do that. Say it is working with its clients.",
    "card_title": "Payment card data is involved but the title does not say so.",
    "card_period": "A card leak without the period affected (use a placeholder if it is not known yet).",
    "card_fields": "The card fields are incomplete (cardholder name, card number, expiry date, security code).",
    "card_companies": "It does not say that the card companies are monitoring the cards and that cards can be replaced.",
    "card_police": "A card leak without a clear statement about the police ('as needed' is not enough).",
    "leak_site_request": "The data is posted online, but the statement does not ask people not to download or share it.",
    "hold_unmarked": "The timing must be agreed with the investigators, but the statement is not marked so.",
    "hold_detail": "The statement details trade secrets while the police are investigating; leave that out.",
    "count_wording": "Write counts as 'about 2 million', not 'up to about 2,000,000'.",
    "date_past": "The promised date of the next update is already past.",
    "apology_repeated": "The body apologises more than once; apologise once, at the start.",
    "tone_overblown": "A letter to a few people should not speak of 'great inconvenience' or a dedicated helpline.",
}


def finding(code: str, level: str = WARN, excerpt: str | None = None) -> Finding:
    return Finding(code, level, MESSAGES_JA[code], MESSAGES_EN[code], excerpt)
