"""The communications pack: which pieces an incident needs, each piece drafted from the approved
notice in both languages, and each held to the notice by the same checker."""

from __future__ import annotations

import re

import pytest

from app.statements import Company
from app.statements.pack import (
    PIECES,
    check_piece,
    draft_piece,
    pieces_for,
    press_readiness,
    render_html,
)
from tests.statements.cases import CASES
from tests.statements.helpers import COMPANY, NOW, make_draft

CONTACT = {"ja": "お客様専用ダイヤル 0120-000-000", "en": "Customer helpline 0120-000-000"}


def notice_for(name: str, lang: str) -> str:
    return make_draft(name, lang, contact=CONTACT[lang]).text


def piece(kind: str, name: str, lang: str, **kwargs: object) -> tuple[str, str]:
    case = CASES[name]
    notice = kwargs.pop("notice", None) or notice_for(name, lang)
    text = draft_piece(
        kind,
        notice=str(notice),
        answers=case.answers,
        verdict=case.verdict,
        company=Company(COMPANY[lang], CONTACT[lang]),
        lang=lang,
        now=NOW,
        tz="Asia/Tokyo",
        **kwargs,  # type: ignore[arg-type]
    )
    return text, str(notice)


def codes(kind: str, text: str, notice: str, name: str, lang: str) -> set[str]:
    findings = check_piece(
        kind, text, notice=notice, answers=CASES[name].answers, lang=lang, now=NOW
    )
    return {f.code for f in findings}


# --- which pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        ("skimming_web_shop", ("social", "letter", "qa")),
        ("misdelivery_twelve_letter", ("letter",)),
        ("encrypted_laptop_none", ()),
        ("insider_trade_secrets_hold", ("social", "letter", "qa")),
        ("processor_ransomware", ()),
    ],
)
def test_an_incident_gets_the_pieces_its_verdict_calls_for(
    name: str, expected: tuple[str, ...]
) -> None:
    case = CASES[name]
    assert pieces_for(case.answers, case.verdict) == expected


def test_a_letter_comes_wherever_notifying_individuals_is_recommended() -> None:
    case = CASES["skimming_web_shop"]
    verdict = {
        **case.verdict,
        "appi": {**case.verdict["appi"], "notify_individuals": "recommended"},
    }
    assert "letter" in pieces_for(case.answers, verdict)
    verdict["appi"]["notify_individuals"] = "not_required"
    verdict["gdpr"] = {"notify_individuals": "not_required"}
    assert "letter" not in pieces_for(case.answers, verdict)


def test_an_unknown_piece_or_language_is_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        piece("poster", "skimming_web_shop", "ja")
    case = CASES["skimming_web_shop"]
    with pytest.raises(ValueError, match="lang must be one of"):
        draft_piece(
            "social",
            notice="x",
            answers=case.answers,
            verdict=case.verdict,
            company=Company(),
            lang="fr",
            now=NOW,
            tz="Asia/Tokyo",
        )


# --- the pack, clean in both languages -----------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("kind", PIECES)
def test_a_piece_drafted_from_the_notice_says_nothing_the_notice_does_not(
    kind: str, lang: str
) -> None:
    text, notice = piece(kind, "skimming_web_shop", lang, notice_url="https://example.jp/n/1")
    found = codes(kind, text, notice, "skimming_web_shop", lang)
    assert not {c for c in found if c.startswith(("pack_", "social_", "letter_", "qa_"))}, found
    # What is left is what only people can fill in (the Q&A's card fee and compensation).
    assert found <= {"placeholder_unfilled"}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_pieces_facts_follow_the_notice_as_the_pr_lead_edited_it(lang: str) -> None:
    notice = notice_for("skimming_web_shop", lang)
    edited = notice.replace("2,400", "2,500")
    for kind in PIECES:
        text, _ = piece(kind, "skimming_web_shop", lang, notice=edited)
        assert "2,400" not in text
        assert not any(
            f.code == "pack_count_mismatch"
            for f in check_piece(
                kind, text, notice=edited, answers=CASES["skimming_web_shop"].answers, lang=lang
            )
        )


# --- social post ---------------------------------------------------------------------------------


