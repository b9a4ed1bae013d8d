"""The triage verdict: answers and a policy in, the DESIGN.md verdict out. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

from app.triage import clocks
from app.triage.models import (
    Access,
    Actions,
    Announcement,
    Answers,
    AppiCategory,
    AppiOutcome,
    DataCategory,
    Encryption,
    GdprOutcome,
    LeakMode,
    OpenQuestion,
    Police,
    Reason,
    Region,
    Role,
    Severity,
    Text,
    Verdict,
)
from app.triage.policy import (
    ASSUMPTION_IDS,
    OPEN_QUESTION_IDS,
    REASON_IDS,
    RULE_IDS,
    Policy,
    default_policy,
)

D = DataCategory
PERSONAL = frozenset({D.SPECIAL_CARE, D.FINANCIAL, D.CREDENTIALS, D.IDENTITY, D.CONTACT,
                      D.OTHER_PERSONAL, D.MY_NUMBER, D.BUSINESS_CONTACT})  # fmt: skip
SECRETS = frozenset({D.TRADE_SECRET, D.NATIONAL_SECURITY})
# Credentials count as C2 only where they can pay or transfer (credentials_can_pay; unknown is
# read the worse way): PPC guidelines 通則編 3-5-3-1 (2), example: "送金や決済機能のあるウェブサービス
# のログインIDとパスワードの組み合わせ".
# S1-c's "identity/contact data or usable credentials". Business contact data alone never counts:
# a business-card list is not what makes a press conference (DESIGN.md, 2026-12).
IDENTIFYING = frozenset({D.IDENTITY, D.CONTACT, D.MY_NUMBER, D.CREDENTIALS})
HIGH_RISK = frozenset({D.SPECIAL_CARE, D.FINANCIAL, D.CREDENTIALS, D.MY_NUMBER})
# Unknown categories: ordinary personal data with names, the commonest case. Special-care or
# card data is not presumed: that would make every first report a SEV1.
ASSUMED_CATEGORIES = frozenset({D.IDENTITY})
UNBOUNDED = 10**18  # an unknown count is read as more than every threshold
GDPR_REGIONS = frozenset({Region.EU, Region.UK})
# Outsiders hold the data and its reach is unknown: people must hear it publicly, not one by one.
ATTACK_MODES = frozenset({LeakMode.UNAUTHORIZED_ACCESS, LeakMode.RANSOMWARE, LeakMode.SKIMMING})
WRONGFUL_MODES = frozenset({LeakMode.UNAUTHORIZED_ACCESS, LeakMode.RANSOMWARE,
                            LeakMode.INSIDER_THEFT, LeakMode.SKIMMING, LeakMode.STOLEN_DEVICE})  # fmt: skip
INNOCENT_MODES = frozenset({LeakMode.MISDELIVERY, LeakMode.MISCONFIGURATION,
                            LeakMode.LOST_DEVICE, LeakMode.INTENTIONAL_PROVISION})  # fmt: skip

NotALeak = Literal["encryption", "no_access", "provision"] | None
GdprRelevance = bool | Literal["unknown"]


class Facts(NamedTuple):
    """The answers that decide the outcome; `None` is unknown (also for the value `unknown`)."""

    data_categories: frozenset[DataCategory] | None
    affected_count: int | None
    subject_regions: frozenset[Region] | None
    leak_mode: LeakMode | None
    wrongful_act: bool | None
    encryption: Encryption | None
    key_compromised: bool | None
    access: Access | None
    published: bool | None
    secondary_damage: bool | None
    contained: bool | None
    police_involved: bool | None
    role: Role | None
    listed_company: bool | None
    public_body: bool | None
    police_disclosure_hold: bool | None
    credentials_can_pay: bool | None
    media_aware: bool | None
    controls_missing: int

    @classmethod
    def of(cls, a: Answers) -> Facts:
        return cls(
            data_categories=None if a.data_categories is None else frozenset(a.data_categories),
            affected_count=a.affected_count,
            subject_regions=None if a.subject_regions is None else frozenset(a.subject_regions),
            leak_mode=None if a.leak_mode == LeakMode.UNKNOWN else a.leak_mode,
            wrongful_act=a.wrongful_act,
            encryption=None if a.encryption == Encryption.UNKNOWN else a.encryption,
            key_compromised=a.key_compromised,
            access=a.access,
            published=a.published,
            secondary_damage=a.secondary_damage,
            contained=a.contained,
            police_involved=a.police_involved,
            role=a.role,
            listed_company=a.listed_company,
            public_body=a.public_body,
            police_disclosure_hold=a.police_disclosure_hold,
            credentials_can_pay=a.credentials_can_pay,
            media_aware=a.media_aware,
            controls_missing=len(set(a.controls_missing or ())),
        )


def derived_wrongful(mode: LeakMode | None) -> bool | None:
    """C3 from the leak mode; None where the mode alone cannot tell (vendor, unknown)."""
    if mode in WRONGFUL_MODES:
        return True
    if mode in INNOCENT_MODES:
        return False
    return None


class Context:
    """What the facts mean under the worse reading of every unknown (the APPI's "おそれ")."""

    __slots__ = ("f", "p", "cats", "count", "personal", "wrongful", "observed", "encrypted_safe",
                 "no_access", "exception", "leaked", "personal_at_risk", "secrets_at_risk",
                 "confirmed", "categories", "my_number_duty")  # fmt: skip

    def __init__(self, f: Facts, p: Compiled) -> None:
        self.f, self.p = f, p
        cats = (ASSUMED_CATEGORIES if f.data_categories is None else f.data_categories) - {D.NONE}
        self.cats = cats
        self.count = UNBOUNDED if f.affected_count is None else f.affected_count
        self.personal = bool(cats & PERSONAL)
        wrongful = f.wrongful_act if f.wrongful_act is not None else derived_wrongful(f.leak_mode)
        self.wrongful = wrongful is not False
        # What was seen outside outweighs logs that say nobody looked.
        self.observed = f.published is True or f.secondary_damage is True
        # Data posted or misused was evidently readable, whatever encryption it was said to have.
        self.encrypted_safe = (
            f.encryption == Encryption.STRONG
            and f.key_compromised is not True
            and not self.observed
        )
        self.no_access = f.access == Access.RULED_OUT and not self.observed
        self.exception = self._exception()
        self.leaked = self.exception is None
        self.personal_at_risk = self.leaked and self.personal
        # Ransomware damage is not a secret's exposure: secrets need a confidentiality risk.
        self.secrets_at_risk = self.leaked and not self.no_access and bool(cats & SECRETS)
        # Confirmed exfiltration: taken, posted or misused. A misdirected recipient reading it is a
        # leak to one known party who can be asked to delete, not an exfiltration.
        taken = f.access == Access.CONFIRMED and f.leak_mode != LeakMode.MISDELIVERY
        self.confirmed = self.leaked and (taken or self.observed)
        self.categories = self._categories()
        self.my_number_duty = self._my_number_duty()

    def _exception(self) -> NotALeak:
        if self.f.leak_mode == LeakMode.INTENTIONAL_PROVISION:
            return "provision"
        if self.encrypted_safe:
            return "encryption"
        # Ransomware damages (毀損) the data even when logs show nothing was taken.
        if self.no_access and self.f.leak_mode != LeakMode.RANSOMWARE:
            return "no_access"
        return None

    def _categories(self) -> tuple[AppiCategory, ...]:
        if not self.personal_at_risk:
            return ()
        cats = self.cats
        found = (
            (AppiCategory.C1, D.SPECIAL_CARE in cats),
            (AppiCategory.C2, self.property_damage),
            (AppiCategory.C3, self.wrongful),
            (AppiCategory.C4, self.count > self.p.c4_threshold(self.f.public_body)),
        )
        return tuple(category for category, applies in found if applies)

    @property
    def property_damage(self) -> bool:
        """C2's data: card or banking data, or credentials that can (or may) pay or transfer."""
        if D.FINANCIAL in self.cats:
            return True
        return D.CREDENTIALS in self.cats and self.f.credentials_can_pay is not False

    def _my_number_duty(self) -> bool:
        """My Number Act reporting rule art. 2: more than 100 people, a possibly wrongful act, or
        published and viewed; an unlawful provision of more than 100 people's numbers counts too."""
        if D.MY_NUMBER not in self.cats:
            return False
        many = self.count > self.p.my_number_more_than
        if self.exception == "provision":
            return many
        return self.personal_at_risk and (many or self.wrongful or self.f.published is True)

    @property
    def reportable(self) -> bool:
        return bool(self.categories) or self.my_number_duty


# ----- the severity rules (ids as in DESIGN.md; their order and levels come from the policy) -----


def _s1a(c: Context) -> bool:
    return AppiCategory.C1 in c.categories and (c.count >= c.p.s1_people_at_least or c.confirmed)


def _s1b(c: Context) -> bool:
    return AppiCategory.C2 in c.categories and c.count >= c.p.s1_people_at_least


def _s1c(c: Context) -> bool:
    return (
        c.personal_at_risk
        and c.count >= c.p.s1c_people_at_least
        and (AppiCategory.C3 in c.categories or c.confirmed)
        and bool(c.cats & IDENTIFYING)
    )


def _s1d(c: Context) -> bool:
    if not c.secrets_at_risk:
        return False
    # "Core, materially affecting" needs evidence: the secret is out in public or being used.
    core = D.TRADE_SECRET in c.cats and c.f.listed_company is True and c.observed
    return D.NATIONAL_SECURITY in c.cats or core


def _s2a(c: Context) -> bool:
    return c.reportable


def _s2b(c: Context) -> bool:
    return c.secrets_at_risk and D.TRADE_SECRET in c.cats and c.wrongful


def _s2c(c: Context) -> bool:
    return c.exception == "provision" and c.personal and c.count > c.p.s2c_people_more_than


def _s2d(c: Context) -> bool:
    return (
        c.f.leak_mode == LeakMode.MISCONFIGURATION
        and c.personal
        and not c.encrypted_safe
        and c.f.access != Access.CONFIRMED
        and not c.observed
        and c.count >= c.p.s2d_people_at_least
    )


def _s3a(c: Context) -> bool:
    return c.personal_at_risk or c.secrets_at_risk or (c.exception == "provision" and c.personal)


def _s3b(c: Context) -> bool:
    regions = c.f.subject_regions
    return (
        c.personal_at_risk
        and not c.reportable
        and regions is not None
        and bool(regions & GDPR_REGIONS)
    )


def _s4a(c: Context) -> bool:
    return c.exception in ("encryption", "no_access") and (c.personal or bool(c.cats & SECRETS))


def _s4b(c: Context) -> bool:
    return (
        c.personal_at_risk
        and c.f.data_categories is not None
        and c.cats == {D.BUSINESS_CONTACT}
        and c.f.leak_mode == LeakMode.MISDELIVERY
        and c.count <= c.p.s4b_people_at_most
        and c.f.contained is not False  # deletion requested; a refusal takes it out of S4-b
    )


RULES: dict[str, Callable[[Context], bool]] = {
    "S1-a": _s1a, "S1-b": _s1b, "S1-c": _s1c, "S1-d": _s1d,
    "S2-a": _s2a, "S2-b": _s2b, "S2-c": _s2c, "S2-d": _s2d,
    "S3-a": _s3a, "S3-b": _s3b,
    "S4-a": _s4a, "S4-b": _s4b,
}  # fmt: skip
assert set(RULES) == set(RULE_IDS)


class Compiled:
    """A policy flattened into plain attributes and ready-made texts, built once per policy."""

    def __init__(self, policy: Policy) -> None:
        legal, limits, actions = policy.legal, policy.thresholds, policy.actions
        self.version = policy.version
        self.clocks = policy.clocks
        self.c4_more_than = legal.c4_more_than
        self.c4_public_body_more_than = legal.c4_public_body_more_than
        self.my_number_more_than = legal.my_number_more_than
        self.s1_people_at_least = limits.s1_people_at_least
        self.s1c_people_at_least = limits.s1c_people_at_least
        self.s2c_people_more_than = limits.s2c_people_more_than
        self.s2d_people_at_least = limits.s2d_people_at_least
        self.s4b_people_at_most = limits.s4b_people_at_most
        self.plan = tuple(
            (severity, tuple((rule, RULES[rule]) for rule in rules))
            for severity, rules in policy.plan
        )
        self.default_severity = policy.default_severity
        self.press_rules = frozenset(actions.press_conference_rules)
        self.rapid_categories = frozenset(actions.rapid_disclosure_categories)
        self.rapid_severities = frozenset(actions.rapid_disclosure_severities)
        self.timely_severities = frozenset(actions.timely_disclosure_severities)
        self.website_people_more_than = actions.website_people_more_than
        self.posture_controls_at_least = actions.posture_controls_at_least
        shown = {name: f"{value:,}" for name, value in policy.placeholders().items()}
        self.assumptions = {
            field: Text(ja=text.ja.format_map(shown), en=text.en.format_map(shown))
            for field, text in policy.assumptions.items()
            if field in ASSUMPTION_IDS
        }
        self.reasons = _reason_texts(policy)
        self.questions = {
            field: OpenQuestion(field=field, en=text.en, ja=text.ja)
            for field, text in policy.open_questions.items()
            if field in OPEN_QUESTION_IDS
        }

    def c4_threshold(self, public_body: bool | None) -> int:
        # An organisation fact: absent means a private business (see docs/policy.md).
        return self.c4_public_body_more_than if public_body else self.c4_more_than

    def reason(self, key: str, public_body: bool | None) -> Reason:
        return self.reasons[key, self.c4_threshold(public_body)]


def _reason_texts(policy: Policy) -> dict[tuple[str, int], Reason]:
    keys = (*RULE_IDS, *REASON_IDS)
    texts: dict[tuple[str, int], Reason] = {}
    for threshold in (policy.legal.c4_more_than, policy.legal.c4_public_body_more_than):
        values = {**policy.placeholders(), "c4_threshold": threshold}
        shown = {name: f"{value:,}" for name, value in values.items()}
        shown["assumed"] = "{assumed}"  # filled per verdict (_conditional_reason)
        for key in keys:
            try:
                text = policy.text(key)
            except KeyError:
                continue  # a rule the policy dropped
            texts[key, threshold] = Reason(
                rule=key, en=text.en.format_map(shown), ja=text.ja.format_map(shown)
            )
    return texts


def compiled(policy: Policy) -> Compiled:
    return policy.memo("assess", Compiled)


# ----- one evaluation -----------------------------------------------------------------------------


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
        announcement=_announcement(c, severity, press, rapid, timely=timely),
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


def _announcement(
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


# ----- open questions: the unknowns whose answer would change the outcome -------------------------

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
    if field not in PROBES:
        return False
    p = compiled(policy or default_policy())
    facts = Facts.of(answers)._replace(**{field: None})
    return _changes(facts, field, evaluate(facts, p)[0], p)


def _conditional_on(facts: Facts, baseline: Outcome, p: Compiled) -> list[str]:
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

    Encryption and access only while the exposure itself is unknown, as in _conditional_on.
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


def _public(facts: Facts, outcome: Outcome, c: Context, p: Compiled) -> Public:
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
    announcement = _announcement(c, outcome.severity, press, rapid, timely=outcome.timely)
    return Public(press, rapid, announcement, press_assumed, rapid_assumed)


# ----- the verdict --------------------------------------------------------------------------------


def assess(
    answers: Answers, policy: Policy | None = None, *, tz: ZoneInfo | str = "Asia/Tokyo"
) -> Verdict:
    """The verdict for these answers. No clock, no I/O: the same input gives the same verdict."""
    p = compiled(policy or default_policy())
    zone = clocks.zone(tz)
    facts = Facts.of(answers)
    outcome, context = evaluate(facts, p)
    conditional = _conditional_on(facts, outcome, p)
    questions = open_fields(facts, outcome, p)
    public = _public(facts, outcome, context, p)
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
