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

Every fact is the approved notice's, quoted. The letter speaks to the person: it opens by saying
that their information is among what the notice is about, with the notice's certainty (found to be
among it; possibly among it, where the notice says it may have leaked; among the information held,
where the notice has found no sign of a leak), apologises to them, and lists the items of their
data rather than the count of people the public notice gives. The addressee is a mail-merge field
(［お名前］, [NAME]) filled per person when the letters are sent, not a placeholder for the PR lead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from app.statements.notice import PENDING, Notice, sentences
from app.statements.wording import format_date

__all__ = ["LETTER_SECTIONS", "certainty", "draft_letter"]

LETTER_SECTIONS = ("what_happened", "data", "cause", "misuse", "actions", "advice", "contact")
# The notice's edition (第2報, "Update 2: ") is the website's series, not the letter's.
_EDITION = re.compile(r"（第\d+報）$|^Update \d+: ")
# A notice's promise to write to each person is this letter itself.
_WRITES_TO_EACH = re.compile(r"個別にご連絡|write to each person", re.IGNORECASE)
# The notice's certainty, from its title and gist: no sign of a leak found; a leak possible.
_NOT_FOUND = {
    "ja": re.compile(r"(?:痕跡|事実)は(?:現時点で)?確認されて(?:おりません|いません)"),
    "en": re.compile(r"\bno (?:evidence|sign)\b", re.IGNORECASE),
}
_POSSIBLE = {
    "ja": re.compile(r"おそれ|可能性"),
    "en": re.compile(r"\b(?:may|might) have been\b", re.IGNORECASE),
}
# Whose data, as the gist names it: 「約2,400名分のクレジットカード情報が」, "the payment card
# information of about 2,400 people".
_DATA = {
    "ja": re.compile(r"名分の([^。、]{1,40}?)が"),
    "en": re.compile(
        r"\bthe ((?:(?!the )[a-z-]+ ){0,5}(?:information|details|data|records)) of (?:about |some )?\d"
    ),
}
# What befell the data, as the gist says it ("was taken", "may have been viewed by a third party").
_VERB_EN = re.compile(
    r"\b(?:was|were|been) ((?:taken|stolen|leaked|viewed|accessed|sent)(?: by (?:a third party|mistake))?)\b"
)
# The event a Japanese title names: 「（不正アクセスによるクレジットカード情報漏えい）に関するお詫びとお知らせ」.
_EVENT_JA = re.compile(r"^(.+?)に関する(?:お詫び|おわび|お知らせ|ご報告)")


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
    if key == "data":
        return _data_lines(notice, w)
    lines = list(notice.bullets(key))
    if key == "actions":
        lines = [line for line in lines if not _WRITES_TO_EACH.search(line)]
    if key in ("actions", "advice"):
        return [f"{bullet}{line}" for line in lines]
    return lines


def _split_items(items: str, lang: str) -> list[str]:
    """The notice's items one by one, split at the top-level 「、」 / "; " (not inside brackets);
    a value with a sentence of its own stays whole."""
    if re.search(r"。.|\.\s", items):
        return [items]
    separator, parts, depth, start = ("、" if lang == "ja" else ";"), [], 0, 0
    for index, char in enumerate(items):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(items[start:index].strip())
            start = index + 1
    parts.append(items[start:].strip())
    return [part for part in parts if part]


def _data_lines(notice: Notice, w: Any) -> list[str]:
    """The items of the reader's data (the notice's items), the period, and the notice's caveat
    that the items are still being investigated — not the count of people, which is the public's."""
    words: Mapping[str, str] = w.LETTER
    bullet = "・" if notice.lang == "ja" else "- "
    items = notice.label("対象となる情報", "Information")
    if items is None:  # a notice without the labelled line: its data lines but for "who"
        who = re.compile(r"^(?:対象となる方|Who is affected)[：:]", re.IGNORECASE)
        return [f"{bullet}{line}" for line in notice.bullets("data") if not who.match(line)]
    pending = PENDING.search(items) is not None
    listed = _split_items(PENDING.sub("", items), notice.lang)
    if notice.lang == "en":
        listed = [item[:1].upper() + item[1:] for item in listed]
    lines = [f"{bullet}{item}" for item in listed]
    period = notice.label("対象期間", "Period")
    if period:
        lines.append(words["period"].format(period=period))
    if pending:
        lines.append(words["items_pending"])
    return lines


