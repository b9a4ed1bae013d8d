"""The call-centre and press Q&A (想定問答): 10–15 questions answered from the approved notice.

Which questions: those a caller or a reporter asks after a leak (how many, what, since when, what
to do, card reissue and who pays, passwords, why it took so long, whether it is over, …), minus
those that do not apply (no card data → no card question; no attack → no question about the
attacker; nothing posted online → no leak-site question). When more than 15 apply, the least
pressing go (``PRIORITY``); they are shown in a caller's order (``ORDER``).

Each answer quotes the notice. Where the notice does not say, the answer is 「現在調査中です。判明し
次第お知らせいたします。」, never a guess; a point only the company can decide (who pays for a new
card, compensation) is a placeholder the PR lead fills in before approving.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from app.statements.draft import ATTACK_MODES
from app.statements.notice import PENDING, Notice, personal_data_sentence, sentences

__all__ = [
    "MAX_QUESTIONS",
    "MIN_QUESTIONS",
    "ORDER",
    "PRIORITY",
    "answer",
    "draft_qa",
    "questions_for",
]

MIN_QUESTIONS, MAX_QUESTIONS = 10, 15
PRIORITY = (
    "what_happened",
    "how_many",
    "which_items",
    "what_to_do",
    "card_reissue",
    "password",
    "leak_site",
    "since_when",
    "am_i_affected",
    "misuse",
    "cause",
    "why_late",
    "is_it_over",
    "contact",
    "attacker",
    "authorities",
    "compensation",
    "next_update",
    "security",
)
ORDER = (
    "what_happened",
    "am_i_affected",
    "how_many",
    "which_items",
    "since_when",
    "what_to_do",
    "card_reissue",
    "password",
    "leak_site",
    "misuse",
    "cause",
    "attacker",
    "why_late",
    "is_it_over",
    "authorities",
    "compensation",
    "security",
    "next_update",
    "contact",
)
_PERIOD_ABOVE = re.compile(r"上記期間中|the period above")
_INDIVIDUALLY = re.compile(r"個別にご連絡|write to each person", re.IGNORECASE)
_AUTHORITIES = re.compile(
    r"警察|個人情報保護委員会|捜査機関|\bpolice\b|\bPPC\b|Protection Commission"
)
_PASSWORD = re.compile(r"パスワード|password", re.IGNORECASE)
_CARD_ADVICE = re.compile(r"再発行|差し替え|replacement card|new card", re.IGNORECASE)
_LEAK_SITE = re.compile(r"掲載|拡散|ダウンロード|download|share it|posted", re.IGNORECASE)
_BELOW = re.compile(r"以下の|下記の")
# 「…情報（調査中）。このほか…」: the items end at their 「（調査中）」 and a full stop.
_ITEMS_THEN = re.compile(r"((?:（調査中）|\(still under investigation\)))[。.]\s*")
# The count at the end of the notice's "who" line: 「　約1億2,000万名」, ", about 2,400 people".
_FIGURE = {
    "ja": re.compile(r"(?:^|[\u3000、])\s*約?\d[\d,]*(?:億[\d,]*)?(?:万[\d,]*)?名$"),
    "en": re.compile(r"(?:^|, )(?:[Aa]bout )?\d[\d,.]*(?: million| billion)? (?:people|person)$"),
}
_NEXT_UPDATE = {
    "ja": re.compile(r"次回のご報告は、?(.+?)を目途に"),
    "en": re.compile(r"\bnext update by (.+?)(?:, and|\.$|$)"),
}
_DATE_JA = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_DATE_EN = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December) \d{4}\b"
)


def _is_card(answers: Mapping[str, Any]) -> bool:
    categories = answers.get("data_categories")
    return answers.get("leak_mode") == "skimming" or (
        isinstance(categories, list) and "financial" in categories
    )


def questions_for(answers: Mapping[str, Any], notice: Notice) -> list[str]:
    """The question codes for this incident, at most 15, in a caller's order."""
    applies: dict[str, bool] = {
        "card_reissue": _is_card(answers),
        "leak_site": answers.get("published") is True,
        "attacker": str(answers.get("leak_mode")) in ATTACK_MODES,
        # The answer names passwords; a notice that never does gives no ground to speak of them.
        "password": _PASSWORD.search(
            "\n".join((*notice.bullets("data"), *notice.bullets("advice")))
        )
        is not None,
        "authorities": any(_AUTHORITIES.search(line) for line in notice.bullets("actions")),
        "why_late": _dates(notice) is not None,
    }
    chosen = [code for code in PRIORITY if applies.get(code, True)][:MAX_QUESTIONS]
    return [code for code in ORDER if code in chosen]


