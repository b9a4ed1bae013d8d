"""Draft the holding statement (ja/en) from the contract's answers and verdict dicts.

The decisions (what is certain, what to advise, which authority to name) are made here in Python;
the words live in Jinja2 templates, one per ``actions.announcement`` kind and language
(``templates/{ja,en}/{public,letter,principals,none}.md.j2`` and the ``_words.md.j2`` partial),
which a company may override from its own folder. The module is pure: the current time is the
``now`` parameter, and nothing here reads the clock, the database or a chat platform.

Which text for which kind (DESIGN.md, "Contract additions (2026-12)"):

* ``press_and_website``, ``website``: the public notice (``public.md.j2``).
* ``hold_for_investigators``: the same notice, marked 「公表時期は捜査機関と調整のうえ決定」, its
  publication date left for the PR lead, and without trade-secret detail.
* ``individual_notice``: a letter to the few people concerned (``letter.md.j2``).
* ``via_principals``: a processor's notice to its client companies (``principals.md.j2``): they
  speak to their people and report to the PPC; the processor promises neither.
* ``none``: a note for the room saying why no public statement is recommended (``none.md.j2``).

A verdict without ``actions.announcement`` (issued before the field existed) gets the kind
``announcement_for`` derives from the severity and the answers.

The next-update promise is `app.statements.next_update`'s; what the answers and verdict say,
`app.statements.reading`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.statements.next_update import default_next_update, is_business_day, require_aware
from app.statements.reading import (
    ATTACK_MODES,
    KINDS,
    LEAK_MODES,
    OTHER_CATEGORIES,
    PERSONAL_CATEGORIES,
    PUBLIC_KINDS,
    SECRET_CATEGORIES,
    SUBJECTS,
    advice_codes,
    advice_for,
    announcement_for,
    categories_of,
    cause_of,
    certainty,
    count_of,
    mode_of,
    notify_individuals_of,
    parse_moment,
    period_of,
    police_of,
    ppc_of,
    section,
    strong_encryption,
    subjects_of,
    tristate,
    written_in,
)
from app.statements.wording import (
    approximate_count,
    format_date,
    format_date_target,
    format_period,
    written_as_counted,
)

__all__ = [
    "ATTACK_MODES",
    "KINDS",
    "LANGUAGES",
    "LEAK_MODES",
    "OTHER_CATEGORIES",
    "PERSONAL_CATEGORIES",
    "PUBLIC_KINDS",
    "SECRET_CATEGORIES",
    "SUBJECTS",
    "Company",
    "Draft",
    "advice_for",
    "announcement_for",
    "certainty",
    "default_next_update",
    "draft_statement",
    "is_business_day",
]

LANGUAGES = ("ja", "en")
PACKAGED_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATES = {
    "press_and_website": "public.md.j2",
    "website": "public.md.j2",
    "hold_for_investigators": "public.md.j2",
    "individual_notice": "letter.md.j2",
    "via_principals": "principals.md.j2",
    "none": "none.md.j2",
}
LEGACY_PUBLIC = "holding.md.j2"


@dataclass(frozen=True)
class Company:
    """Who issues the statement; ``contact`` is the dedicated contact point (phone, e-mail, form)."""

    name: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Draft:
    """A drafted statement: ``text`` is what is shown and approved."""

    lang: str
    title: str
    body: str
    next_update_at: datetime | None
    kind: str = "website"

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}"


# --- formatting ----------------------------------------------------------------------------------


def _join_lines(value: str) -> str:
    """The ``para`` filter: text written one sentence a line becomes one line.

    Lines are joined without a space where either side is Japanese, with one space otherwise.
    ``{% filter paragraph %}`` does the same for a block and ends it with a newline.
    """
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    out = ""
    for line in lines:
        if out and (out[-1].isascii() and line[0].isascii()):
            out += " "
        out += line
    return out


def _tidy(rendered: str) -> str:
    lines = [line.rstrip() for line in rendered.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- rendering -----------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _environment(template_dir: str | None) -> ImmutableSandboxedEnvironment:
    loaders = [FileSystemLoader(str(PACKAGED_TEMPLATES))]
    if template_dir is not None:
        loaders.insert(0, FileSystemLoader(template_dir))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters["para"] = _join_lines
    env.filters["paragraph"] = lambda value: _join_lines(value) + "\n"
    env.filters["num"] = lambda n: f"{int(n):,}"
    return env


def _context(
    answers: dict[str, Any],
    verdict: dict[str, Any],
    lang: str,
    company: Company,
    now: datetime,
    zone: ZoneInfo,
    next_update_at: datetime,
    edition: int,
) -> dict[str, Any]:
    kind = announcement_for(answers, verdict)
    hold = kind == "hold_for_investigators"
    categories = categories_of(answers)
    cert = certainty(answers)
    mode = mode_of(answers)
    appi, gdpr, actions = (section(verdict, k) for k in ("appi", "gdpr", "actions"))
    notify_principal = actions.get("notify_principal") is True
    strong = strong_encryption(answers)
    discovered = parse_moment(answers.get("discovered_at"), zone)
    subjects = subjects_of(categories, answers)
    count = count_of(answers)
    start, end = period_of(answers)
    cause = cause_of(answers)
    card = mode == "skimming" or "financial" in (categories or ())
    # Card data is personal data, whatever the categories say (a skimming answered "trade secret").
    personal = categories is None or card or bool(set(categories) & set(PERSONAL_CATEGORIES))
    local_now = now.astimezone(zone)
    shown = (
        [c for c in categories if c not in SECRET_CATEGORIES] if hold and categories else categories
    )
    return {
        "lang": lang,
        "kind": kind,
        "hold": hold,
        "edition": edition,
        "company": company.name or None,
        "contact": company.contact or None,
        "issued_on": format_date(local_now, lang),
        "discovered_on": format_date(discovered, lang) if discovered else None,
        "next_update_on": format_date_target(next_update_at.astimezone(zone), local_now, lang),
        "mode": mode,
        "certainty": cert,
        "published": answers.get("published") is True,
        "secondary_damage": tristate(answers.get("secondary_damage")),
        "categories": shown,
        "secrets_withheld": bool(hold and categories and len(shown or ()) < len(categories)),
        "personal": personal,
        "personal_data": _personal_data(categories, personal),
        "subjects": subjects,
        "processor": answers.get("role") == "processor",
        "count": count,
        "count_text": approximate_count(count, lang) if count else None,
        "count_estimated": _estimated(count, kind, mode),
        "card": card,
        "period": format_period(start, end, lang),
        "cause": cause,
        "cause_lang": written_in(cause) if cause else None,
        "strong_encryption": strong,
        "contained": tristate(answers.get("contained")),
        "attack": mode in ATTACK_MODES,
        "ppc": ppc_of(appi, notify_principal),
        "gdpr": gdpr.get("relevant") is True,
        "police": police_of(actions, answers, mode, card),
        "notify_principal": notify_principal,
        "notify_individuals": notify_individuals_of(appi, gdpr, personal) and cert != "ruled_out",
        "advice": advice_codes(
            categories,
            cert,
            strong,
            published=answers.get("published") is True,
            skimming=mode == "skimming",
        ),
        "severity": verdict.get("severity") if isinstance(verdict.get("severity"), str) else None,
        "none_reasons": _none_reasons(categories, cert, strong) if kind == "none" else [],
        "verdict_reasons": _verdict_reasons(verdict, lang) if kind == "none" else [],
    }


def _estimated(count: int | None, kind: str, mode: str) -> bool:
    """Whether the count is said as an estimate (「（現時点の推計）」 / "(current estimate)").

    ``affected_count`` is the room's best current estimate (DESIGN.md), and so it is said, unless
    it is written as counted (under 100, no 約) and the people are known one by one: the few
    people a letter goes to (``individual_notice``) or those in a misdelivered message.
    """
    if count is None:
        return False
    named = kind == "individual_notice" or mode == "misdelivery"
    return not (named and written_as_counted(count))


def _personal_data(categories: list[str] | None, personal: bool) -> str | None:
    """What a notice about other data says of personal data: ``not_involved`` so far where the
    room named what leaked and none of it is personal, ``investigating`` where nothing is
    identified yet; None for a notice about personal data."""
    if personal or categories is None:
        return None
    return "not_involved" if categories else "investigating"


def _none_reasons(categories: list[str] | None, cert: str, strong: bool) -> list[str]:
    """Why no statement is recommended, most decisive first."""
    if categories is not None and not set(categories) & set(PERSONAL_CATEGORIES):
        return ["not_personal"]
    if cert == "ruled_out":
        return ["ruled_out"]
    return ["encrypted"] if strong and cert != "confirmed" else ["minor"]


def _verdict_reasons(verdict: dict[str, Any], lang: str) -> list[str]:
    reasons = verdict.get("reasons")
    if not isinstance(reasons, list):
        return []
    texts = (r.get(lang) for r in reasons if isinstance(r, dict))
    return [t.strip() for t in texts if isinstance(t, str) and t.strip()]


def draft_statement(
    answers: dict[str, Any],
    verdict: dict[str, Any],
    lang: str,
    *,
    company: Company,
    now: datetime,
    tz: str = "Asia/Tokyo",
    next_update_at: datetime | None = None,
    template_dir: Path | None = None,
    edition: int = 1,
) -> Draft:
    """Render the holding statement for ``lang`` ("ja" or "en").

    ``next_update_at`` defaults to ``default_next_update`` for the verdict's severity. The
    template's first line is the title; the rest is the body.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)} (got {lang!r})")
    require_aware("now", now)
    answers = answers if isinstance(answers, dict) else {}
    verdict = verdict if isinstance(verdict, dict) else {}
    if next_update_at is None:
        severity = verdict.get("severity")
        next_update_at = default_next_update(
            severity if isinstance(severity, str) else None, now, tz
        )
    require_aware("next_update_at", next_update_at)
    zone = ZoneInfo(tz)
    context = _context(
        answers, verdict, lang, company, now, zone, next_update_at, max(1, int(edition))
    )
    env = _environment(str(template_dir) if template_dir is not None else None)
    names = [f"{lang}/{TEMPLATES[context['kind']]}"]
    if names[0].endswith("/public.md.j2"):
        # A company folder made before the kinds existed overrides the public notice by this name.
        names.insert(0, f"{lang}/{LEGACY_PUBLIC}")
    template = env.select_template(names)
    rendered = _tidy(template.render(context))
    title, _, body = rendered.partition("\n")
    return Draft(
        lang=lang,
        title=title.strip(),
        body=body.strip(),
        next_update_at=next_update_at,
        kind=context["kind"],
    )