def test_the_japanese_post_points_to_the_notice_and_says_what_to_do() -> None:
    text, notice = piece("social", "skimming_web_shop", "ja")
    title = notice.splitlines()[0]
    assert text.splitlines()[0] == f"【重要】{title}"
    assert "クレジットカードのご利用明細に、身に覚えのない請求がないかご確認ください。" in text
    assert text.endswith("詳細はこちら：【要記入：お知らせ文のURL】")
    # the title says お詫び; the post still apologises in a line of its own
    assert "ご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。" in text.splitlines()


def test_the_english_post_apologises_and_links_to_the_notice() -> None:
    text, _ = piece("social", "skimming_web_shop", "en", notice_url="https://example.com/n")
    assert "Please check your card statements" in text
    assert "We are very sorry" in text
    assert text.endswith("Details: https://example.com/n")


def test_a_post_for_data_on_a_leak_site_asks_people_not_to_look() -> None:
    text, _ = piece("social", "leak_site_ransomware", "ja")
    assert "アクセスはお控えください" in text


def test_a_hedged_notice_gives_a_hedged_post() -> None:
    name = "misconfiguration_access_unknown"
    for lang in ("ja", "en"):
        text, notice = piece("social", name, lang)
        assert "pack_certainty_upgraded" not in codes("social", text, notice, name, lang)
    text, _ = piece("social", name, "ja")
    assert "漏えいしたことを確認" not in text


# --- letter --------------------------------------------------------------------------------------


def test_the_japanese_letter_carries_the_ppcs_items_as_email_and_as_a_letter() -> None:
    text, notice = piece("letter", "skimming_web_shop", "ja")
    email, printed = text.split("\n---\n")
    assert "件名：【重要】" in email and "［お名前］様" in email
    for part in (email, printed):
        for heading in (
            "【概要】",
            "【対象となる情報】",
            "【原因】",
            "【二次被害の有無】",
            "【お問い合わせ窓口】",
        ):
            assert heading in part
        assert "約2,400名" in part and "セキュリティコード" in part
        assert "カード発行会社へお問い合わせください" in part
        assert CONTACT["ja"] in part
    assert "2026年11月28日" in printed and "拝啓" in printed and "敬具" in printed
    assert printed.rstrip().endswith("以上")
    assert email.rstrip().endswith("株式会社サンプル")
    # the letter is the promised individual notice: it does not promise itself, and the
    # website's edition number (第1報) is not the letter's
    assert "個別にご連絡" not in text
    assert "第1報" not in text and "第1報" in notice


def test_the_english_letter_is_signed_and_dated() -> None:
    text, _ = piece("letter", "skimming_web_shop", "en")
    email, printed = text.split("\n---\n")
    # the event the title names, not its blunt outcome ("…: payment card information stolen")
    assert (
        email.splitlines()[2]
        == "Subject: Important notice: Unauthorised access to our online store"
    )
    assert "Dear [NAME]," in printed and "28 November 2026" in printed
    assert printed.rstrip().endswith("Yours sincerely,\nSample Co., Ltd.")
    for heading in ("What happened", "What information is involved", "Cause", "Misuse"):
        assert heading in printed


def letter_parts(name: str, lang: str) -> tuple[str, str]:
    text, _ = piece("letter", name, lang)
    email, printed = text.split("\n---\n")
    return email, printed


def section(part: str, heading: str) -> list[str]:
    """The lines under a heading, up to the next blank line."""
    lines = part.splitlines()
    start = lines.index(heading) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