def _dates(notice: Notice) -> tuple[str, str] | None:
    """(when it was found, when the notice was issued), both as the notice writes them."""
    pattern = _DATE_JA if notice.lang == "ja" else _DATE_EN
    found = pattern.search(notice.lead or "") or pattern.search(
        notice.section("what_happened") or ""
    )
    issued = next((m for line in notice.head if (m := pattern.fullmatch(line.strip()))), None)
    if not found or not issued:
        return None
    return found.group(0), issued.group(0)


def _join(notice: Notice, parts: list[str | None]) -> str | None:
    kept = [p for p in parts if p]
    if not kept:
        return None
    return ("" if notice.lang == "ja" else " ").join(kept)


def _matching(notice: Notice, key: str, pattern: re.Pattern[str]) -> str | None:
    return _join(notice, [line for line in notice.bullets(key) if pattern.search(line)])


def answer(code: str, notice: Notice, w: Any) -> str:
    """The answer to one question: the notice's words, or 「現在調査中です」."""
    found = _ANSWERS[code](notice, w)
    return found or w.UNKNOWN


def _how_many(notice: Notice, w: Any) -> str | None:
    """How many, as a PR lead says it: the figure and whom it covers, then — for an estimate —
    that it may change and when the next update comes; a count still being established is said
    to be. A notice about other data answers with what it says of personal data."""
    who = notice.label("対象となる方", "Who is affected")
    if not who:
        return personal_data_sentence(notice)
    period = notice.label("対象期間", "Period")
    if period:
        who = _PERIOD_ABOVE.sub(w.ANSWERS["period_above"].format(period=period), who)
    said = w.COUNT_SAID
    if who.rstrip("。.").casefold() == said["unknown"].casefold():
        return None  # 「現在調査中です。判明し次第お知らせいたします。」
    estimate, who = _cut(who, said["estimate_mark"])
    pending, who = _cut(who, said["pending_mark"])
    group, figure = _group_and_figure(_inline(who), notice.lang)
    if figure and not pending:
        key = "figure" if group else "figure_only"
        first = said[key].format(group=group, figure=figure, comma=_comma(group, notice.lang))
    elif group and pending and not figure:
        first = said["pending"].format(group=group)
    else:  # a line a PR lead wrote otherwise: read out as written
        # 「…決済をされた方　約2,400名」: the notice's table spacing, a comma when spoken
        return w.ANSWERS["who"].format(who=_inline(who.replace("\u3000", "、")))
    update = _NEXT_UPDATE[notice.lang].search(notice.section("next_update") or "")
    return _join(
        notice,
        [
            first,
            said["may_change"] if estimate else None,
            said["next_update"].format(when=update.group(1))
            if update and (estimate or pending)
            else None,
        ],
    )


def _cut(text: str, mark: str) -> tuple[bool, str]:
    """Whether ``text`` ends with ``mark``, and the text without it."""
    stripped = text.rstrip("。.")
    if stripped.endswith(mark):
        return True, stripped.removesuffix(mark).rstrip(" ,、")
    return False, text


def _group_and_figure(who: str, lang: str) -> tuple[str, str | None]:
    """「お客様　約2,400名」 → (お客様, 約2,400名); "customers, about 2,400 people" → the same."""
    match = _FIGURE[lang].search(who)
    if match is None:
        return who, None
    return who[: match.start()].rstrip(" ,、\u3000"), match.group(0).strip(" ,\u3000")


def _comma(group: str, lang: str) -> str:
    """「…決済をされた方、約2,400名」 but 「お客様約2,400名」."""
    return "、" if lang == "ja" and group.endswith("方") else ""


def _items(notice: Notice, w: Any) -> str | None:
    """The items, with the notice's 「（調査中）」 said as a sentence rather than read out; what
    the line adds after the items (the business information held back) follows as it is."""
    items = notice.label("対象となる情報", "Information")
    if not items:
        return None
    items, _, more = _ITEMS_THEN.sub(r"\1\n", items, count=1).partition("\n")
    listed = PENDING.sub("", items)
    said = w.ANSWERS["items"].format(items=_inline(listed))
    pending = w.ANSWERS["items_pending"] if listed != items else None
    return _join(notice, [said, pending, more.strip() or None])


