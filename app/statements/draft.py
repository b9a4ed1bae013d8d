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

Next-update promise (``default_next_update``), on the Japanese business calendar (weekends,
national holidays and 29 Dec – 3 Jan are not business days):

* SEV1: six hours after ``now``, rounded up to the full hour; when that falls outside 08:00–21:00
  local time, 09:00 the next morning (weekends included: card or special-care leaks do not wait).
* SEV2, and a missing or unrecognised severity (read the worse way): 18:00 on the next business
  day.
* SEV3 and SEV4: 18:00 on the third business day.

These follow crisis-PR practice: for data that can cause financial damage people need facts fast
to protect themselves, so the first follow-up is the same day; for reportable leaks, no later
than the next business day; for minor incidents within the week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.statements.wording import (
    approximate_count,
    format_date,
    format_date_target,
    format_period,
)

__all__ = [
    "KINDS",
    "LANGUAGES",
    "PUBLIC_KINDS",
    "Company",
    "Draft",
    "advice_for",
    "announcement_for",
    "certainty",
    "default_next_update",
    "draft_statement",
]

LANGUAGES = ("ja", "en")
PACKAGED_TEMPLATES = Path(__file__).parent / "templates"
KINDS = (
    "press_and_website",
    "website",
    "individual_notice",
    "via_principals",
    "hold_for_investigators",
    "none",
)
PUBLIC_KINDS = frozenset({"press_and_website", "website", "hold_for_investigators"})
TEMPLATES = {
    "press_and_website": "public.md.j2",
    "website": "public.md.j2",
    "hold_for_investigators": "public.md.j2",
    "individual_notice": "letter.md.j2",
    "via_principals": "principals.md.j2",
    "none": "none.md.j2",
}
LEGACY_PUBLIC = "holding.md.j2"
SUBJECTS = (
    "customers",
    "employees",
    "job_applicants",
    "patients",
    "students",
    "business_partners",
    "other",
)

PERSONAL_CATEGORIES = (
    "special_care",
    "financial",
    "credentials",
    "my_number",
    "identity",
    "contact",
    "other_personal",
    "business_contact",
)
OTHER_CATEGORIES = ("trade_secret", "national_security")
LEAK_MODES = (
    "unauthorized_access",
    "ransomware",
    "insider_theft",
    "skimming",
    "misdelivery",
    "misconfiguration",
    "lost_device",
    "stolen_device",
    "vendor_incident",
    "intentional_provision",
    "unknown",
)
ATTACK_MODES = frozenset({"unauthorized_access", "ransomware", "skimming"})
# What a first public report never says about a trade secret while the police investigate.
SECRET_CATEGORIES = frozenset(OTHER_CATEGORIES)

_SEV1_DELAY = timedelta(hours=6)
_DAY_START, _DAY_END, _MORNING = 8, 21, 9
_CLOSE_OF_BUSINESS = 18


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


# --- reading the answers -------------------------------------------------------------------------


def certainty(answers: dict[str, Any] | None) -> str:
    """How sure we are that the data reached someone: confirmed, suspected, unknown or ruled_out.

    Data posted publicly or already misused counts as confirmed whatever ``access`` says.
    """
    answers = answers if isinstance(answers, dict) else {}
    access = answers.get("access")
    seen = answers.get("published") is True or answers.get("secondary_damage") is True
    if access == "confirmed" or seen:
        return "confirmed"
    if access in ("ruled_out", "suspected"):
        return str(access)
    return "unknown"


def _categories(answers: dict[str, Any]) -> list[str] | None:
    """Known categories in a fixed reading order; None when nobody has said what leaked."""
    raw = answers.get("data_categories")
    if not isinstance(raw, list | tuple) or not raw:
        return None
    given = {c for c in raw if isinstance(c, str)}
    ordered = [c for c in PERSONAL_CATEGORIES + OTHER_CATEGORIES if c in given]
    if not ordered:
        return [] if given == {"none"} else None
    return ordered


def _count(answers: dict[str, Any]) -> int | None:
    value = answers.get("affected_count")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def _mode(answers: dict[str, Any]) -> str:
    mode = answers.get("leak_mode")
    return mode if mode in LEAK_MODES else "unknown"


