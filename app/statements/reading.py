"""What a statement reads from the contract's answers and verdict dicts: certainty, the people and
data named, the advice, the authorities, and the announcement kind."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

KINDS = (
    "press_and_website",
    "website",
    "individual_notice",
    "via_principals",
    "hold_for_investigators",
    "none",
)
PUBLIC_KINDS = frozenset({"press_and_website", "website", "hold_for_investigators"})
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


def categories_of(answers: dict[str, Any]) -> list[str] | None:
    """Known categories in a fixed reading order; None when nobody has said what leaked."""
    raw = answers.get("data_categories")
    if not isinstance(raw, list | tuple) or not raw:
        return None
    given = {c for c in raw if isinstance(c, str)}
    ordered = [c for c in PERSONAL_CATEGORIES + OTHER_CATEGORIES if c in given]
    if not ordered:
        return [] if given == {"none"} else None
    return ordered


def count_of(answers: dict[str, Any]) -> int | None:
    value = answers.get("affected_count")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def mode_of(answers: dict[str, Any]) -> str:
    mode = answers.get("leak_mode")
    return mode if mode in LEAK_MODES else "unknown"


def tristate(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def parse_moment(value: Any, zone: ZoneInfo) -> datetime | None:
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


def subjects_of(categories: list[str] | None, answers: dict[str, Any]) -> list[str] | None:
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


def period_of(answers: dict[str, Any]) -> tuple[date | None, date | None]:
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


# Kana and kanji (and half-width kana): what a Japanese sentence cannot be written without.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def written_in(text: str) -> str:
    """The language `text` is written in: "ja" when it has Japanese script, else "en". A draft
    quotes it as written only in that language (the other leaves it for the lead to translate)."""
    return "ja" if _JAPANESE.search(text) else "en"


def cause_of(answers: dict[str, Any]) -> str | None:
    value = answers.get("cause")
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).rstrip("。.")
    return text or None


def strong_encryption(answers: dict[str, Any]) -> bool:
    return answers.get("encryption") == "strong" and answers.get("key_compromised") is not True


def advice_for(answers: dict[str, Any] | None) -> list[str]:
    """What the statement asks affected people to do, most urgent first.

    Codes: leak_site (data posted publicly: do not download or spread it), card, password,
    phishing, special_care; precaution (access ruled out, or strong encryption with the key
    safe); nothing (no personal data).
    """
    answers = answers if isinstance(answers, dict) else {}
    return advice_codes(
        categories_of(answers),
        certainty(answers),
        strong_encryption(answers),
        published=answers.get("published") is True,
        skimming=mode_of(answers) == "skimming",
    )


def advice_codes(
    categories: list[str] | None,
    cert: str,
    strong_encryption: bool,
    *,
    published: bool = False,
    skimming: bool = False,
) -> list[str]:
    # Data on a leak site: everyone is asked not to download or spread it, whatever it is.
    first = ["leak_site"] if published else []
    # Skimming takes card data, whatever the categories say.
    if categories is not None and not set(categories) & set(PERSONAL_CATEGORIES) and not skimming:
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


def section(verdict: dict[str, Any], key: str) -> dict[str, Any]:
    value = verdict.get(key)
    return value if isinstance(value, dict) else {}


def ppc_of(appi: dict[str, Any], notify_principal: bool) -> str | None:
    required = appi.get("report_required")
    if required is True and not notify_principal:
        return "reporting"
    if required is True or required == "conditional":
        return "will_report"
    return None


def police_of(
    actions: dict[str, Any], answers: dict[str, Any], mode: str, card: bool
) -> str | None:
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


def notify_individuals_of(appi: dict[str, Any], gdpr: dict[str, Any], personal: bool) -> bool:
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
    actions = section(verdict, "actions")
    given = actions.get("announcement")
    if isinstance(given, str) and given in KINDS:
        return given
    severity = verdict.get("severity")
    categories = categories_of(answers)
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
    if not personal or cert == "ruled_out" or (strong_encryption(answers) and cert != "confirmed"):
        return "none"
    return "individual_notice" if severity in ("SEV3", "SEV4") else "website"