def _contact(notice: Notice, w: Any) -> str | None:
    """The contact point as said on the phone: not 「以下の窓口」 but the window and its number."""
    contact = notice.section("contact")
    return _BELOW.sub("", contact) if contact else None


def _inline(value: str) -> str:
    """A quoted value inside a sentence: no full stop, no capital opening an English clause."""
    value = value.rstrip("。.")
    if value[:1].isupper() and value[1:2].islower():
        value = value[0].lower() + value[1:]
    return value


def _period(notice: Notice, w: Any) -> str | None:
    period = notice.label("対象期間", "Period")
    return w.ANSWERS["period"].format(period=period.rstrip("。.")) if period else None


def _card(notice: Notice, w: Any) -> str | None:
    advice = _matching(notice, "advice", _CARD_ADVICE)
    return _join(notice, [advice, w.ANSWERS["card_fee"]])


def _password(notice: Notice, w: Any) -> str | None:
    advice = [
        line for line in notice.bullets("advice") if _PASSWORD.search(line) and "変更" in line
    ] or [line for line in notice.bullets("advice") if re.search(r"change .*password", line, re.I)]
    if advice:
        return _join(notice, advice)
    return w.ANSWERS["no_password"] if notice.label("対象となる情報", "Information") else None


def _am_i_affected(notice: Notice, w: Any) -> str | None:
    individually = any(_INDIVIDUALLY.search(line) for line in notice.bullets("actions"))
    contact = _contact(notice, w)
    return _join(notice, [w.ANSWERS["individually"] if individually else None, contact])


def _why_late(notice: Notice, w: Any) -> str | None:
    dates = _dates(notice)
    if dates is None:
        return None
    found, issued = dates
    key = "why_late_same_day" if found == issued else "why_late"
    return w.ANSWERS[key].format(found=found, issued=issued)


def _is_it_over(notice: Notice, w: Any) -> str | None:
    """Not "yes": the company is still responding, then what it is doing (the notice's words)."""
    steps = list(notice.bullets("actions")[:2])
    return _join(notice, [w.ANSWERS["not_over"], *steps]) if steps else None


def _security(notice: Notice, w: Any) -> str | None:
    lasting = [
        line for line in notice.bullets("actions") if re.search("再発防止|prevent this", line)
    ]
    return _join(notice, [w.ANSWERS["security"], *lasting])


def _lead(notice: Notice, w: Any) -> str | None:
    lead = notice.lead or ""
    extra = [s for s in sentences(notice.section("what_happened")) if s not in lead]
    return _join(notice, [lead, *extra])


_ANSWERS: dict[str, Callable[[Notice, Any], str | None]] = {
    "what_happened": _lead,
    "am_i_affected": _am_i_affected,
    "how_many": _how_many,
    "which_items": _items,
    "since_when": _period,
    "what_to_do": lambda n, w: _join(n, list(n.bullets("advice"))),
    "card_reissue": _card,
    "password": _password,
    "leak_site": lambda n, w: _matching(n, "advice", _LEAK_SITE),
    "misuse": lambda n, w: n.section("misuse"),
    "cause": lambda n, w: n.section("cause"),
    "attacker": lambda n, w: w.ANSWERS["attacker"],
    "why_late": _why_late,
    "is_it_over": _is_it_over,
    "authorities": lambda n, w: _matching(n, "actions", _AUTHORITIES),
    "compensation": lambda n, w: w.ANSWERS["compensation"],
    "security": _security,
    "next_update": lambda n, w: n.section("next_update"),
    "contact": _contact,
}


def draft_qa(notice: Notice, w: Any, answers: Mapping[str, Any], *, today: str) -> str:
    """The Q&A as Markdown, marked internal."""
    qa: Mapping[str, str] = w.QA
    lines = [
        f"**{qa['mark']}**　{qa['title']}"
        if notice.lang == "ja"
        else f"**{qa['mark']}** — {qa['title']}",
        "",
        qa["basis"].format(date=today, title=notice.title),
        qa["internal"],
        "",
    ]
    for number, code in enumerate(questions_for(answers, notice), start=1):
        lines += [f"**Q{number}. {w.QUESTIONS[code]}**", "", f"A. {answer(code, notice, w)}", ""]
    return "\n".join(lines).strip()