def certainty(notice: Notice) -> str:
    """How sure the notice is that the data leaked: ``held`` (no sign of a leak found),
    ``possible`` or ``confirmed``."""
    said = f"{notice.title}\n{notice.lead or ''}"
    if _NOT_FOUND[notice.lang].search(notice.lead or ""):
        return "held"
    return "possible" if _POSSIBLE[notice.lang].search(said) else "confirmed"


def _event(title: str) -> str | None:
    """What a Japanese title says happened (「…に関するお詫びとお知らせ」), to name it in the
    opening sentence."""
    match = _EVENT_JA.match(title)
    return match.group(1) if match else None


def _yours(notice: Notice, w: Any, title: str) -> str:
    """The opening sentence: the reader's data is among what the notice is about, as surely as
    the notice says it."""
    words: Mapping[str, Any] = w.LETTER
    sure = certainty(notice)
    found = _DATA[notice.lang].search(notice.lead or "")
    data = found.group(1) if found else words["data_default"]
    event = _event(title) if notice.lang == "ja" else None
    verb = _VERB_EN.search(notice.lead or "") if sure != "held" else None
    if notice.lang == "ja":  # 「クレジットカード情報を含む個人情報が含まれて」 says 含む twice
        data = re.sub(r"^(.+)を含む(.+)$", r"\1等の\2", data)
    plural = data.endswith(("details", "records"))
    return words["yours"].format(
        about=words["about"].format(event=event) if event else words["about_default"],
        name=w.NAME_FIELD,
        data=data,
        be=words["be"][sure][int(plural)],
        verb=verb.group(1) if verb else words["verb_default"],
    )


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


def _subject(notice: Notice) -> str:
    """The letter's title: the notice's, without the website's edition number; in English the
    event the title names, without its blunt outcome ("…: payment card information stolen") —
    the opening sentence tells the reader what it means for them."""
    title = _EDITION.sub("", notice.title)
    if notice.lang == "en":
        title = title.partition(": ")[0]
    return title


def draft_letter(
    notice: Notice, w: Any, *, company: str | None, contact: str | None, today: date
) -> str:
    """The e-mail (subject and body) and the printable letter, one Markdown text."""
    words: Mapping[str, Any] = w.LETTER
    name = w.NAME_FIELD
    title = _subject(notice)
    signed = company or words["company_placeholder"]
    intro = (
        [words["email_intro"].format(company=company)] if company and words["email_intro"] else []
    )
    opening = [
        _yours(notice, w, _EDITION.sub("", notice.title)),
        "",
        words["apology"].format(name=name),
        "",
    ]
    sections = _sections(notice, w, contact)
    email = [
        f"### {words['email']}",
        "",
        words["subject"].format(title=title),
        "",
        words["dear"].format(name=name),
        "",
        *intro,
        *opening,
        words["below_email"],
        "",
        *sections,
        signed,
    ]
    greeting = [words["greeting"]] if words["greeting"] else []
    ki = [words["ki"], ""] if words["ki"] else []
    end = [words["end"]] if words["end"] else []
    if notice.lang == "ja":  # 日付・宛名・差出人、件名、拝啓…敬具、記…以上
        printed = [
            *(format_date(today, "ja"), words["dear"].format(name=name), signed, ""),
            *(title, "", *greeting, *opening, words["below"], "", words["closing"], ""),
            *ki,
            *sections,
            *end,
        ]
    else:  # sender, date, title, salutation … sign-off
        printed = [
            *(signed, format_date(today, "en"), "", title, ""),
            *(words["dear"].format(name=name), "", *opening, words["below"], ""),
            *sections,
            *(words["closing"], signed),
        ]
    printed = [f"### {words['printed']}", "", *printed]
    return _tidy("\n".join(email + ["", "---", ""] + printed))


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()
