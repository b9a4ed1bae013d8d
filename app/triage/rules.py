"""The severity rules, one predicate per rule id of DESIGN.md; their order and levels come from the
policy."""

from __future__ import annotations

from collections.abc import Callable

from app.triage.facts import GDPR_REGIONS, IDENTIFYING, SECRETS, Context, D
from app.triage.models import Access, AppiCategory, LeakMode
from app.triage.policy_ids import RULE_IDS


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
