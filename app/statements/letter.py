"""The letter to the people concerned (本人通知), as e-mail text and as a printable letter.

It carries the items the PPC expects in a notice to individuals — Enforcement Rules of the APPI
(個人情報の保護に関する法律施行規則) art. 10, which takes items 1, 2, 4, 5 and 9 of the report to
the PPC (art. 8(1)); PPC General Guidelines (通則編) 3-5-4 「本人への通知」; explained at
https://www.businesslawyers.jp/practices/1434 —:

1. 概要 (the outline) — the notice's gist and what happened;
2. 漏えい等が発生し、又は発生したおそれがある個人データの項目 — the notice's items;
3. 原因 — the notice's cause, or 「現在調査中」;
4. 二次被害又はそのおそれの有無及びその内容 — the notice's misuse line, or 「現在調査中」;
5. その他参考となる事項 — what the company does, what to do, and the contact point.

Every fact is the approved notice's, quoted. The addressee is a mail-merge field (［お名前］,
[NAME]) filled per person when the letters are sent, not a placeholder for the PR lead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from app.statements.notice import Notice, sentences
from app.statements.wording import format_date

__all__ = ["LETTER_SECTIONS", "draft_letter"]

LETTER_SECTIONS = ("what_happened", "data", "cause", "misuse", "actions", "advice", "contact")
# A notice's promise to write to each person is this letter itself.
_WRITES_TO_EACH = re.compile(r"個別にご連絡|write to each person", re.IGNORECASE)


def _outline(notice: Notice) -> list[str]:
    """The gist and any sentence of 「発生の経緯」 the gist does not already say."""
    lead = notice.lead or ""
    extra = [s for s in sentences(notice.section("what_happened")) if s not in lead]
    return [lead, *extra] if lead else extra


def _section_lines(notice: Notice, key: str, w: Any) -> list[str]:
    bullet = "・" if notice.lang == "ja" else "- "
    if key == "what_happened":
        return [("" if notice.lang == "ja" else " ").join(_outline(notice))]
    if key == "cause":
        return [notice.section("cause") or w.CAUSE_UNKNOWN]
    if key == "misuse":
        return [notice.section("misuse") or w.MISUSE_UNKNOWN]
    lines = list(notice.bullets(key))
    if key == "actions":
        lines = [line for line in lines if not _WRITES_TO_EACH.search(line)]
    if key in ("data", "actions", "advice"):
        return [f"{bullet}{line}" for line in lines]
    return lines


def _sections(notice: Notice, w: Any, contact: str | None) -> list[str]:
    out: list[str] = []
    headings: Mapping[str, str] = w.LETTER_HEADINGS
    for key in LETTER_SECTIONS:
        lines = _section_lines(notice, key, w)
        if key == "contact" and not lines:
            lines = [contact or w.LETTER["contact_placeholder"]]
        if not lines:
            continue
        heading = f"【{headings[key]}】" if notice.lang == "ja" else headings[key]
        out += [heading, *lines, ""]
    return out


def draft_letter(
    notice: Notice, w: Any, *, company: str | None, contact: str | None, today: date
) -> str:
    """The e-mail (subject and body) and the printable letter, one Markdown text."""
    words: Mapping[str, str] = w.LETTER
    name = w.NAME_FIELD
    signed = company or words["company_placeholder"]
    intro = (
        words["email_intro"].format(company=company, name=name)
        if company
        else words["email_intro_nocompany"].format(name=name)
    )
    apology = [notice.apology, ""] if notice.apology else []
    sections = _sections(notice, w, contact)
    email = [
        f"### {words['email']}",
        "",
        words["subject"].format(title=notice.title),
        "",
        words["dear"].format(name=name),
        "",
        intro,
        "",
        *apology,
        words["below"],
        "",
        *sections,
        words["email_footer"],
        "",
        signed,
    ]
    opening = [words["opening"]] if words["opening"] else []
    closing = [words["closing"], ""]
    ki = [words["ki"], ""] if words["ki"] else []
    end = [words["end"]] if words["end"] else []
    if notice.lang == "ja":  # 日付・宛名・差出人、件名、拝啓…敬具、記…以上
        printed = [
            *(format_date(today, "ja"), words["dear"].format(name=name), signed, ""),
            *(notice.title, "", *opening, *apology, words["below"], "", *closing, *ki),
            *sections,
            *end,
        ]
    else:  # sender, date, title, salutation … sign-off
        printed = [
            *(signed, format_date(today, "en"), "", notice.title, ""),
            *(words["dear"].format(name=name), "", *apology, words["below"], ""),
            *sections,
            *(words["closing"], signed),
        ]
    printed = [f"### {words['printed']}", "", *printed]
    return _tidy("\n".join(email + ["", "---", ""] + printed))


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()
