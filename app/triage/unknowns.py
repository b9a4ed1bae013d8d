"""The unknowns: which would change the outcome (open questions), which alone keep the APPI duty
conditional, and the public actions the known facts alone call for."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from app.triage.compiled import Compiled, compiled
from app.triage.facts import Context, D, Facts, derived_wrongful
from app.triage.models import Access, Announcement, Answers, Encryption, LeakMode, Region, Role
from app.triage.outcome import Outcome, announcement_of, evaluate
from app.triage.policy import Policy, default_policy

Probe = Callable[[Facts], tuple[dict[str, Any], ...]]


def _if_unknown(field: str, *values: Any) -> Probe:
    changes = tuple({field: value} for value in values)

    def probe(f: Facts) -> tuple[dict[str, Any], ...]:
        return changes if getattr(f, field) is None else ()

    return probe


def _wrongful(f: Facts) -> tuple[dict[str, Any], ...]:
    unknown = f.wrongful_act is None and derived_wrongful(f.leak_mode) is None
    return ({"wrongful_act": False},) if unknown else ()


def _key(f: Facts) -> tuple[dict[str, Any], ...]:
    asked = f.encryption == Encryption.STRONG and f.key_compromised is None
    return ({"key_compromised": True},) if asked else ()


# In the article's order; each gives the answers worth trying for that unknown. Counts and
# categories are monotone, so one small count and "none" are enough to tell.
def _can_pay(f: Facts) -> tuple[dict[str, Any], ...]:
    asked = f.credentials_can_pay is None and D.CREDENTIALS in (f.data_categories or ())
    return ({"credentials_can_pay": False},) if asked else ()


def _hold(f: Facts) -> tuple[dict[str, Any], ...]:
    asked = f.police_disclosure_hold is None and f.police_involved is True
    return ({"police_disclosure_hold": True},) if asked else ()


PROBES: dict[str, Probe] = {
    "data_categories": _if_unknown("data_categories", frozenset({D.NONE})),
    "credentials_can_pay": _can_pay,
    "affected_count": _if_unknown("affected_count", 1),
    "subject_regions": _if_unknown(
        "subject_regions", frozenset({Region.JP}), frozenset({Region.EU})
    ),
    "encryption": _if_unknown("encryption", Encryption.STRONG),
    "key_compromised": _key,
    "leak_mode": _if_unknown(
        "leak_mode", LeakMode.MISDELIVERY, LeakMode.MISCONFIGURATION, LeakMode.INTENTIONAL_PROVISION
    ),  # fmt: skip
    "wrongful_act": _wrongful,
    "access": _if_unknown("access", Access.RULED_OUT, Access.CONFIRMED),
    "published": _if_unknown("published", True),
    "secondary_damage": _if_unknown("secondary_damage", True),
    "contained": _if_unknown("contained", False),
    "police_involved": _if_unknown("police_involved", True),
    "police_disclosure_hold": _hold,
    "role": _if_unknown("role", Role.PROCESSOR),
    "listed_company": _if_unknown("listed_company", True),
    "public_body": _if_unknown("public_body", True),
}


def still_unknown(answers: Answers, fields: list[str]) -> list[str]:
    """Those of `fields` (a verdict's open questions) that `answers` still leave unknown. A
    verdict is re-issued only when its outcome changes, so one issued before an answer can
    still list the question that answer closed (encryption answered "none" when "none" was
    already assumed)."""
    facts = Facts.of(answers)
    return [field for field in fields if field not in PROBES or PROBES[field](facts)]


def _changes(facts: Facts, field: str, baseline: Outcome, p: Compiled) -> bool:
    decision = baseline.decision()
    return any(
        evaluate(facts._replace(**change), p)[0].decision() != decision
        for change in PROBES[field](facts)
    )


def open_fields(facts: Facts, baseline: Outcome, p: Compiled) -> list[str]:
    return [field for field in PROBES if _changes(facts, field, baseline, p)]


def decisive(answers: Answers, field: str, policy: Policy | None = None) -> bool:
    """Whether some answer to `field` could change the verdict, given the other answers."""
    return field in PROBES and deciding(answers, policy)(field)


def deciding(answers: Answers, policy: Policy | None = None) -> Callable[[str], bool]:
    """`decisive` of these answers, field by field: the answers are read into facts once for a
    walk over the questions, not once for each of them."""
    facts, p = Facts.of(answers), compiled(policy or default_policy())

    def decides(field: str) -> bool:
        return field in PROBES and _decisive(facts._replace(**{field: None}), field, p)

    return decides


@lru_cache(maxsize=4096)
def _decisive(facts: Facts, field: str, p: Compiled) -> bool:
    """`decisive` for the facts with `field` unknown. Kept, being pure: a room asks it of the same
    answers for every card, summary and topic it renders (one incident in bench.statements asked
    it 238 times of 53 different facts)."""
    return _changes(facts, field, evaluate(facts, p)[0], p)


def conditional_on(facts: Facts, baseline: Outcome, p: Compiled) -> list[str]:
    """The unknowns (encryption, access) whose better value alone would remove the APPI duty.

    Only while the exposure itself is unknown: an explicit suspected/confirmed access is a known
    likelihood, and so is ransomware's damage; an encryption exception nobody has established
    then leaves the duty standing (the question stays open). See docs/policy.md.
    """
    exposure_known = facts.access is not None or facts.leak_mode == LeakMode.RANSOMWARE
    if not baseline.reportable or exposure_known:
        return []
    better: dict[str, Any] = {"encryption": Encryption.STRONG, "access": Access.RULED_OUT}
    return [
        field
        for field, value in better.items()
        if getattr(facts, field) is None
        and not evaluate(facts._replace(**{field: value}), p)[0].reportable
    ]


# ----- public actions on known facts -------------------------------------------------------------

Conditional = bool | Literal["conditional"]


class Public(NamedTuple):
    """Press conference and rapid disclosure on known facts, and the facts assumed for each."""

    press: Conditional
    rapid: Conditional
    announcement: Announcement
    press_assumed: tuple[str, ...]
    rapid_assumed: tuple[str, ...]


def _better_reading(f: Facts) -> dict[str, Any]:
    """Each unknown that is read the worse way, with the value the better reading gives it.

    Encryption and access only while the exposure itself is unknown, as in conditional_on.
    """
    better: dict[str, Any] = {}
    if f.data_categories is None:
        better["data_categories"] = frozenset({D.NONE})
    if f.affected_count is None:
        better["affected_count"] = 1
    if f.wrongful_act is None and derived_wrongful(f.leak_mode) is None:
        better["wrongful_act"] = False
    if f.credentials_can_pay is None and D.CREDENTIALS in (f.data_categories or ()):
        better["credentials_can_pay"] = False
    if f.access is None and f.leak_mode != LeakMode.RANSOMWARE:
        if f.encryption is None:
            better["encryption"] = Encryption.STRONG
        better["access"] = Access.RULED_OUT
    return better


def public_actions(facts: Facts, outcome: Outcome, c: Context, p: Compiled) -> Public:
    """`true` only where the known facts alone call for it; "conditional" where assumptions do."""
    better = _better_reading(facts)
    if not (outcome.press or outcome.rapid) or not better:
        return Public(outcome.press, outcome.rapid, outcome.announcement, (), ())
    known = evaluate(facts._replace(**better), p)[0]
    alone = {
        field: evaluate(facts._replace(**{field: value}), p)[0] for field, value in better.items()
    }

    def settle(flag: str) -> tuple[Conditional, tuple[str, ...]]:
        if not getattr(outcome, flag) or getattr(known, flag):
            return getattr(outcome, flag), ()
        assumed = tuple(field for field, o in alone.items() if not getattr(o, flag))
        return "conditional", assumed or tuple(better)

    press, press_assumed = settle("press")
    rapid, rapid_assumed = settle("rapid")
    announcement = announcement_of(c, outcome.severity, press, rapid, timely=outcome.timely)
    return Public(press, rapid, announcement, press_assumed, rapid_assumed)
