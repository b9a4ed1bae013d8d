"""Writes docs/statements.md: one draft of each announcement kind, in Japanese and English.

    python docs/statements_gallery.py        # rewrites docs/statements.md

Each example's answers go through the real triage (`app.triage.assess`) and the real drafting
and checking code, so the page shows what `leakdesk draft` prints for them. A test
(tests/statements/test_gallery.py) fails when the page and the code drift apart.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.statements import Company, check_statement, draft_statement  # noqa: E402
from app.statements.series import update_points, with_updates  # noqa: E402
from app.triage import assess  # noqa: E402
from app.triage.models import Answers  # noqa: E402

PAGE = ROOT / "docs" / "statements.md"
TZ = "Asia/Tokyo"
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo(TZ))  # a Friday morning
DISCOVERED = "2026-12-03T16:20:00+09:00"
COMPANY = {"ja": "株式会社サンプル", "en": "Sample Co., Ltd."}
CONTACT = {
    "ja": "サンプル お客様専用ダイヤル 0120-000-000（受付時間 9:00〜18:00、土日祝を含む）",
    "en": "Sample customer helpline 0120-000-000 (9:00–18:00 JST, every day)",
}

# (heading, what the example is, answers); one example per announcement kind.
EXAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "website — card skimming on a web shop",
        "A web shop's payment page was altered; card companies reported fraudulent use.",
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["financial", "identity", "contact"],
            "affected_count": 2400,
            "subject_regions": ["JP"],
            "leak_mode": "skimming",
            "access": "confirmed",
            "secondary_damage": True,
            "contained": True,
            "police_involved": True,
            "role": "controller",
            "data_subjects": ["customers"],
            "exposure_period": {"from": "2026-08-03", "to": "2026-11-20"},
            "cause": "決済画面を含むウェブサイトのプログラムの脆弱性",
        },
    ),
    (
        "press_and_website — members' data posted on a leak site",
        "Ransomware; 2 million members' records are on the attackers' leak site.",
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact", "other_personal"],
            "affected_count": 2_000_000,
            "subject_regions": ["JP"],
            "leak_mode": "ransomware",
            "access": "confirmed",
            "published": True,
            "secondary_damage": False,
            "contained": True,
            "role": "controller",
            "data_subjects": ["customers"],
        },
    ),
    (
        "individual_notice — an e-mail to the wrong twelve people",
        "A list with twelve customers' names and addresses went to the wrong recipients.",
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact"],
            "affected_count": 12,
            "subject_regions": ["JP"],
            "leak_mode": "misdelivery",
            "access": "confirmed",
            "encryption": "none",
            "contained": True,
            "role": "controller",
            "data_subjects": ["customers"],
        },
    ),
    (
        "via_principals — a processor hit by ransomware",
        "A call-centre contractor holds its clients' customer data; access is suspected.",
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact"],
            "affected_count": 150_000,
            "subject_regions": ["JP"],
            "leak_mode": "ransomware",
            "access": "suspected",
            "contained": False,
            "role": "processor",
            "data_subjects": ["customers"],
        },
    ),
    (
        "hold_for_investigators — an insider took data to a rival",
        "A former employee took business partners' contacts and technical data; the police asked"
        " that the announcement wait for a timing agreed with them.",
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["business_contact", "identity", "trade_secret"],
            "affected_count": 1300,
            "subject_regions": ["JP"],
            "leak_mode": "insider_theft",
            "access": "confirmed",
            "contained": True,
            "police_involved": True,
            "police_disclosure_hold": True,
            "listed_company": True,
            "role": "controller",
            "data_subjects": ["business_partners"],
        },
    ),
    (
        "none — an encrypted laptop left on a train",
        "Full-disk encryption, the key was not with the laptop.",
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact"],
            "affected_count": 250,
            "subject_regions": ["JP"],
            "leak_mode": "lost_device",
            "encryption": "strong",
            "key_compromised": False,
            "contained": True,
            "role": "controller",
            "data_subjects": ["customers"],
        },
    ),
]


def verdict_for(answers: dict[str, Any]) -> dict[str, Any]:
    return assess(Answers.model_validate(answers), tz=TZ).model_dump(mode="json")


def render() -> str:
    out = [
        "# Holding statements",
        "",
        "Generated by `python docs/statements_gallery.py` from the code (triage, drafting,",
        "checker); a test fails when this page and the code drift apart.",
        "",
        "## What the bot drafts",
        "",
        "The draft follows the verdict's `actions.announcement` (DESIGN.md, \"Contract additions",
        '(2026-12)"), one template per kind and language in `app/statements/templates/{ja,en}/`:',
        "",
        "| announcement | template | what it is |",
        "|---|---|---|",
        "| `press_and_website`, `website` | `public.md.j2` | the public notice (website and social"
        " accounts first) |",
        "| `hold_for_investigators` | `public.md.j2` | the same notice, its date line"
        " 【要記入：公表日（公表時期は捜査機関と調整のうえ決定）】, trade-secret detail left out |",
        "| `individual_notice` | `letter.md.j2` | a letter to the few people concerned: apology,"
        " what was sent, deletion request, contact |",
        "| `via_principals` | `principals.md.j2` | a processor's notice to its client companies:"
        " they inform their people and report to the PPC |",
        "| `none` | `none.md.j2` | a note for the room: no public statement is recommended, and why |",
        "",
        "Phrases live in `_words.md.j2`, the facts shared by the notice and the clients' notice in",
        "`_facts.md.j2`. A company overrides any of these files by putting its own under",
        "`LEAKDESK_TEMPLATES_DIR/{ja,en}/` (a `holding.md.j2` made for earlier versions still",
        "overrides the public notice).",
        "",
        "Every draft names the people as the room answered (`data_subjects`: お客様, 従業員,",
        "患者さま, 応募者, 学生, お取引先様) and the system as it is (a contractor's, or the one a",
        "processor runs for its clients); opens with the gist (what, roughly how many — 約200万名 —,",
        "when it was learned, what was done) and apologises once, there; gives the cause or",
        "「調査中」 (a cause recorded in the other language is not machine-translated: that draft",
        "quotes it in a placeholder asking for the translation, 【要記入：原因の日本語訳…】 or",
        "[TO FILL IN: the cause in English…], so approval waits for it), a 二次被害 line only",
        "when the room answered it, and, for card data, クレジットカード",
        "情報 in the title, the period (or 【要記入：対象期間】), the four card fields, the card",
        "companies' monitoring and reissue, and the police. Data on a leak site comes with a request",
        "not to download or spread it. A first report of an attack never denies definitively",
        "(「〜していないことを確認」). Drafts are written at the current time; the next update is",
        "promised as a date target (「12月7日（月）を目途に」).",
        "",
        "Counts are written as a reader says them (12名, 約1万2,000名, 約1億2,000万名; about 1.2",
        'million people) and called 「現時点の推計」 / "current estimate" — the room\'s answer is its',
        "best estimate — except a count under 100 of people known one by one (those a letter goes",
        "to, those in a misdelivered message). A notice about trade secrets or other data says",
        "whether personal data is involved, as answered (not so far / still being checked). Data",
        "held back while the police investigate is said to be involved, or possibly involved, as",
        "sure as access is; in an insider theft the police stay unnamed (関係機関 / the relevant",
        "authorities).",
        "",
        "The checker (`app/statements/checker.py`, its docstring lists every code; its patterns,",
        "one family of checks per module, in `app/statements/checks/`) holds a PR lead's edit to",
        "the same rules; a promised date already past is a finding.",
        "",
        "## One draft of each kind",
        "",
        f"Drafted at {NOW:%Y-%m-%d %H:%M} JST for an incident learned of at"
        f" {DISCOVERED[:16].replace('T', ' ')}. Placeholders (【要記入：…】, [TO FILL IN: …])",
        "are what only people can know.",
        "",
    ]
    for heading, about, answers in EXAMPLES:
        verdict = verdict_for(answers)
        out += [f"### {heading}", "", about, ""]
        out += [
            f"Verdict: {verdict['severity']} ({', '.join(verdict['rules'])}), announcement "
            f"`{verdict['actions'].get('announcement')}`.",
            "",
        ]
        for lang in ("ja", "en"):
            draft = draft_statement(
                answers,
                verdict,
                lang,
                company=Company(COMPANY[lang], CONTACT[lang]),
                now=NOW,
                tz=TZ,
            )
            findings = check_statement(
                draft.text, lang, answers=answers, verdict=verdict, now=NOW, tz=TZ
            )
            label = "日本語" if lang == "ja" else "English"
            out += [f"#### {label}", "", "```text", draft.text, "```", ""]
            if findings:
                out += [f"Checker: {', '.join(sorted({f.code for f in findings}))}.", ""]
    out += series_section()
    out += render_pack()
    return "\n".join(out).rstrip() + "\n"


PACK_EXAMPLE = ROOT / "examples" / "answers-card-skimming.json"
PACK_INTRO = """\
## The communications pack

