"""Draft the holding statement (ja/en) from the contract's answers and verdict dicts.

The decisions (what is certain, what to advise, which authority to name) are made here in Python;
the words live in Jinja2 templates (``templates/{ja,en}/holding.md.j2`` and the ``_words.md.j2``
partial), which a company may override from its own folder. The module is pure: the current time
is the ``now`` parameter, and nothing here reads the clock, the database or a chat platform.

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

__all__ = [
    "LANGUAGES",
    "Company",
    "Draft",
    "advice_for",
    "certainty",
    "default_next_update",
    "draft_statement",
]

LANGUAGES = ("ja", "en")
PACKAGED_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "holding.md.j2"

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


def _whose(categories: list[str] | None, answers: dict[str, Any]) -> str | None:
    if categories is not None and not set(categories) & set(PERSONAL_CATEGORIES):
        return None
    if answers.get("role") == "processor":
        return "principal_customers"
    if categories == ["business_contact"]:
        return "business_contacts"
    return "customers"


def _strong_encryption(answers: dict[str, Any]) -> bool:
    return answers.get("encryption") == "strong" and answers.get("key_compromised") is not True


def advice_for(answers: dict[str, Any] | None) -> list[str]:
    """What the statement asks affected people to do, most urgent first.

    Codes: card, password, phishing, special_care; precaution (access ruled out, or strong
    encryption with the key safe); nothing (no personal data).
    """
    answers = answers if isinstance(answers, dict) else {}
    return _advice(_categories(answers), certainty(answers), _strong_encryption(answers))


def _advice(categories: list[str] | None, cert: str, strong_encryption: bool) -> list[str]:
    if categories is not None and not set(categories) & set(PERSONAL_CATEGORIES):
        return ["nothing"]
    if cert == "ruled_out" or (strong_encryption and cert != "confirmed"):
        return ["precaution"]
    given = set(categories or ())
    advice = []
    if "financial" in given:
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


def _police(actions: dict[str, Any], answers: dict[str, Any], mode: str) -> str | None:
    """How the statement speaks of the police: it says they are consulted only when the room
    answered so; a verdict that merely recommends it becomes a plan ("will work with")."""
    consulted = answers.get("police_involved") is True
    if not consulted and actions.get("coordinate_with_police") != "yes":
        return None
    # Where an insider theft is under investigation, naming the police can hurt the case.
    if mode == "insider_theft":
        return "neutral"
    return "consulting" if consulted else "will_consult"


def _notify_individuals(appi: dict[str, Any], gdpr: dict[str, Any], whose: str | None) -> bool:
    duty = appi.get("notify_individuals") in ("required", "conditional")
    return whose is not None and (duty or gdpr.get("notify_individuals") == "required")


# --- formatting ----------------------------------------------------------------------------------

_EN_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_EN_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_JA_WEEKDAYS = "月火水木金土日"


def format_date(moment: datetime, lang: str) -> str:
    """28 November 2026 / 2026年11月28日."""
    if lang == "ja":
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{moment.day} {_EN_MONTHS[moment.month - 1]} {moment.year}"


def format_deadline(moment: datetime, lang: str) -> str:
    """18:00 JST on Sunday 29 November 2026 / 2026年11月29日（日）18時."""
    zone_name = moment.tzname() or ""
    if lang == "ja":
        minutes = f"{moment.minute}分" if moment.minute else ""
        zone = "" if zone_name == "JST" else f"（{zone_name}）"
        weekday = _JA_WEEKDAYS[moment.weekday()]
        return f"{format_date(moment, lang)}（{weekday}）{moment.hour}時{minutes}{zone}"
    weekday = _EN_WEEKDAYS[moment.weekday()]
    return f"{moment:%H:%M} {zone_name} on {weekday} {format_date(moment, lang)}".replace("  ", " ")


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
    categories = _categories(answers)
    cert = certainty(answers)
    mode = _mode(answers)
    appi, gdpr, actions = (_section(verdict, k) for k in ("appi", "gdpr", "actions"))
    notify_principal = actions.get("notify_principal") is True
    strong = _strong_encryption(answers)
    discovered = _parse_moment(answers.get("discovered_at"), zone)
    whose = _whose(categories, answers)
    return {
        "lang": lang,
        "edition": edition,
        "company": company.name or None,
        "contact": company.contact or None,
        "issued_on": format_date(now.astimezone(zone), lang),
        "discovered_on": format_date(discovered, lang) if discovered else None,
        "next_update_on": format_deadline(next_update_at.astimezone(zone), lang),
        "mode": mode,
        "certainty": cert,
        "published": answers.get("published") is True,
        "secondary_damage": answers.get("secondary_damage") is True,
        "categories": categories,
        "personal": whose is not None,
        "whose": whose,
        "count": _count(answers),
        "strong_encryption": strong,
        "contained": _tristate(answers.get("contained")),
        "attack": mode in ATTACK_MODES,
        "ppc": _ppc(appi, notify_principal),
        "gdpr": gdpr.get("relevant") is True,
        "police": _police(actions, answers, mode),
        "notify_principal": notify_principal,
        "notify_individuals": _notify_individuals(appi, gdpr, whose) and cert != "ruled_out",
        "advice": _advice(categories, cert, strong),
        "severity": verdict.get("severity") if isinstance(verdict.get("severity"), str) else None,
    }


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
    rendered = _tidy(env.get_template(f"{lang}/{TEMPLATE_NAME}").render(context))
    title, _, body = rendered.partition("\n")
    return Draft(lang=lang, title=title.strip(), body=body.strip(), next_update_at=next_update_at)