@pytest.mark.parametrize(
    "name,lang,opening",
    [
        (
            "skimming_web_shop",
            "ja",
            "このたびの不正アクセスによるクレジットカード情報を含む個人情報漏えいに関し、対象となる情報に"
            "［お名前］様のクレジットカード情報等の個人情報が含まれていることが判明いたしました。",
        ),
        (
            "misconfiguration_access_unknown",
            "ja",
            "対象となる情報に［お名前］様の個人情報が含まれている可能性があることが判明いたしました。",
        ),
        ("ransomware_first_report_ruled_out", "ja", "［お名前］様の個人情報が含まれております。"),
        (
            "skimming_web_shop",
            "en",
            "We are writing because your personal and payment card information was among the data "
            "taken.",
        ),
        (
            "misconfiguration_access_unknown",
            "en",
            "We are writing because your personal information may have been among the data viewed "
            "by a third party.",
        ),
        (
            "ransomware_first_report_ruled_out",
            "en",
            "We are writing because your personal information is among the data involved.",
        ),
        (
            "misdelivery_twelve_letter",
            "en",
            "We are writing because your personal information was among the data sent by mistake.",
        ),
    ],
)
def test_the_letter_tells_the_reader_their_data_is_among_it_as_surely_as_the_notice(
    name: str, lang: str, opening: str
) -> None:
    """Found, possible, or held where no sign of a leak is found: the notice's certainty, said to
    the reader about their own data, before anything else; and nothing beyond the notice."""
    text, notice = piece("letter", name, lang)
    for part in text.split("\n---\n"):
        assert opening in part
        before = part.split(opening)[0]
        assert "【概要】" not in before and "What happened" not in before
    found = codes("letter", text, notice, name, lang)
    assert not {c for c in found if c.startswith(("pack_", "letter_"))}, found
    if "可能性" in opening or "may have been" in opening:
        assert "含まれていることが判明" not in text and " was among" not in text


@pytest.mark.parametrize(
    "lang,apology,public",
    [
        (
            "ja",
            "［お名前］様には多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。",
            "関係者の皆様",
        ),
        (
            "en",
            "We are very sorry for the worry and inconvenience this causes you.",
            "our customers",
        ),
    ],
)
def test_the_letter_apologises_to_the_reader_not_to_the_public(
    lang: str, apology: str, public: str
) -> None:
    for part in letter_parts("skimming_web_shop", lang):
        assert apology in part
        assert public not in part.split(apology)[0]
    assert public in notice_for("skimming_web_shop", lang)  # the notice keeps its own apology


@pytest.mark.parametrize(
    "lang,heading,items,who",
    [
        (
            "ja",
            "【対象となる情報】",
            [
                "・クレジットカード情報（カード名義人名、クレジットカード番号、有効期限、セキュリティコード）",
                "・氏名・住所等のご本人を特定する情報",
                "・メールアドレス・電話番号等のご連絡先",
                "対象期間：2026年8月3日～2026年11月20日",
                "※現時点で判明している項目です。調査の結果、変わる可能性がございます。",
            ],
            "対象となる方",
        ),
        (
            "en",
            "What information is involved",
            [
                "- Payment card details (cardholder name, card number, expiry date and security code)",
                "- Names, addresses and other identifying details",
                "- E-mail addresses, phone numbers and other contact details",
                "Period: 3 August 2026 to 20 November 2026",
                "These are the items known so far; our investigation is continuing.",
            ],
            "Who is affected",
        ),
    ],
)
def test_the_letter_lists_the_items_of_the_readers_data_not_the_public_count(
    lang: str, heading: str, items: list[str], who: str
) -> None:
    for part in letter_parts("skimming_web_shop", lang):
        assert section(part, heading) == items
        assert who not in part
        # the count stays where the notice says it, in the outline
        outline = section(part, "【概要】" if lang == "ja" else "What happened")
        assert "2,400" in outline[0]


@pytest.mark.parametrize(
    "lang,email_says,letter_says",
    [
        (
            "ja",
            "本件の概要と当社の対応について、本メールにてお知らせいたします。",
            "本件の概要と当社の対応について、下記のとおりお知らせいたします。",
        ),
        (
            "en",
            "This e-mail sets out what happened and what we are doing about it.",
            "This letter sets out what happened and what we are doing about it.",
        ),
    ],
)
def test_the_email_says_e_mail_and_the_printed_letter_says_letter(
    lang: str, email_says: str, letter_says: str
) -> None:
    email, printed = letter_parts("skimming_web_shop", lang)
    assert email_says in email and letter_says not in email
    assert letter_says in printed and email_says not in printed
    assert "This letter" not in email and "下記" not in email and "記\n" not in email
    if lang == "ja":
        lines = printed.splitlines()
        assert lines.index("拝啓　平素は格別のご高配を賜り、厚く御礼申し上げます。") < lines.index(
            "敬具"
        )
        assert lines.index("敬具") < lines.index("記") < lines.index("【概要】")
        assert lines[-1] == "以上" and "拝啓" not in email and "敬具" not in email