Beside the notice the bot drafts the pieces an incident needs (`app/statements/pack.py`,
`pieces_for`): a **social post** and an internal **Q&A** when the notice is public (`website`,
`press_and_website`, `hold_for_investigators`), and a **letter to the people concerned** (本人通知)
for `individual_notice` and wherever the verdict says notifying individuals is required or
recommended (never for a processor, whose clients write to their people). Every piece is drafted
from the **approved notice** in the same language and quotes it (`app/statements/notice.py`
reads it back into its parts), so a PR lead's edit to the notice reaches every piece; where the
notice does not say something, the piece says 「現在調査中です」 or leaves the point out.

| piece | what it is | its own rules |
|---|---|---|
| `social` | the notice's title, what to do, an apology line (in short when the full one does not fit; even under a title that says お詫び), the count if it fits (the notice's whole sentence that gives it, so its figure and certainty: "It involves about 1.1 million people."), and the notice's URL (【要記入：お知らせ文のURL】 until known) | X's weighted length: twitter-text config v3 — CJK and full-width count 2, a URL 23, at most 280 (`social_too_long`, `social_no_link`) |
| `letter` | written to the person: it opens with their data among what the notice is about, with the notice's certainty (「［お名前］様のクレジットカード情報が含まれていることが判明いたしました」; 「…含まれている可能性があることが判明いたしました」 where the notice says おそれ; "your payment card information was / may have been among the data taken"), apologises to them (「［お名前］様には…深くお詫び申し上げます」, not 関係者の皆様), and lists the items of their data under 【対象となる情報】 (the count stays in 【概要】, as the notice says it); as e-mail text (件名 — in English the event the title names, without its outcome —, ［お名前］様, 「本メールにて」 / "This e-mail", body, signature) and as a printable letter (date, addressee, company; 拝啓…敬具, 記…以上; "This letter") | the PPC's items for a notice to individuals — 概要, the items, 原因, 二次被害の有無, その他 (what we do, what to do, contact): APPI Enforcement Rules art. 10, 通則編ガイドライン 3-5-4 (`letter_missing_item`) |
| `qa` | 10–15 questions a caller or a reporter asks, answered from the notice as said on the phone (no 「以下の窓口」; 「（調査中）」 said as a sentence; "is it over?" answered 「現在も対応と調査を続けております」 before the steps), marked 社外秘; questions that do not apply are left out (no card data → no card question) | `qa_not_internal`, `qa_count`; who pays for a new card and compensation are placeholders the company decides |

