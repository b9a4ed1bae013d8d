"""One evaluation of the facts: severity, APPI categories, police, GDPR, public actions and how the
company speaks, before dates and texts."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from app.triage.compiled import Compiled
from app.triage.facts import GDPR_REGIONS, HIGH_RISK, Context, D, Facts, GdprRelevance
from app.triage.models import Announcement, AppiCategory, LeakMode, Police, Role, Severity


class Outcome(NamedTuple):
    """Everything a verdict decides, before dates and texts."""

    severity: Severity
    rules: tuple[str, ...]
    categories: tuple[AppiCategory, ...]
    my_number_duty: bool
    press: bool
    rapid: bool
    police: Police
    timely: bool
    notify_principal: bool
    gdpr_relevant: GdprRelevance
    gdpr_clock: bool
    gdpr_notify: Literal["required", "assess", "not_required"]
    posture_raised: bool
    announcement: Announcement

    @property
    def reportable(self) -> bool:
        return bool(self.categories) or self.my_number_duty

    def decision(self) -> tuple[Any, ...]:
        """What an open question could change: everything but the rule ids (explanation)."""
        return (self[0], *self[2:])


def evaluate(facts: Facts, p: Compiled) -> tuple[Outcome, Context]:
    c = Context(facts, p)
    severity, rules = _severity(c)
    relevant = _gdpr_relevant(c)
    # A processor speaks through its clients: no press conference or public notice of its own.
    speaks = facts.role != Role.PROCESSOR
    raised = _posture_raised(c)
    press = not p.press_rules.isdisjoint(rules) or (raised and severity == Severity.SEV1)
    rapid = severity in p.rapid_severities or not p.rapid_categories.isdisjoint(c.categories)
    timely = facts.listed_company is True and (
        severity in p.timely_severities or (c.secrets_at_risk and D.TRADE_SECRET in c.cats)
    )
    outcome = Outcome(
        severity=severity,
        rules=rules,
        categories=c.categories,
        my_number_duty=c.my_number_duty,
        press=speaks and press,
        rapid=speaks and rapid,
        police=_police(c),
        timely=timely,
        notify_principal=facts.role == Role.PROCESSOR
        and c.personal
        and (c.leaked or c.exception == "provision"),
        gdpr_relevant=relevant,
        # Intentional provision is no breach; encrypted data with the key safe carries no risk.
        gdpr_clock=relevant is not False and c.personal and c.exception in (None, "no_access"),
        gdpr_notify=_gdpr_notify(c, relevant),
        posture_raised=raised,
        announcement=announcement_of(c, severity, press, rapid, timely=timely),
    )
    return outcome, c


def _posture_raised(c: Context) -> bool:
    """Factor 3: enough missing controls make the case louder (DESIGN.md, default policy)."""
    at_stake = c.personal_at_risk or c.secrets_at_risk
    return at_stake and c.f.controls_missing >= c.p.posture_controls_at_least


def _heard_publicly(c: Context) -> bool:
    """Facts that make a public notice, not letters to named people, the proportionate voice."""
    f = c.f
    outsiders = c.wrongful and f.leak_mode not in (LeakMode.INSIDER_THEFT, LeakMode.STOLEN_DEVICE)
    return (
        c.observed or f.media_aware is True or outsiders or c.count > c.p.website_people_more_than
    )


def announcement_of(
    c: Context, severity: Severity, press: bool | str, rapid: bool | str, *, timely: bool
) -> Announcement:
    """How the company speaks, from the loudest voice the facts call for (docs/policy.md)."""
    provision = c.exception == "provision" and c.personal
    if not (c.personal_at_risk or c.secrets_at_risk or provision):
        return Announcement.NONE
    if c.f.role == Role.PROCESSOR:
        return Announcement.VIA_PRINCIPALS
    if c.f.police_disclosure_hold is True:
        return Announcement.HOLD_FOR_INVESTIGATORS
    if press is True:
        return Announcement.PRESS_AND_WEBSITE
    if press or rapid or severity == Severity.SEV1:
        return Announcement.WEBSITE
    if not (c.personal_at_risk or provision):
        # Secrets only: nobody to write to; a listed company's timely disclosure is public.
        return Announcement.WEBSITE if timely else Announcement.NONE
    if _heard_publicly(c) or _posture_raised(c):
        return Announcement.WEBSITE
    return Announcement.INDIVIDUAL_NOTICE


def _severity(c: Context) -> tuple[Severity, tuple[str, ...]]:
    for severity, rules in c.p.plan:
        matched = tuple(rule for rule, applies in rules if applies(c))
        if matched:
            return severity, matched
    return c.p.default_severity, ()


def _police(c: Context) -> Police:
    f = c.f
    if f.police_involved is True or c.wrongful or f.secondary_damage is True:
        return Police.YES
    if c.leaked and (f.leak_mode == LeakMode.MISCONFIGURATION or f.published is True):
        return Police.CONSULT
    return Police.NO


def _gdpr_relevant(c: Context) -> GdprRelevance:
    if c.f.data_categories is not None and not c.personal:
        return False  # no personal data, no data subjects
    if c.f.subject_regions is None:
        return "unknown"
    return bool(c.f.subject_regions & GDPR_REGIONS)


def _gdpr_notify(
    c: Context, relevant: GdprRelevance
) -> Literal["required", "assess", "not_required"]:
    if relevant is False or not c.personal_at_risk:
        return "not_required"
    return "required" if (c.cats & HIGH_RISK or c.observed) else "assess"
