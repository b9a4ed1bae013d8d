"""The communications pack around the approved notice: social post, letter, Q&A, press readiness.

The notice (the holding statement and its series, ``draft_statement``) is the source of truth:
each piece is drafted from the approved notice's text in the same language and quotes it, so a
PR lead's edit to the notice reaches every piece, and ``check_piece`` holds each piece to the
notice (``consistency``) and to the checker's phrase rules (``check_statement``). Pure: the
caller passes ``now``.

* ``social`` — a post within X's length rule pointing to the notice (``social``);
* ``letter`` — the notice to individuals (本人通知) as e-mail text and printable letter
  (``letter``);
* ``qa`` — the internal Q&A for the call centre and the press (``qa``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt

from app.statements.checker import Finding, check_statement
from app.statements.consistency import check_consistency, pack_finding
from app.statements.draft import (
    LANGUAGES,
    PACKAGED_TEMPLATES,
    PUBLIC_KINDS,
    Company,
    announcement_for,
)
from app.statements.letter import draft_letter
from app.statements.notice import read_notice
from app.statements.qa import MAX_QUESTIONS, MIN_QUESTIONS, draft_qa
from app.statements.social import MAX_WEIGHT, draft_social, weighted_length
from app.statements.wording import format_date

__all__ = [
    "PIECES",
    "check_piece",
    "draft_piece",
    "pieces_for",
    "press_readiness",
    "render_html",
]

PIECES = ("social", "letter", "qa")
_LETTER_DUTIES = ("required", "recommended")

# The checker's codes that hold for every piece: phrases to avoid, certainty against the answers,
# the people and the system named right, counts written as notices write them, dates not past,
# placeholders. The parts a whole notice must have (title, contact, next update, the card
# paragraph…) are the notice's, not a post's or a Q&A's.
_SHARED_CODES = frozenset(
    {
        "attacker_speculation",
        "blame_vendor",
        "blame_employee",
        "blame_victims",
        "minimising",
        "no_harm_claimed",
        "leak_denied",
        "leak_overstated",
        "denial_in_first_report",
        "people_misnamed",
        "system_misnamed",
        "processor_own_report",
        "count_wording",
        "date_past",
        "placeholder_unfilled",
    }
)
_CHECKED_CODES = {
    "social": _SHARED_CODES,
    "letter": _SHARED_CODES
    | {
        "missing_apology",
        "missing_data",
        "missing_contact",
        "card_fields",
        "advice_card",
        "advice_password",
        "advice_phishing",
        "leak_site_request",
    },
    "qa": _SHARED_CODES,
}


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(PACKAGED_TEMPLATES)), undefined=StrictUndefined
    )


@lru_cache(maxsize=len(LANGUAGES))
def _words(lang: str) -> Any:
    """The exported variables of ``{lang}/_pack_words.md.j2``."""
    return _environment().get_template(f"{lang}/_pack_words.md.j2").module


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)} (got {lang!r})")
    return lang


def pieces_for(answers: dict[str, Any], verdict: dict[str, Any]) -> tuple[str, ...]:
    """Which pieces this incident needs beside the notice.

    The social post and the Q&A when the notice is public (website, press, or held for the
    investigators until the agreed timing); the letter for an ``individual_notice`` incident and
    wherever notifying individuals is required or recommended (APPI or GDPR) — except for a
    processor (``via_principals``): its clients write to their people, not it.
    """
    kind = announcement_for(answers, verdict)
    appi = verdict.get("appi") if isinstance(verdict, dict) else None
    gdpr = verdict.get("gdpr") if isinstance(verdict, dict) else None
    duty = {str(s.get("notify_individuals")) for s in (appi, gdpr) if isinstance(s, dict)}
    wanted = {
        "social": kind in PUBLIC_KINDS,
        "letter": kind == "individual_notice"
        or (kind not in ("via_principals", "none") and bool(duty & set(_LETTER_DUTIES))),
        "qa": kind in PUBLIC_KINDS,
    }
    return tuple(piece for piece in PIECES if wanted[piece])


def draft_piece(
    kind: str,
    *,
    notice: str,
    answers: dict[str, Any],
    verdict: dict[str, Any],
    company: Company,
    lang: str,
    now: datetime,
    tz: str,
    notice_url: str | None = None,
) -> str:
    """One piece as Markdown, drafted from the approved ``notice`` (same language)."""
    lang = _lang(lang)
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware (got {now!r})")
    today = now.astimezone(ZoneInfo(tz)).date()
    read = read_notice(notice, lang)
    w = _words(lang)
    if kind == "social":
        return draft_social(read, w.SOCIAL, notice_url or w.URL_PLACEHOLDER)
    if kind == "letter":
        return draft_letter(read, w, company=company.name, contact=company.contact, today=today)
    if kind == "qa":
        return draft_qa(
            read, w, answers if isinstance(answers, dict) else {}, today=format_date(today, lang)
        )
    raise ValueError(f"kind must be one of {', '.join(PIECES)} (got {kind!r})")


def check_piece(
    kind: str,
    text: str,
    *,
    notice: str,
    answers: dict[str, Any],
    lang: str,
    now: datetime | None = None,
    tz: str = "Asia/Tokyo",
) -> list[Finding]:
    """Findings for a piece: what it says beyond the notice, the checker's phrase and certainty
    rules, and the piece's own rules (the post's length and link, the letter's items, the Q&A's
    mark and size). ``now`` finds promised dates already past and allows the piece's own date;
    dates without a zone are read in ``tz``."""
    lang = _lang(lang)
    if kind not in PIECES:
        raise ValueError(f"kind must be one of {', '.join(PIECES)} (got {kind!r})")
    local = now.astimezone(ZoneInfo(tz)) if now is not None and now.tzinfo else None
    today: date | None = local.date() if local is not None else None
    statement = check_statement(text, lang, answers=answers, now=now, tz=tz)
    findings = [f for f in statement if f.code in _CHECKED_CODES[kind]]
    findings += check_consistency(text, notice, lang, today=today)
    findings += list(_own_rules(kind, text, lang))
    return findings


def _own_rules(kind: str, text: str, lang: str) -> Iterator[Finding]:
    w = _words(lang)
    if kind == "social":
        weight = weighted_length(text)
        if weight > MAX_WEIGHT:
            yield pack_finding("social_too_long", f"{weight}/{MAX_WEIGHT}")
        if "http" not in text and w.URL_PLACEHOLDER not in text:
            yield pack_finding("social_no_link")
    elif kind == "letter":
        headings: Mapping[str, str] = w.LETTER_HEADINGS
        lines = {line.strip() for line in text.splitlines()}
        for key in ("what_happened", "data", "cause", "misuse", "contact"):
            heading = headings[key]
            if heading not in lines and f"【{heading}】" not in lines:
                yield pack_finding("letter_missing_item", heading)
    elif kind == "qa":
        if w.QA["mark"] not in text:
            yield pack_finding("qa_not_internal")
        asked = text.count("**Q")
        if not MIN_QUESTIONS <= asked <= MAX_QUESTIONS:
            yield pack_finding("qa_count", str(asked))


def press_readiness(verdict: dict[str, Any], lang: str) -> list[str]:
    """What must be ready for a press conference the verdict recommends: spokesperson, time,
    place or online, materials, the Q&A approved. [] when none is recommended; when it is
    recommended only on the worse reading of unknown facts ("conditional"), deciding whether to
    hold one comes first."""
    lang = _lang(lang)
    actions = verdict.get("actions") if isinstance(verdict, dict) else None
    press = actions.get("press_conference") if isinstance(actions, dict) else None
    if press is not True and press != "conditional":
        return []
    w = _words(lang)
    items = list(w.PRESS)
    return [w.PRESS_DECIDE, *items] if press == "conditional" else items


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True})


def render_html(markdown_text: str) -> str:
    """CMS-ready HTML for a piece or a notice: CommonMark (markdown-it-py), raw HTML in the text
    kept as text, each line break kept."""
    return _MARKDOWN.render(markdown_text)
