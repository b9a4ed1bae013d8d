"""Hand-written answers and verdicts in the contract's JSON shape, one realistic incident each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    answers: dict[str, Any]
    verdict: dict[str, Any]


def _verdict(
    severity: str,
    rules: list[str],
    *,
    report: bool | str = False,
    categories: list[str] | None = None,
    notify: str = "not_required",
    gdpr: bool | str = False,
    police: str = "no",
    rapid: bool = False,
    press: bool = False,
    principal: bool = False,
    open_questions: list[str] | None = None,
) -> dict[str, Any]:
    reportable = report is True or report == "conditional"
    return {
        "severity": severity,
        "rules": rules,
        "policy_version": "default-1",
        "reasons": [
            {"rule": c, "en": f"{c} applies", "ja": f"{c}に該当"} for c in categories or []
        ],
        "appi": {
            "report_required": report,
            "categories": categories or [],
            "preliminary_target": "2026-12-01T23:59:59+09:00" if reportable else None,
            "preliminary_due": "2026-12-03T23:59:59+09:00" if reportable else None,
            "final_due": "2026-12-28T23:59:59+09:00" if reportable else None,
            "notify_individuals": notify,
        },
        "gdpr": {
            "relevant": gdpr,
            "authority_due": "2026-12-01T10:15:00+09:00" if gdpr is True else None,
            "notify_individuals": "required" if gdpr is True else "not_required",
        },
        "actions": {
            "press_conference": press,
            "rapid_public_disclosure": rapid,
            "coordinate_with_police": police,
            "timely_disclosure_review": severity in ("SEV1", "SEV2"),
            "notify_principal": principal,
        },
        "open_questions": [
            {"field": f, "en": f"What is {f}?", "ja": f"{f}は？"} for f in open_questions or []
        ],
    }


DISCOVERED = "2026-11-28T10:15:00+09:00"

CASES: dict[str, Case] = {
    "ransomware_card_sev1": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["financial", "identity", "contact"],
            "affected_count": 12000,
            "subject_regions": ["JP"],
            "leak_mode": "ransomware",
            "encryption": "none",
            "access": "suspected",
            "contained": False,
            "role": "controller",
            "data_subjects": ["customers"],
            "exposure_period": {"from": "2025-04-01", "to": "2026-11-27"},
            "listed_company": True,
            "controls_missing": ["patching"],
        },
        _verdict(
            "SEV1",
            ["S1-b"],
            report=True,
            categories=["C2", "C3", "C4"],
            notify="required",
            police="yes",
            rapid=True,
        ),
    ),
    "misdelivery_business_sev4": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["business_contact"],
            "affected_count": 12,
            "subject_regions": ["JP"],
            "leak_mode": "misdelivery",
            "access": "suspected",
            "contained": True,
        },
        _verdict("SEV4", ["S4-b"]),
    ),
    "misdelivery_customers_sev3": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact"],
            "affected_count": 40,
            "subject_regions": ["JP"],
            "leak_mode": "misdelivery",
            "encryption": "none",
            "access": "suspected",
            "contained": False,
        },
        _verdict("SEV3", ["S3-a"]),
    ),
    "insider_theft_police": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact", "other_personal", "trade_secret"],
            "affected_count": 3400,
            "subject_regions": ["JP"],
            "leak_mode": "insider_theft",
            "access": "confirmed",
            "contained": True,
            "police_involved": True,
            "listed_company": True,
        },
        _verdict(
            "SEV2",
            ["S2-a", "S2-b"],
            report=True,
            categories=["C3", "C4"],
            notify="required",
            police="yes",
        ),
    ),
    "lost_laptop_strong_encryption": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact"],
            "affected_count": 250,
            "subject_regions": ["JP"],
            "leak_mode": "lost_device",
            "encryption": "strong",
            "key_compromised": False,
            "contained": True,
        },
        _verdict("SEV4", ["S4-a"], open_questions=["access"]),
    ),
    "misconfiguration_access_unknown": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact", "other_personal"],
            "affected_count": 150000,
            "subject_regions": ["JP", "EU"],
            "leak_mode": "misconfiguration",
            "encryption": "none",
            "contained": True,
            "controls_missing": ["access_control"],
        },
        _verdict(
            "SEV2",
            ["S2-a"],
            report="conditional",
            categories=["C4"],
            notify="conditional",
            gdpr=True,
            police="consult",
            open_questions=["access"],
        ),
    ),
    "vendor_special_care": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["special_care", "identity"],
            "affected_count": 800,
            "subject_regions": ["JP"],
            "leak_mode": "vendor_incident",
            "data_subjects": ["employees"],
            "wrongful_act": True,
            "access": "suspected",
            "role": "controller",
            "controls_missing": ["vendor_oversight"],
        },
        _verdict(
            "SEV2",
            ["S2-a"],
            report=True,
            categories=["C1", "C3"],
            notify="required",
            police="yes",
            open_questions=["contained"],
        ),
    ),
    "credentials_published_sev1": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["credentials", "contact"],
            "affected_count": 230000,
            "subject_regions": ["JP"],
            "leak_mode": "unauthorized_access",
            "access": "confirmed",
            "published": True,
            "secondary_damage": True,
            "contained": True,
            "media_aware": True,
        },
        _verdict(
            "SEV1",
            ["S1-c"],
            report=True,
            categories=["C2", "C3", "C4"],
            notify="required",
            police="yes",
            rapid=True,
            press=True,
        ),
    ),
    "processor_skimming": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["financial", "identity"],
            "affected_count": 900,
            "subject_regions": ["JP"],
            "leak_mode": "skimming",
            "access": "suspected",
            "contained": True,
            "role": "processor",
            "data_subjects": ["customers"],
            "exposure_period": {"from": "2026-08-03", "to": "2026-11-20"},
        },
        _verdict(
            "SEV2",
            ["S2-a"],
            report=True,
            categories=["C2", "C3"],
            notify="required",
            police="yes",
            rapid=True,
            principal=True,
        ),
    ),
    "trade_secret_only": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["trade_secret"],
            "leak_mode": "insider_theft",
            "access": "suspected",
            "police_involved": True,
            "listed_company": True,
        },
        _verdict("SEV2", ["S2-b"], police="yes"),
    ),
    "misdelivery_recovered_unviewed": Case(
        {
            "discovered_at": DISCOVERED,
            "data_categories": ["identity", "contact"],
            "affected_count": 1,
            "leak_mode": "misdelivery",
            "access": "ruled_out",
            "contained": True,
        },
        _verdict("SEV4", ["S4-a"]),
    ),
    "nothing_known_yet": Case(
        {"discovered_at": DISCOVERED},
        _verdict(  # unknown facts are read the worse way
            "SEV1",
            ["S1-c"],
            report="conditional",
            categories=["C3", "C4"],
            notify="conditional",
            gdpr="unknown",
            police="yes",
            rapid=True,
            press=True,
            open_questions=["data_categories", "affected_count", "leak_mode", "access"],
        ),
    ),
}
