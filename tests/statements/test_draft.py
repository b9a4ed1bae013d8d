"""Drafts for a range of incidents, in both languages: parts, order, certainty and tailoring."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.statements import Company, check_statement, default_next_update, draft_statement
from app.statements.draft import certainty
from tests.statements.cases import CASES, DISCOVERED
from tests.statements.helpers import CONTACT, LANGS, NOW, TOKYO, make_draft

HEADINGS = {
    "ja": [
        "【発生の経緯】",
        "【対象となる情報】",
        "【当社の対応】",
        "【お",
        "【お問い合わせ窓口】",
        "【今後のご報告】",
    ],
    "en": [
        "What happened",
        "What information is involved",
        "What we are doing",
        "What you can do",
        "Contact",
        "Next update",
    ],
}
APOLOGY = {"ja": "深くお詫び申し上げます", "en": "sincerely apologise"}
PLACEHOLDER = {
    "ja": "【要記入：専用お問い合わせ窓口】",
    "en": "[TO FILL IN: dedicated contact point]",
}
UNSURE = [n for n, c in CASES.items() if certainty(c.answers) in ("suspected", "unknown")]
CONFIRMED = [n for n, c in CASES.items() if certainty(c.answers) == "confirmed"]
RULED_OUT = [n for n, c in CASES.items() if certainty(c.answers) == "ruled_out"]

every_case = pytest.mark.parametrize("name", list(CASES))
every_lang = pytest.mark.parametrize("lang", LANGS)


def lines(text: str) -> list[str]:
    return text.splitlines()


def section(text: str, lang: str, heading: str) -> str:
    """The lines under one heading, up to the next heading."""
    all_lines = lines(text)
    start = next(i for i, line in enumerate(all_lines) if line.startswith(heading)) + 1
    rest = all_lines[start:]
    others = [h for h in HEADINGS[lang] if h != heading]
    end = next((i for i, line in enumerate(rest) if line.startswith(tuple(others))), len(rest))
    return "\n".join(rest[:end])


# --- every draft -------------------------------------------------------------------------------


@every_case
@every_lang
def test_generated_draft_has_no_findings_once_the_contact_is_set(name: str, lang: str) -> None:
    case = CASES[name]
    draft = make_draft(name, lang, contact=CONTACT)
    findings = check_statement(draft.text, lang, answers=case.answers, verdict=case.verdict)
    assert findings == []


@every_case
@every_lang
def test_without_a_contact_the_only_finding_is_the_marked_placeholder(name: str, lang: str) -> None:
    case = CASES[name]
    draft = make_draft(name, lang)
    findings = check_statement(draft.text, lang, answers=case.answers, verdict=case.verdict)
    assert [(f.code, f.level, f.excerpt) for f in findings] == [
        ("placeholder_unfilled", "warn", PLACEHOLDER[lang])
    ]
    assert PLACEHOLDER[lang] in section(draft.text, lang, HEADINGS[lang][4])


@every_case
@every_lang
def test_parts_come_in_crisis_pr_order(name: str, lang: str) -> None:
    text = make_draft(name, lang).text
    positions = [text.index(APOLOGY[lang])]
    positions += [text.index("\n" + heading) for heading in HEADINGS[lang]]
    assert positions == sorted(positions)
    assert text.rstrip().endswith("以上" if lang == "ja" else "this has caused.")


@every_case
def test_japanese_title_follows_the_house_format(name: str) -> None:
    draft = make_draft(name, "ja")
    assert re.fullmatch(r".+に関するお詫びとお知らせ（第1報）", draft.title)
    assert draft.text == f"{draft.title}\n\n{draft.body}"


@every_case
def test_english_title_follows_the_house_format(name: str) -> None:
    draft = make_draft(name, "en")
    assert re.fullmatch(r"Notice and apology regarding .+ \(update 1\)", draft.title)
    assert "\n" not in draft.title


@every_case
@every_lang
def test_formatting_is_plain_enough_for_slack_and_teams(name: str, lang: str) -> None:
    text = make_draft(name, lang).text
    assert not [line for line in lines(text) if line.lstrip().startswith(("#", "*", ">"))]
    assert "**" not in text and "\n\n\n" not in text and "  " not in text
    assert "{{" not in text and "{%" not in text
    assert all(line == line.strip() for line in lines(text))


@every_case
@every_lang
def test_apology_names_the_company(name: str, lang: str) -> None:
    body = make_draft(name, lang).body
    expected = (
        "株式会社サンプル（以下「当社」）は、"
        if lang == "ja"
        else "Sample Co., Ltd. sincerely apologises"
    )
    assert expected in body


@every_case
@every_lang
def test_next_update_promised_is_the_default_for_the_severity(name: str, lang: str) -> None:
    draft = make_draft(name, lang)
    expected = default_next_update(CASES[name].verdict["severity"], NOW, "Asia/Tokyo")
    assert draft.next_update_at == expected
    next_update = section(draft.text, lang, HEADINGS[lang][5])
    if lang == "ja":
        assert f"{expected.month}月{expected.day}日" in next_update and "判明し次第" in next_update
    else:
        assert f"{expected:%H:%M} JST" in next_update and "as soon as" in next_update


@every_case
@every_lang
def test_discovery_date_is_stated(name: str, lang: str) -> None:
    happened = section(make_draft(name, lang).text, lang, HEADINGS[lang][0])
    assert ("2026年11月28日、" if lang == "ja" else "On 28 November 2026, we") in happened


# --- certainty ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNSURE)
def test_unconfirmed_access_is_worded_as_a_possibility(name: str) -> None:
    ja = section(make_draft(name, "ja").text, "ja", "【発生の経緯】")
    en = section(make_draft(name, "en").text, "en", "What happened")
    if CASES[name].answers.get("leak_mode") != "intentional_provision":
        assert "漏えいしたおそれがあります" in ja
        assert "may have been accessed" in en
    for claim in ("確認いたしました", "流出しました", "漏えいしました", "していないことを確認"):
        assert claim not in ja
    for claim in ("has confirmed", "was stolen", "was viewed", "no third party"):
        assert claim not in en


@pytest.mark.parametrize("name", UNSURE)
def test_unconfirmed_titles_say_possible_where_they_name_a_leak(name: str) -> None:
    ja, en = make_draft(name, "ja").title, make_draft(name, "en").title
    if "漏えい" in ja:
        assert "漏えいのおそれ" in ja
    if "leak" in en:
        assert "possible leak" in en


@pytest.mark.parametrize("name", CONFIRMED)
def test_confirmed_access_is_stated_without_hedging(name: str) -> None:
    ja = section(make_draft(name, "ja").text, "ja", "【発生の経緯】")
    en = section(make_draft(name, "en").text, "en", "What happened")
    assert "おそれがあります" not in ja and "may have been accessed" not in en
    assert re.search("(確認|判明)いたしました", ja)
    assert "おそれ" not in make_draft(name, "ja").title
    assert "possible" not in make_draft(name, "en").title


@pytest.mark.parametrize("name", RULED_OUT)
def test_ruled_out_access_may_say_nothing_was_viewed(name: str) -> None:
    ja = section(make_draft(name, "ja").text, "ja", "【発生の経緯】")
    en = section(make_draft(name, "en").text, "en", "What happened")
    assert "閲覧・取得していないことを確認しております" in ja
    assert "no third party viewed or took this information" in en
    assert "おそれがあります" not in ja and "may have been accessed" not in en


def test_published_and_misused_data_are_reported_as_seen() -> None:
    ja = make_draft("credentials_published_sev1", "ja").text
    en = make_draft("credentials_published_sev1", "en").text
    assert "インターネット上に掲載されていることを確認" in ja and "悪用されたとみられる被害" in ja
    assert "posted on the internet" in en and "misused" in en


def test_strong_encryption_lowers_the_risk_without_denying_the_loss() -> None:
    ja = make_draft("lost_laptop_strong_encryption", "ja").text
    en = make_draft("lost_laptop_strong_encryption", "en").text
    assert "漏えいしたおそれがあります" in ja and "高度な暗号化" in ja and "おそれは低い" in ja
    assert "may have been accessed" in en and "strong encryption" in en and "risk" in en
    assert "念のため" in ja and "As a precaution" in en


# --- what data, whose, how many -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ja", "en"),
    [
        (
            "ransomware_card_sev1",
            "お客様等　最大約12,000名（調査中）",
            "up to about 12,000 people (under investigation)",
        ),
        (
            "misdelivery_customers_sev3",
            "お客様等　最大40名（調査中）",
            "up to 40 people (under investigation)",
        ),
        (
            "misdelivery_recovered_unviewed",
            "お客様等　1名（調査中）",
            "our customers and others, 1 person (under investigation)",
        ),
        (
            "misdelivery_business_sev4",
            "お取引先様　最大12名（調査中）",
            "our business contacts, up to 12 people",
        ),
        (
            "processor_skimming",
            "当社が業務を受託している事業者様のお客様等",
            "customers of the businesses we provide services to",
        ),
        (
            "nothing_known_yet",
            "お客様等（人数は調査中）",
            "our customers and others (number under investigation)",
        ),
    ],
)
def test_who_and_how_many_is_hedged_while_not_final(name: str, ja: str, en: str) -> None:
    assert ja in section(make_draft(name, "ja").text, "ja", "【対象となる情報】")
    assert en in section(make_draft(name, "en").text, "en", "What information is involved")


@pytest.mark.parametrize(
    ("name", "ja", "en"),
    [
        ("ransomware_card_sev1", "クレジットカード情報", "credit card"),
        ("credentials_published_sev1", "ログインID・パスワード", "IDs and passwords"),
        ("vendor_special_care", "要配慮個人情報", "sensitive personal information"),
        (
            "trade_secret_only",
            "当社の技術情報・営業情報の一部",
            "some of our technical and business information",
        ),
        ("nothing_known_yet", "対象となる情報：調査中", "What: under investigation"),
    ],
)
def test_data_categories_are_in_plain_words(name: str, ja: str, en: str) -> None:
    assert ja in make_draft(name, "ja").text
    assert en in make_draft(name, "en").text


def test_no_personal_data_means_no_who_line() -> None:
    assert "対象となる方：" not in make_draft("trade_secret_only", "ja").text
    assert "- Who:" not in make_draft("trade_secret_only", "en").text


# --- what we are doing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ja", "en"),
    [
        (
            "ransomware_card_sev1",
            "個人情報保護委員会への報告を進めております",
            "We are reporting the incident to Japan's Personal Information Protection Commission",
        ),
        (
            "misconfiguration_access_unknown",
            "法令に基づき、個人情報保護委員会へ必要な報告を行ってまいります",
            "Personal Information Protection Commission (PPC) as the law requires",
        ),
        (
            "processor_skimming",
            "法令に基づき、個人情報保護委員会へ必要な報告を行ってまいります",
            "as the law requires",
        ),
    ],
)
def test_ppc_report_follows_the_verdict(name: str, ja: str, en: str) -> None:
    assert ja in make_draft(name, "ja").text
    assert en in make_draft(name, "en").text


@pytest.mark.parametrize(
    "name",
    ["misdelivery_customers_sev3", "misdelivery_business_sev4", "lost_laptop_strong_encryption"],
)
def test_no_ppc_line_when_no_report_is_required(name: str) -> None:
    assert "個人情報保護委員会" not in make_draft(name, "ja").text
    assert "Protection Commission" not in make_draft(name, "en").text


@pytest.mark.parametrize(
    "name", ["ransomware_card_sev1", "vendor_special_care", "credentials_published_sev1"]
)
def test_a_recommended_police_contact_is_a_plan_not_a_claim(name: str) -> None:
    """The verdict recommends the police; nobody said they were consulted: the statement must
    not say so in public."""
    assert "police_involved" not in CASES[name].answers
    ja, en = make_draft(name, "ja").text, make_draft(name, "en").text
    assert "必要に応じて警察とも連携してまいります" in ja and "相談しております" not in ja
    assert "We will work with the police as needed." in en and "consulting" not in en


@pytest.mark.parametrize(
    "name", ["ransomware_card_sev1", "vendor_special_care", "credentials_published_sev1"]
)
def test_police_already_involved_are_named_as_consulted(name: str) -> None:
    case = CASES[name]
    answers = {**case.answers, "police_involved": True}
    for lang, line in (("ja", "警察に相談しております"), ("en", "We are consulting the police.")):
        text = draft_statement(answers, case.verdict, lang, company=Company(name="X"), now=NOW)
        assert line in text.text


@pytest.mark.parametrize("name", ["insider_theft_police", "trade_secret_only"])
def test_insider_theft_under_investigation_keeps_the_police_unnamed(name: str) -> None:
    ja, en = make_draft(name, "ja").text, make_draft(name, "en").text
    assert "警察" not in ja and "関係機関と連携し" in ja
    assert "police" not in en.lower() and "relevant authorities" in en


@pytest.mark.parametrize("name", ["misdelivery_customers_sev3", "lost_laptop_strong_encryption"])
def test_no_police_for_plain_error_or_loss(name: str) -> None:
    assert "警察" not in make_draft(name, "ja").text
    assert "police" not in make_draft(name, "en").text


def test_containment_status_is_reported_as_it_is() -> None:
    assert (
        "切り離しなど、被害の拡大を防ぐための措置を進めております"
        in make_draft("ransomware_card_sev1", "ja").text
    )
    assert "We are isolating the affected systems" in make_draft("ransomware_card_sev1", "en").text
    assert (
        "設定を修正し、外部から閲覧できない状態にいたしました"
        in make_draft("misconfiguration_access_unknown", "ja").text
    )
    assert (
        "We have corrected the configuration"
        in make_draft("misconfiguration_access_unknown", "en").text
    )


@pytest.mark.parametrize(
    "name", ["ransomware_card_sev1", "credentials_published_sev1", "processor_skimming"]
)
def test_attacks_are_investigated_with_outside_experts(name: str) -> None:
    assert "外部の専門機関の協力を得て" in make_draft(name, "ja").text
    assert "outside security experts" in make_draft(name, "en").text


def test_vendor_incident_is_described_neutrally() -> None:
    ja, en = (
        make_draft("vendor_special_care", "ja").text,
        make_draft("vendor_special_care", "en").text,
    )
    assert "当社が個人情報の取扱いを委託している事業者（以下「委託先」）において" in ja
    assert "at a contractor that handles personal information on our behalf" in en
    for word in ("不手際", "過失", "ミス", "責任"):
        assert word not in ja
    for word in ("fault", "error", "mistake", "negligen", "blame"):
        assert word not in en.lower()


def test_gdpr_relevant_incidents_mention_the_european_authorities() -> None:
    assert "欧州連合（EU）および英国" in make_draft("misconfiguration_access_unknown", "ja").text
    assert "in the EU or the UK" in make_draft("misconfiguration_access_unknown", "en").text
    assert "EU" not in make_draft("ransomware_card_sev1", "en").text


def test_processor_says_it_informed_its_principals() -> None:
    assert (
        "当社に業務を委託されている事業者様へご報告し"
        in make_draft("processor_skimming", "ja").text
    )
    assert (
        "We have informed the businesses on whose behalf"
        in make_draft("processor_skimming", "en").text
    )


def test_individuals_are_contacted_once_identified_when_the_count_is_unknown() -> None:
    assert (
        "対象となる方が特定でき次第、個別にご連絡いたします"
        in make_draft("nothing_known_yet", "ja").text
    )
    assert (
        "individually as soon as we have identified them"
        in make_draft("nothing_known_yet", "en").text
    )
    assert "順次個別にご連絡いたします" in make_draft("ransomware_card_sev1", "ja").text


# --- what affected people should do ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ja", "en"),
    [
        (
            "ransomware_card_sev1",
            ["ご利用明細", "カード発行会社", "再発行"],
            ["card and bank statements", "card issuer", "reissued"],
        ),
        (
            "credentials_published_sev1",
            ["パスワードを変更してください", "同じパスワード"],
            ["change your password", "same password"],
        ),
        (
            "misdelivery_customers_sev3",
            ["当社を装った不審な", "お尋ねすることはありません"],
            ["claim to come from us", "never ask you for your password"],
        ),
        (
            "vendor_special_care",
            ["ご不安な思い", "専用窓口までご相談ください"],
            ["distressing", "in confidence"],
        ),
        ("trade_secret_only", ["ご対応いただく必要はございません"], ["nothing you need to do"]),
    ],
)
def test_advice_is_tailored_to_what_leaked(name: str, ja: list[str], en: list[str]) -> None:
    ja_advice = section(make_draft(name, "ja").text, "ja", "【お")
    en_advice = section(make_draft(name, "en").text, "en", "What you can do")
    assert all(phrase in ja_advice for phrase in ja)
    assert all(phrase in en_advice for phrase in en)


@pytest.mark.parametrize(
    "name", ["misconfiguration_access_unknown", "misdelivery_customers_sev3", "trade_secret_only"]
)
def test_card_advice_only_when_payment_data_is_involved(name: str) -> None:
    assert "カード発行会社" not in make_draft(name, "ja").text
    assert "card issuer" not in make_draft(name, "en").text


def test_no_phishing_warning_when_no_personal_data() -> None:
    assert "装った" not in make_draft("trade_secret_only", "ja").text
    assert "claim to come from us" not in make_draft("trade_secret_only", "en").text


# --- parameters --------------------------------------------------------------------------------


@every_lang
def test_contact_point_replaces_the_placeholder(lang: str) -> None:
    text = make_draft("ransomware_card_sev1", lang, contact=CONTACT).text
    assert CONTACT in text and PLACEHOLDER[lang] not in text


@every_lang
def test_company_name_is_optional(lang: str) -> None:
    case = CASES["ransomware_card_sev1"]
    draft = draft_statement(case.answers, case.verdict, lang, company=Company(), now=NOW)
    assert ("このたびの事案により" if lang == "ja" else "We sincerely apologise") in draft.body
    assert "None" not in draft.text


def test_discovery_is_shown_in_the_configured_timezone() -> None:
    case = CASES["ransomware_card_sev1"]
    answers = {**case.answers, "discovered_at": "2026-11-27T20:00:00Z"}
    args = (answers, case.verdict)
    tokyo = draft_statement(*args, "ja", company=Company(), now=NOW)
    london = draft_statement(*args, "en", company=Company(), now=NOW, tz="Europe/London")
    assert "2026年11月28日、" in tokyo.body
    assert "On 27 November 2026," in london.body
    assert london.next_update_at is not None and london.next_update_at.tzinfo == ZoneInfo(
        "Europe/London"
    )


def test_explicit_next_update_is_formatted_per_language() -> None:
    when = datetime(2026, 11, 29, 12, 30, tzinfo=TOKYO)
    ja = make_draft("ransomware_card_sev1", "ja", next_update_at=when)
    en = make_draft("ransomware_card_sev1", "en", next_update_at=when)
    assert ja.next_update_at == when == en.next_update_at
    assert "次回のご報告は、2026年11月29日（日）12時30分までに行う予定です。" in ja.body
    assert "by 12:30 JST on Sunday 29 November 2026." in en.body


def test_other_timezones_are_named_in_japanese() -> None:
    draft = make_draft("ransomware_card_sev1", "ja", tz="Europe/London")
    assert "（GMT）" in draft.body


@every_lang
def test_edition_numbers_the_statement(lang: str) -> None:
    draft = make_draft("ransomware_card_sev1", lang, edition=2)
    assert draft.title.endswith("（第2報）" if lang == "ja" else "(update 2)")


def test_discovered_at_that_cannot_be_read_is_left_out_not_guessed() -> None:
    case = CASES["ransomware_card_sev1"]
    answers = {**case.answers, "discovered_at": "last Tuesday"}
    draft = draft_statement(answers, case.verdict, "ja", company=Company(), now=NOW)
    assert "このたび、当社のシステムが" in draft.body


def test_rejects_naive_times_and_unknown_languages() -> None:
    case = CASES["ransomware_card_sev1"]
    with pytest.raises(ValueError, match="now"):
        draft_statement(
            case.answers, case.verdict, "ja", company=Company(), now=datetime(2026, 11, 28)
        )
    with pytest.raises(ValueError, match="next_update_at"):
        make_draft("ransomware_card_sev1", "ja", next_update_at=datetime(2026, 11, 29))
    with pytest.raises(ValueError, match="lang"):
        make_draft("ransomware_card_sev1", "fr")  # type: ignore[arg-type]
    assert DISCOVERED.endswith("+09:00")


# --- company templates -------------------------------------------------------------------------


def test_company_template_overrides_one_language_and_the_other_falls_back(tmp_path: Path) -> None:
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "holding.md.j2").write_text(
        "{% import 'ja/_words.md.j2' as w with context %}"
        "【重要】{{ w.subject()|para }}について（第{{ edition }}報）\n\n"
        "{{ company }}より、深くお詫び申し上げます。\n"
        "お問い合わせ：{{ contact or '未設定' }}\n",
        encoding="utf-8",
    )
    ja = make_draft("ransomware_card_sev1", "ja", template_dir=tmp_path)
    en = make_draft("ransomware_card_sev1", "en", template_dir=tmp_path)
    assert ja.title == "【重要】ランサムウェア被害による個人情報漏えいのおそれについて（第1報）"
    assert ja.body == "株式会社サンプルより、深くお詫び申し上げます。\nお問い合わせ：未設定"
    assert en.text == make_draft("ransomware_card_sev1", "en").text


def test_company_can_override_only_the_phrases(tmp_path: Path) -> None:
    packaged = (
        Path(__file__).parents[2] / "app" / "statements" / "templates" / "en" / "_words.md.j2"
    )
    words = packaged.read_text(encoding="utf-8").replace(
        "Please change your password for our service.", "Please change your Sample ID password."
    )
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "_words.md.j2").write_text(words, encoding="utf-8")
    draft = make_draft("credentials_published_sev1", "en", template_dir=tmp_path)
    assert "Please change your Sample ID password." in draft.text
    assert draft.title == make_draft("credentials_published_sev1", "en").title


def test_missing_template_folder_falls_back_to_the_packaged_templates(tmp_path: Path) -> None:
    draft = make_draft("ransomware_card_sev1", "ja", template_dir=tmp_path / "nowhere")
    assert draft.text == make_draft("ransomware_card_sev1", "ja").text