def test_a_letter_without_a_known_cause_says_it_is_being_investigated() -> None:
    text, _ = piece("letter", "misdelivery_twelve_letter", "ja")
    assert "原因は、現在調査中です。" in text
    assert "二次被害の有無については、現在調査中です。" in text


def test_a_letter_missing_an_item_is_a_finding() -> None:
    text, notice = piece("letter", "skimming_web_shop", "ja")
    cut = re.sub(r"【原因】\n[^\n]*\n", "", text)
    found = check_piece("letter", cut, notice=notice, answers={}, lang="ja")
    assert [f.excerpt for f in found if f.code == "letter_missing_item"] == ["原因"]


# --- Q&A -----------------------------------------------------------------------------------------


def questions(text: str) -> list[str]:
    return re.findall(r"^\*\*Q\d+\. (.+)\*\*$", text, re.M)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "name", ["skimming_web_shop", "leak_site_ransomware", "insider_trade_secrets_hold"]
)
def test_the_qa_has_ten_to_fifteen_questions_and_is_marked_internal(name: str, lang: str) -> None:
    text, _ = piece("qa", name, lang)
    assert 10 <= len(questions(text)) <= 15
    assert text.startswith("**社外秘**" if lang == "ja" else "**INTERNAL")


def test_the_card_qa_answers_from_the_notice_and_leaves_the_fee_to_the_company() -> None:
    text, _ = piece("qa", "skimming_web_shop", "ja")
    asked = questions(text)
    assert "クレジットカードは再発行したほうがよいですか。その費用は誰が負担するのですか。" in asked
    assert "対象となるのは、対象期間（2026年8月3日～2026年11月20日）中に" in text
    assert "【要記入：カード再発行の手数料の負担" in text
    assert (
        "一部のクレジットカードで、本件に起因するとみられる不正利用が確認されております。" in text
    )


@pytest.mark.parametrize(
    "lang,over,pending,unsaid",
    [
        (
            "ja",
            "A. 現在も対応と調査を続けております。",
            "詳細は現在調査中です。",
            ("以下の", "（調査中）です", "（調査中）。", "ますです", "\u3000約"),
        ),
        (
            "en",
            "A. We are still dealing with the incident.",
            "We are still investigating the details.",
            ("(still under investigation).",),
        ),
    ],
)
@pytest.mark.parametrize("name", ["skimming_web_shop", "insider_trade_secrets_hold"])
def test_the_qa_answers_read_as_said_on_the_phone(
    name: str, lang: str, over: str, pending: str, unsaid: tuple[str, ...]
) -> None:
    """No 「以下の窓口」 nor a bracketed 「（調査中）」 read out (nor 「…差し控えさせていただきます
    です」 where the items line goes on about business information held back); "is it over?" is
    not answered with the containment steps alone."""
    text, _ = piece("qa", name, lang)
    assert not [phrase for phrase in unsaid if phrase in text]
    assert pending in text
    is_it_over = "もう収束したのですか。" if lang == "ja" else "Is it over?"
    assert text.split(is_it_over)[1].split("\n\n")[1].startswith(over)


def test_questions_that_do_not_apply_are_left_out() -> None:
    text, _ = piece("qa", "leak_site_ransomware", "ja")
    assert not any("クレジットカード" in q for q in questions(text))
    assert "インターネット上に掲載された情報を見てもよいですか。" in questions(text)
    insider, _ = piece("qa", "insider_trade_secrets_hold", "en")
    assert not any("attacked" in q for q in questions(insider))


def test_what_the_notice_does_not_say_is_answered_as_under_investigation() -> None:
    notice = notice_for("skimming_web_shop", "ja")
    no_cause = re.sub(r"【原因】\n[^\n]*\n\n", "", notice)
    text, _ = piece("qa", "skimming_web_shop", "ja", notice=no_cause)
    answer = text.split("原因は何ですか。**")[1].split("**Q")[0]
    assert answer.strip() == "A. 現在調査中です。判明し次第お知らせいたします。"


