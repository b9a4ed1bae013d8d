"""Read an approved notice back into its parts, so the pack's pieces quote it rather than retell it.

The notice is what PR leads approved (possibly edited), so it is the source of truth: a piece
takes its facts — the title, the gist, the items, the cause, what to do — from here, never from
the answers. The reader knows the headings the bot's templates write (【対象となる情報】, "What
information is involved", …) and a few common variants; a section it cannot find is ``None`` and
the piece says 「現在調査中です」 or leaves the point out rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "PENDING",
    "POINT_INSIDE",
    "Notice",
    "personal_data_sentence",
    "read_notice",
    "sentences",
]

# section key → headings that open it (matched on the whole line, case-insensitive in English).
_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "ja": {
        "what_happened": (r"発生の経緯", r"経緯", r"概要"),
        "data": (r"対象となる情報", r"漏えい(?:等)?の(?:おそれの)?ある情報", r"対象情報"),
        "cause": (r"原因",),
        "misuse": (r"二次被害(?:の状況|の有無)?",),
        "actions": (r"当社の対応", r"弊社の対応", r"対応状況", r"今後の対応"),
        "advice": (r".{0,12}へのお願い", r"お願い", r".{0,12}へのご案内"),
        "contact": (r"お問い合わせ(?:窓口|先)?", r"本件に関するお問い合わせ(?:窓口|先)?"),
        "next_update": (r"今後のご報告", r"次回のご報告"),
    },
    "en": {
        "what_happened": (r"what happened", r"summary"),
        "data": (r"what information is involved", r"what information was involved"),
        "cause": (r"cause", r"how it happened"),
        "misuse": (r"misuse",),
        "actions": (r"what we are doing", r"what we have done"),
        "advice": (r"what you can do", r"what we ask of you", r"what you should do"),
        "contact": (r"for more information", r"contact us", r"contact"),
        "next_update": (r"next update",),
    },
}
_JA_HEADING = re.compile(r"^【(?!要記入)([^】]{1,30})】$")
_BULLET = re.compile(r"^(?:[・･\-*•]\s*)")
_LABELLED = re.compile(r"^([^：:]{1,20})[：:]\s*(.+)$")
# A point inside a sentence: before a letter or a digit (about 1.2 million people, example.jp), or
# closing a company's abbreviation before a space, a comma or a closing bracket (Sample Co., Ltd. has
# found …; 株式会社サンプル（Sample Co., Ltd.）は). Any
# other full stop ends a sentence. The checker's splitter (app.statements.checks.matching) uses it
# too; it matches one point and is case-blind (the checker reads folded, lower-case text).
POINT_INSIDE = (
    r"(?:\.(?=[0-9A-Za-z])"
    + "".join(
        rf"|(?<=\b(?i:{word}))\.(?=[ ,、\u3000)）」])" for word in ("ltd", "inc", "co", "corp")
    )
    + ")"
)
_SENTENCE = re.compile(
    rf"(?:[^。！？.!?]|{POINT_INSIDE})*(?:[。！？!?]|(?!{POINT_INSIDE})\.)\s*"
    rf"|(?:[^。！？.!?]|{POINT_INSIDE})+$"
)
_APOLOGY = re.compile(r"お詫び|おわび|謝罪|申し訳|\bsorry\b|\bapologi[sz]e", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。.]")
_PERSONAL_DATA = re.compile(
    r"個人情報(?:は含まれて|が含まれているか)|\b(?:no|any) personal information is involved\b"
)
# The mark closing a data line whose items are still being investigated.
PENDING = re.compile(r"\s*(?:（調査中）|\(still under investigation\))$")


@dataclass(frozen=True)
class Notice:
    """A notice as its parts: ``sections`` maps a section key to its lines (bullets stripped)."""

    lang: str
    title: str
    head: tuple[str, ...] = ()
    lead: str | None = None
    apology: str | None = None
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def section(self, key: str) -> str | None:
        """A section's text, its lines joined ("" joins Japanese, a space English)."""
        lines = self.sections.get(key)
        if not lines:
            return None
        return ("" if self.lang == "ja" else " ").join(lines)

    def bullets(self, key: str) -> tuple[str, ...]:
        return self.sections.get(key, ())

    def label(self, *names: str) -> str | None:
        """A labelled line of the data section (「対象期間：…」, "Period: …")."""
        for name in names:
            for label, value in self.labels.items():
                if label.casefold() == name.casefold():
                    return value
        return None


def sentences(text: str | None) -> list[str]:
    """The sentences of a paragraph, each with its full stop."""
    if not text:
        return []
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def personal_data_sentence(notice: Notice) -> str | None:
    """What a notice about other data says of personal data (「…個人情報は含まれておりません。」,
    "… no personal information is involved."), from its lead, without its 「なお、」."""
    said = next((s for s in sentences(notice.lead) if _PERSONAL_DATA.search(s)), None)
    return said.removeprefix("なお、") if said else None


def _heading_key(line: str, lang: str) -> str | None | bool:
    """The section key a heading line opens; None for an unknown heading, False for no heading."""
    if lang == "ja":
        match = _JA_HEADING.match(line)
        if not match:
            return False
        name = match.group(1)
    else:
        name = line.rstrip(":").strip()
        if not name or len(name) > 40 or _SENTENCE_END.search(name) or "," in name:
            return False
    for key, patterns in _HEADINGS["ja" if lang == "ja" else "en"].items():
        if any(re.fullmatch(p, name, re.IGNORECASE) for p in patterns):
            return key
    return None if lang == "ja" else False


def _is_prose(line: str, lang: str) -> bool:
    """A line of a paragraph, not of the head (date, addressee, company name)."""
    if lang == "ja":
        return "。" in line or len(line) > 40
    return (line.endswith((".", "!", "?")) and len(line.split()) >= 5) or len(line) > 60


def read_notice(text: str, lang: str) -> Notice:
    """Split ``text`` (title line first) into its head, lead, apology and sections."""
    lines = [line.rstrip() for line in str(text).strip().splitlines()]
    title = lines[0].strip() if lines else ""
    head: list[str] = []
    paragraphs: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            paragraphs.append(("" if lang == "ja" else " ").join(buffer))
            buffer.clear()

    for raw in lines[1:]:
        line = raw.strip()
        key = _heading_key(line, lang) if line else False
        if key is not False:
            flush()
            current = sections.setdefault(key or f"other:{line}", [])
            continue
        if current is not None:
            if line and line not in ("以上",):
                current.append(_BULLET.sub("", line))
            continue
        if not line:
            flush()
        elif _is_prose(line, lang):
            buffer.append(line)
        else:
            head.append(line)
    flush()
    lead = next((p for p in paragraphs if not _APOLOGY.search(p)), None)
    apology = next((p for p in paragraphs if _APOLOGY.search(p) and p != lead), None)
    labels = {}
    for line in sections.get("data", ()):
        match = _LABELLED.match(line)
        if match:
            labels[match.group(1).strip()] = match.group(2).strip()
    return Notice(
        lang=lang,
        title=title,
        head=tuple(head),
        lead=lead,
        apology=apology,
        sections={k: tuple(v) for k, v in sections.items()},
        labels=labels,
    )