`check_piece` holds each piece to the notice and to the checker: the checker's phrase, certainty,
naming, wording, date and placeholder rules run on every piece (`check_statement`), and
`app/statements/consistency.py` finds what the piece says that the notice does not — another
count (`pack_count_mismatch`), another date (`pack_date_mismatch`), an item the notice does not
name (`pack_item_not_in_notice`), the leak stated as fact where the notice says it may have
happened (`pack_certainty_upgraded`), misuse, the police or the PPC where the notice is silent
(`pack_claim_not_in_notice`). `press_readiness(verdict, lang)` lists what a recommended press
conference needs (spokesperson, time, place or online, materials, the Q&A approved; first deciding
whether to hold one when the recommendation is conditional). `render_html` turns any piece or
notice into HTML for a website's CMS (CommonMark, raw HTML kept as text).

`leakdesk draft FILE --kind notice|social|letter|qa --lang ja|en --format md|html [--url URL]`
prints the notice or a piece drafted from it, with the findings on stderr.
"""


def render_pack() -> list[str]:
    import json

    from app.statements.pack import check_piece, draft_piece, pieces_for

    answers = json.loads(PACK_EXAMPLE.read_text(encoding="utf-8"))
    verdict = verdict_for(answers)
    out = [
        *PACK_INTRO.splitlines(),
        "",
        f"### The pack for `{PACK_EXAMPLE.relative_to(ROOT)}`",
        "",
        f"Drafted at {NOW:%Y-%m-%d %H:%M} JST with the company and contact point above. Verdict:"
        f" {verdict['severity']} ({', '.join(verdict['rules'])}), announcement"
        f" `{verdict['actions'].get('announcement')}`; pieces: {', '.join(pieces_for(answers, verdict))}.",
        "",
    ]
    for lang in ("ja", "en"):
        company = Company(COMPANY[lang], CONTACT[lang])
        notice = draft_statement(answers, verdict, lang, company=company, now=NOW, tz=TZ).text
        out += [
            f"#### Pack — {'日本語' if lang == 'ja' else 'English'}",
            "",
            "The approved notice:",
            "",
        ]
        out += ["```text", notice, "```", ""]
        for kind in pieces_for(answers, verdict):
            text = draft_piece(
                kind,
                notice=notice,
                answers=answers,
                verdict=verdict,
                company=company,
                lang=lang,
                now=NOW,
                tz=TZ,
            )
            findings = check_piece(kind, text, notice=notice, answers=answers, lang=lang, now=NOW)
            out += [f"`{kind}`:", "", "```text", text, "```", ""]
            if findings:
                out += [f"Checker: {', '.join(sorted({f.code for f in findings}))}.", ""]
    return out


def series_section() -> list[str]:
    """The second report of the card-skimming example, after the count and the items grew."""
    _, _, first = EXAMPLES[0]
    later = {
        **first,
        "affected_count": 3100,
        "data_categories": ["financial", "identity", "contact", "credentials"],
        "credentials_can_pay": False,
    }
    before, after = verdict_for(first), verdict_for(later)
    published = datetime(2026, 12, 4, 11, 30, tzinfo=ZoneInfo(TZ))
    out = [
        "## The notice series (第1報, 第2報, …)",
        "",
        "The approved notice is the first report (第1報). When the verdict or the facts change after",
        "it was approved, the room offers the next report in the verdict's thread: the change note",
        'of a new verdict carries a 「第2報を作成」 / "Draft update 2" button, and a change of',
        "facts alone (a count, an item, the period, the cause, how sure we are, misuse, data on a",
        "leak site) posts one offer, `next_report:N`, listing them. The next report is drafted from",
        'the current facts, numbered in its title (「（第2報）」, "(Update 2)") and opens with',
        "「前回からの更新点」: what changed since the last approved report",
        "(`app/statements/series.py`, pure: counts, items, dates, the cause, certainty, misuse,",
        "the legal outcomes, and anything new people are asked to do). It goes through the same",
        "approval (PR leads; two for SEV1; an edit voids approvals) and is published as its own",
        "report; every version keeps its `series` and the earlier reports stay approved in the",
        "history (ops page: the series with the date and approvers of each report).",
        "",
        "**Before approval.** The bot's own draft, while nobody has approved it, is rewritten in",
        "place whenever an answer changes its words. A draft the facts do not rewrite — a PR",
        "lead's edit or redraft, or one already approved by one of two leads — keeps its words,",
        "and the room lists in the verdict's thread what changed since it was written",
        "(`overtaken:N`, in the words of 「前回からの更新点」), with the redraft button, so that",
        "nobody approves an overtaken text unawares.",
        "",
        "**The pack.** The final approval of a report drafts, from the approved text, the pieces",
        "the verdict calls for (`app/statements/pack.py`): the social post and the internal",
        "Q&A for a public notice, the letter to the people concerned wherever they are to be",
        "told. Each is a statement of its own `kind` (`social`, `letter`, `qa`) with the report's",
        "`series` and its own versions, on the timeline (`statement.drafted` … with `kind`), and is",
        "drafted again for every later report. Approval follows the notice's rules with one",
        "difference: the social post and the letter are public words — PR leads only, two for",
        "SEV1, an edit voids approvals; the Q&A is internal (call centre and press office), so one",
        "PR lead approves it. A piece is checked against the approved notice (the same counts,",
        "dates, items and certainty words) and its findings are shown above its buttons; its",
        "blanks (【要記入：お知らせ文のURL】, who pays for a new card) must be filled in with",
        "*Edit* before it can be approved. The room shows the whole pack as one message beside the",
        "notice in the verdict's thread (docs/slack.md, docs/teams.md); each approved piece is",
        "exported as Markdown and as HTML for a website's CMS (docs/ops.md).",
        "",
        "### The second report of the card skimming",
        "",
        "Update 1 was approved on 4 December at 11:30; since then the count rose to about 3,100 and",
        "login details were found among the data.",
        "",
    ]
    for lang in ("ja", "en"):
        draft = draft_statement(
            later,
            after,
            lang,
            company=Company(COMPANY[lang], CONTACT[lang]),
            now=NOW.replace(hour=15),
            tz=TZ,
            edition=2,
        )
        points = update_points(first, before, later, after, lang, TZ)
        text = with_updates(draft.text, points, published, lang, TZ)
        label = "日本語" if lang == "ja" else "English"
        out += [f"#### {label}", "", "```text", text, "```", ""]
    return out


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
