"""The ids a policy gives texts for, as the code knows them: severity rules, reasons, open
questions, assumptions."""

from __future__ import annotations

from typing import Literal

RULE_IDS: tuple[str, ...] = (
    "S1-a", "S1-b", "S1-c", "S1-d",
    "S2-a", "S2-b", "S2-c", "S2-d",
    "S3-a", "S3-b",
    "S4-a", "S4-b",
)  # fmt: skip
CONTROL_REASONS: tuple[str, ...] = tuple(
    f"F3-{c}"
    for c in (
        "encryption", "access_control", "logging", "training",
        "device_policy", "deletion", "patching", "vendor_oversight",
    )
)  # fmt: skip
ANNOUNCEMENT_REASONS: tuple[str, ...] = tuple(
    f"ANN-{a}"
    for a in (
        "press_and_website", "website", "individual_notice", "via_principals",
        "hold_for_investigators", "none",
    )
)  # fmt: skip
REASON_IDS: tuple[str, ...] = (
    "default", "C1", "C2", "C3", "C3-ransomware", "C4", "MN", "MN-note",
    "EX-encryption", "EX-no-access", "EX-provision", "COND-encryption", "COND-access",
    "GDPR", "GDPR-unknown", "POLICE-yes", "POLICE-consult", "TD-listed", "ROLE-processor",
    "CTX-media", "CTX-not-contained", *CONTROL_REASONS,
    # Contract additions (2026-12)
    "C2-no-payment", "GDPR-processor", "POSTURE-controls", "PRESS-conditional",
    "RAPID-conditional", *ANNOUNCEMENT_REASONS,
)  # fmt: skip
# The unknowns a conditional press conference or rapid disclosure can rest on ({assumed}).
ASSUMPTION_IDS: tuple[str, ...] = (
    "data_categories", "affected_count", "wrongful_act", "credentials_can_pay", "encryption",
    "access",
)  # fmt: skip
OPEN_QUESTION_IDS: tuple[str, ...] = (
    "data_categories", "affected_count", "subject_regions", "leak_mode", "wrongful_act",
    "encryption", "key_compromised", "access", "published", "secondary_damage", "contained",
    "police_involved", "role", "listed_company", "public_body",
    "credentials_can_pay", "police_disclosure_hold",
)  # fmt: skip

RuleId = Literal[
    "S1-a", "S1-b", "S1-c", "S1-d", "S2-a", "S2-b", "S2-c", "S2-d", "S3-a", "S3-b", "S4-a", "S4-b"
]  # fmt: skip
