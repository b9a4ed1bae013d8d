"""The triage verdict: answers and a policy in, the DESIGN.md verdict out. Pure and deterministic."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.triage import clocks
from app.triage.compiled import Compiled, compiled
from app.triage.facts import ATTACK_MODES, PERSONAL, SECRETS, Context, D, Facts, derived_wrongful
from app.triage.models import (
    Actions,
    Answers,
    AppiCategory,
    AppiOutcome,
    GdprOutcome,
    LeakMode,
    Police,
    Reason,
    Role,
    Verdict,
)
from app.triage.outcome import Outcome, evaluate
from app.triage.policy import Policy, default_policy
from app.triage.rules import RULES
from app.triage.unknowns import (
    PROBES,
    Public,
    conditional_on,
    decisive,
    open_fields,
    public_actions,
)

# The verdict's parts live in their own modules; these names stay importable from here.
__all__ = [
    "ATTACK_MODES",
    "PERSONAL",
    "PROBES",
    "RULES",
    "SECRETS",
    "Compiled",
    "Context",
    "Facts",
    "Outcome",
    "assess",
    "compiled",
    "decisive",
    "derived_wrongful",
    "evaluate",
    "open_fields",
]


def assess(
    answers: Answers, policy: Policy | None = None, *, tz: ZoneInfo | str = "Asia/Tokyo"
) -> Verdict:
    """The verdict for these answers. No clock, no I/O: the same input gives the same verdict."""
    p = compiled(policy or default_policy())
    zone = clocks.zone(tz)
    facts = Facts.of(answers)
    outcome, context = evaluate(facts, p)
    conditional = conditional_on(facts, outcome, p)
    questions = open_fields(facts, outcome, p)
    public = public_actions(facts, outcome, context, p)
    processor = facts.role == Role.PROCESSOR
    # Art. 33(2): a processor tells its controller without undue delay; the 72 hours are the
    # controller's, counted from the controller's awareness.
    gdpr_due = (
        clocks.gdpr_authority_due(answers.discovered_at, clocks=p.clocks, tz=zone)
        if outcome.gdpr_clock and not processor
        else None
    )
    return Verdict(
        severity=outcome.severity,
        rules=list(outcome.rules),
        policy_version=p.version,
        reasons=_reasons(answers, outcome, context, conditional, public),
        appi=_appi(answers.discovered_at, outcome, context, conditional, p, zone),
        gdpr=GdprOutcome(
            relevant=outcome.gdpr_relevant,
            authority_due=gdpr_due,
            notify_individuals=outcome.gdpr_notify,
            notify_controller=processor and outcome.gdpr_clock,
        ),
        actions=Actions(
            press_conference=public.press,
            rapid_public_disclosure=public.rapid,
            coordinate_with_police=outcome.police,
            timely_disclosure_review=outcome.timely,
            notify_principal=outcome.notify_principal,
            announcement=public.announcement,
        ),
        open_questions=[p.questions[field] for field in questions],
        provisional=bool(questions),
    )


def _appi(
    discovered_at: datetime,
    outcome: Outcome,
    c: Context,
    conditional: list[str],
    p: Compiled,
    zone: ZoneInfo,
) -> AppiOutcome:
    if not outcome.reportable:
        # No legal duty, but people whose data is out can act on a notice (PPC guidelines 3-5-2).
        notice = "recommended" if c.personal_at_risk else "not_required"
        return AppiOutcome(report_required=False, categories=[], preliminary_target=None,
                           preliminary_due=None, final_due=None, notify_individuals=notice)  # fmt: skip
    wrongful = AppiCategory.C3 in outcome.categories
    due = clocks.appi_clocks(discovered_at, wrongful=wrongful, clocks=p.clocks, tz=zone)
    return AppiOutcome(
        report_required="conditional" if conditional else True,
        categories=list(outcome.categories),
        preliminary_target=due.preliminary_target,
        preliminary_due=due.preliminary_due,
        final_due=due.final_due,
        notify_individuals="conditional" if conditional else "required",
    )


def _reasons(
    answers: Answers, outcome: Outcome, c: Context, conditional: list[str], public: Public
) -> list[Reason]:
    keys = list(outcome.rules) or ["default"]
    keys += [category.value for category in outcome.categories]
    if D.CREDENTIALS in c.cats and c.f.credentials_can_pay is False and c.personal_at_risk:
        keys.append("C2-no-payment")
    if (
        AppiCategory.C3 in outcome.categories
        and c.f.leak_mode == LeakMode.RANSOMWARE
        and not c.confirmed
    ):
        keys.append("C3-ransomware")
    if D.MY_NUMBER in c.cats and (c.personal_at_risk or c.exception == "provision"):
        keys.append("MN" if outcome.my_number_duty else "MN-note")
    keys += _exception_keys(c)
    keys += [f"COND-{field}" for field in conditional]
    if c.personal_at_risk and outcome.gdpr_relevant is not False:
        if answers.role == Role.PROCESSOR:
            keys.append("GDPR-processor")
        else:
            keys.append("GDPR" if outcome.gdpr_relevant is True else "GDPR-unknown")
    keys += _action_keys(answers, outcome, c)
    keys += [f"F3-{control.value}" for control in answers.controls_missing or ()]
    if outcome.posture_raised:
        keys.append("POSTURE-controls")
    keys.append(f"ANN-{public.announcement.value}")
    reasons = [c.p.reason(key, answers.public_body) for key in dict.fromkeys(keys)]
    reasons += _conditional_reason(c, "PRESS-conditional", public.press_assumed, answers)
    reasons += _conditional_reason(c, "RAPID-conditional", public.rapid_assumed, answers)
    return reasons


def _conditional_reason(
    c: Context, key: str, assumed: tuple[str, ...], answers: Answers
) -> list[Reason]:
    """The reason of a conditional public action, naming each fact that is only assumed."""
    if not assumed:
        return []
    base = c.p.reason(key, answers.public_body)
    joints = {"en": "; ", "ja": "。"}
    facts = {
        lang: joint.join(getattr(c.p.assumptions[f], lang) for f in assumed)
        for lang, joint in joints.items()
    }
    return [
        Reason(
            rule=key,
            en=base.en.replace("{assumed}", facts["en"]),
            ja=base.ja.replace("{assumed}", facts["ja"]),
        )
    ]


def _exception_keys(c: Context) -> list[str]:
    names = {
        "encryption": "EX-encryption",
        "no_access": "EX-no-access",
        "provision": "EX-provision",
    }
    at_stake = c.personal or bool(c.cats & SECRETS)
    return [names[c.exception]] if c.exception and at_stake else []


def _action_keys(answers: Answers, outcome: Outcome, c: Context) -> list[str]:
    keys = []
    if outcome.police != Police.NO:
        keys.append(f"POLICE-{outcome.police.value}")
    if outcome.timely:
        keys.append("TD-listed")
    if outcome.notify_principal:
        keys.append("ROLE-processor")
    at_stake = c.personal_at_risk or c.secrets_at_risk
    if answers.media_aware and at_stake:
        keys.append("CTX-media")
    if answers.contained is False and at_stake:
        keys.append("CTX-not-contained")
    return keys