def _tristate(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _parse_moment(value: Any, zone: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _subjects(categories: list[str] | None, answers: dict[str, Any]) -> list[str] | None:
    """Whose data it is, as answered (``data_subjects``), in a fixed order; None when unknown.

    A business-card list (only ``business_contact`` data) is about people at partner companies
    even when nobody answered the question.
    """
    if categories is not None and not set(categories) & set(PERSONAL_CATEGORIES):
        return None
    raw = answers.get("data_subjects")
    given = {s for s in raw if isinstance(s, str)} if isinstance(raw, list | tuple) else set()
    ordered = [s for s in SUBJECTS if s in given]
    if ordered:
        return ordered
    return ["business_partners"] if categories == ["business_contact"] else None


def _period(answers: dict[str, Any]) -> tuple[date | None, date | None]:
    raw = answers.get("exposure_period")
    if not isinstance(raw, dict):
        return None, None
    start = _parse_day(raw.get("from", raw.get("start")))
    return start, _parse_day(raw.get("to", raw.get("end")))


def _parse_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _cause(answers: dict[str, Any]) -> str | None:
    value = answers.get("cause")
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).rstrip("。.")
    return text or None


def _strong_encryption(answers: dict[str, Any]) -> bool:
    return answers.get("encryption") == "strong" and answers.get("key_compromised") is not True


def advice_for(answers: dict[str, Any] | None) -> list[str]:
    """What the statement asks affected people to do, most urgent first.

    Codes: leak_site (data posted publicly: do not download or spread it), card, password,
    phishing, special_care; precaution (access ruled out, or strong encryption with the key
    safe); nothing (no personal data).
    """
    answers = answers if isinstance(answers, dict) else {}
    return _advice(
        _categories(answers),
        certainty(answers),
        _strong_encryption(answers),
        published=answers.get("published") is True,
        skimming=_mode(answers) == "skimming",
    )


def _advice(
    categories: list[str] | None,
    cert: str,
    strong_encryption: bool,
    *,
    published: bool = False,
    skimming: bool = False,
) -> list[str]:
    # Data on a leak site: everyone is asked not to download or spread it, whatever it is.
    first = ["leak_site"] if published else []
    if categories is not None and not set(categories) & set(PERSONAL_CATEGORIES):
        return first or ["nothing"]
    if cert == "ruled_out" or (strong_encryption and cert != "confirmed"):
        return first + ["precaution"]
    given = set(categories or ())
    advice = first
    if "financial" in given or skimming:
        advice.append("card")
    if "credentials" in given:
        advice.append("password")
    advice.append("phishing")
    if "special_care" in given:
        advice.append("special_care")
    return advice


# --- reading the verdict -------------------------------------------------------------------------


def _section(verdict: dict[str, Any], key: str) -> dict[str, Any]:
    value = verdict.get(key)
    return value if isinstance(value, dict) else {}


def _ppc(appi: dict[str, Any], notify_principal: bool) -> str | None:
    required = appi.get("report_required")
    if required is True and not notify_principal:
        return "reporting"
    if required is True or required == "conditional":
        return "will_report"
    return None


def _police(actions: dict[str, Any], answers: dict[str, Any], mode: str, card: bool) -> str | None:
    """How the statement speaks of the police: it says they are consulted only when the room
    answered so; a verdict that merely recommends it becomes a plan. A card leak or misuse
    already seen is a crime with victims: the plan is to consult, never "as needed"."""
    consulted = answers.get("police_involved") is True
    if not consulted and actions.get("coordinate_with_police") != "yes" and not card:
        return None
    # Where an insider theft is under investigation, naming the police can hurt the case.
    if mode == "insider_theft":
        return "neutral"
    if consulted:
        return "consulting"
    return "will_consult" if card or answers.get("secondary_damage") is True else "as_needed"


def _notify_individuals(appi: dict[str, Any], gdpr: dict[str, Any], personal: bool) -> bool:
    duty = appi.get("notify_individuals") in ("required", "conditional")
    return personal and (duty or gdpr.get("notify_individuals") == "required")


def announcement_for(answers: dict[str, Any] | None, verdict: dict[str, Any] | None) -> str:
    """How the company speaks: the verdict's ``actions.announcement``.

    A verdict issued before that field existed (or none at all) gets the kind its facts imply,
    read the worse way: a processor speaks through its principals; a police hold waits; a press
    conference, SEV1/SEV2, rapid disclosure or an unknown severity is public; no leak at all
    (access ruled out, strong encryption, no personal data) is none; a minor leak is a letter.
    """
    answers = answers if isinstance(answers, dict) else {}
    verdict = verdict if isinstance(verdict, dict) else {}
    actions = _section(verdict, "actions")
    given = actions.get("announcement")
    if isinstance(given, str) and given in KINDS:
        return given
    severity = verdict.get("severity")
    categories = _categories(answers)
    personal = categories is None or bool(set(categories) & set(PERSONAL_CATEGORIES))
    if personal and (answers.get("role") == "processor" or actions.get("notify_principal") is True):
        return "via_principals"
    if answers.get("police_disclosure_hold") is True:
        return "hold_for_investigators"
    if actions.get("press_conference") is True:
        return "press_and_website"
    if severity in ("SEV1", "SEV2") or actions.get("rapid_public_disclosure") is True:
        return "website"
    cert = certainty(answers)
    if not personal or cert == "ruled_out" or (_strong_encryption(answers) and cert != "confirmed"):
        return "none"
    return "individual_notice" if severity in ("SEV3", "SEV4") else "website"


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


# --- the business calendar -----------------------------------------------------------------------


@lru_cache(maxsize=32)
def _jp_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("JP", years=year))