# --- consistency ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang,change,code",
    [
        ("ja", ("約2,400名", "約2,600名"), "pack_count_mismatch"),
        ("en", ("about 2,400 people", "about 3,400 people"), "pack_count_mismatch"),
        ("ja", ("2026年8月3日", "2026年7月3日"), "pack_date_mismatch"),
        ("en", ("3 August 2026", "3 July 2026"), "pack_date_mismatch"),
        (
            "ja",
            ("セキュリティコード）", "セキュリティコード、生年月日）"),
            "pack_item_not_in_notice",
        ),
        ("en", ("security code)", "security code, date of birth)"), "pack_item_not_in_notice"),
    ],
)
def test_the_check_catches_a_changed_fact(lang: str, change: tuple[str, str], code: str) -> None:
    text, notice = piece("qa", "skimming_web_shop", lang)
    assert change[0] in text
    found = check_piece("qa", text.replace(*change), notice=notice, answers={}, lang=lang)
    hits = [f for f in found if f.code == code]
    assert hits and (hits[0].excerpt or "-") in change[1]
    assert hits[0].message("ja") != hits[0].message("en")


@pytest.mark.parametrize(
    "lang,upgraded",
    [
        ("ja", "個人情報が外部に漏えいしたことを確認しております。"),
        ("en", "We have confirmed that the information was taken."),
    ],
)
def test_the_check_catches_a_certainty_upgrade(lang: str, upgraded: str) -> None:
    name = "misconfiguration_access_unknown"
    text, notice = piece("social", name, lang)
    lines = text.splitlines()
    changed = "\n".join([lines[0], upgraded, *lines[1:]])
    assert "pack_certainty_upgraded" in codes("social", changed, notice, name, lang)


def test_the_check_catches_a_claim_the_notice_does_not_make() -> None:
    name = "misconfiguration_access_unknown"
    text, notice = piece("social", name, "ja")
    claim = text.replace("\n詳細", "\n警察に相談しております。\n詳細")
    assert "pack_claim_not_in_notice" in codes("social", claim, notice, name, "ja")


def test_the_same_checker_holds_every_piece() -> None:
    """The checker's phrase rules run on a piece as on the notice."""
    text, notice = piece("social", "skimming_web_shop", "ja", notice_url="https://example.jp/n")
    speculated = text.replace("\n詳細", "\n国家の関与が疑われる高度な攻撃でした。\n詳細")
    assert "attacker_speculation" in codes("social", speculated, notice, "skimming_web_shop", "ja")


# --- press readiness and HTML ------------------------------------------------------------------


def test_press_readiness_only_when_a_press_conference_is_recommended() -> None:
    case = CASES["skimming_web_shop"]
    assert press_readiness(case.verdict, "ja") == []
    verdict = {**case.verdict, "actions": {**case.verdict["actions"], "press_conference": True}}
    items = press_readiness(verdict, "ja")
    assert len(items) == 5
    assert any("登壇者" in i for i in items) and any("想定問答の承認" in i for i in items)
    assert any("online" in i for i in press_readiness(verdict, "en"))
    verdict["actions"]["press_conference"] = "conditional"
    assert press_readiness(verdict, "ja")[0].startswith("記者会見を開くかどうかを判断する")


def test_html_for_a_cms_keeps_lines_and_escapes_raw_html() -> None:
    html = render_html("【対象となる情報】\n・氏名\n\n<script>alert(1)</script>\n- one\n- two")
    assert "【対象となる情報】<br />\n・氏名" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<li>one</li>" in html


def test_every_question_has_its_words_and_its_place() -> None:
    from app.statements.pack import _words
    from app.statements.qa import ORDER, PRIORITY

    assert set(ORDER) == set(PRIORITY)
    for lang in ("ja", "en"):
        assert set(_words(lang).QUESTIONS) == set(ORDER)


def test_the_pack_findings_use_the_one_vocabulary() -> None:
    from app.statements.consistency import MESSAGES_EN, MESSAGES_JA
    from tests.test_vocabulary_ja import BANNED

    assert set(MESSAGES_JA) == set(MESSAGES_EN)
    for text in MESSAGES_JA.values():
        assert not [word for word in BANNED if word in text], text