def is_business_day(day: date) -> bool:
    """Weekdays that are not Japanese national holidays nor 29 Dec – 3 Jan."""
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not year_end and day not in _jp_holidays(day.year)


def _add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def _require_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got {moment!r})")


def default_next_update(severity: str | None, now: datetime, tz: str) -> datetime:
    """When the statement promises its next update; see the module docstring for the policy."""
    _require_aware("now", now)
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    level = (severity or "").upper()
    if level == "SEV1":
        soon = (now + _SEV1_DELAY).astimezone(zone)
        if soon.minute or soon.second or soon.microsecond:
            soon = soon.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if _DAY_START <= soon.hour < _DAY_END or (soon.hour == _DAY_END and soon.minute == 0):
            return soon
        morning = soon.date() if soon.hour < _DAY_START else soon.date() + timedelta(days=1)
        return _at(morning, _MORNING, zone)
    days = 3 if level in ("SEV3", "SEV4") else 1
    return _at(_add_business_days(local.date(), days), _CLOSE_OF_BUSINESS, zone)


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
    categories = _categories(answers)
    cert = certainty(answers)
    mode = _mode(answers)
    appi, gdpr, actions = (_section(verdict, k) for k in ("appi", "gdpr", "actions"))
    notify_principal = actions.get("notify_principal") is True
    strong = _strong_encryption(answers)
    discovered = _parse_moment(answers.get("discovered_at"), zone)
    subjects = _subjects(categories, answers)
    personal = categories is None or bool(set(categories) & set(PERSONAL_CATEGORIES))
    count = _count(answers)
    start, end = _period(answers)
    card = mode == "skimming" or "financial" in (categories or ())
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
        "secondary_damage": _tristate(answers.get("secondary_damage")),
        "categories": shown,
        "secrets_withheld": bool(hold and categories and len(shown or ()) < len(categories)),
        "personal": personal,
        "subjects": subjects,
        "processor": answers.get("role") == "processor",
        "count": count,
        "count_text": approximate_count(count, lang) if count else None,
        "card": card,
        "period": format_period(start, end, lang),
        "cause": _cause(answers),
        "strong_encryption": strong,
        "contained": _tristate(answers.get("contained")),
        "attack": mode in ATTACK_MODES,
        "ppc": _ppc(appi, notify_principal),
        "gdpr": gdpr.get("relevant") is True,
        "police": _police(actions, answers, mode, card),
        "notify_principal": notify_principal,
        "notify_individuals": _notify_individuals(appi, gdpr, personal) and cert != "ruled_out",
        "advice": _advice(
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
    _require_aware("now", now)
    answers = answers if isinstance(answers, dict) else {}
    verdict = verdict if isinstance(verdict, dict) else {}
    if next_update_at is None:
        severity = verdict.get("severity")
        next_update_at = default_next_update(
            severity if isinstance(severity, str) else None, now, tz
        )
    _require_aware("next_update_at", next_update_at)
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
