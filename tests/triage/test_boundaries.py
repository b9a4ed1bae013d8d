"""The edges of DESIGN.md's legal rules and severity table, one behaviour per test."""

from __future__ import annotations

import pytest

from tests.triage.support import open_fields, reason_rules, verdict

MISSENT = dict(
    subject_regions=["JP"], leak_mode="misdelivery", encryption="none", access="confirmed"
)
HACK = dict(
    subject_regions=["JP"], leak_mode="unauthorized_access", encryption="none", access="confirmed"
)


# ----- C4: more than 1,000 (more than 100 for a public body) -----------------------------------


@pytest.mark.parametrize(
    ("count", "report", "severity"), [(1000, False, "SEV3"), (1001, True, "SEV2")]
)
def test_c4_needs_more_than_1000_people(count: int, report: bool, severity: str) -> None:
    result = verdict(data_categories=["contact"], affected_count=count, **MISSENT)
    assert result["appi"]["report_required"] is report
    assert result["appi"]["categories"] == (["C4"] if report else [])
    assert result["severity"] == severity


@pytest.mark.parametrize(("count", "report"), [(100, False), (101, True)])
def test_public_body_threshold_is_more_than_100(count: int, report: bool) -> None:
    result = verdict(data_categories=["contact"], affected_count=count, public_body=True, **MISSENT)
    assert result["appi"]["report_required"] is report
    if report:
        assert "C4: more than 100 people" in result["reasons"][1]["en"]


def test_private_business_with_500_people_is_not_c4_but_asks_if_public_body() -> None:
    result = verdict(data_categories=["contact"], affected_count=500, **MISSENT)
    assert result["appi"]["report_required"] is False
    assert "public_body" in open_fields(result)


def test_unknown_count_reads_as_above_every_threshold() -> None:
    result = verdict(data_categories=["contact"], **MISSENT)
    assert result["appi"]["categories"] == ["C4"]
    assert "affected_count" in open_fields(result)


def test_special_care_1000_people_is_s1a_without_c4() -> None:
    result = verdict(data_categories=["special_care"], affected_count=1000, **HACK)
    assert result["severity"] == "SEV1" and "S1-a" in result["rules"]
    assert result["appi"]["categories"] == ["C1", "C3"]


def test_special_care_few_people_suspected_is_sev2() -> None:
    result = verdict(
        data_categories=["special_care"], affected_count=3, **{**MISSENT, "access": "suspected"}
    )
    assert result["severity"] == "SEV2" and result["rules"] == ["S2-a"]
    assert result["appi"]["categories"] == ["C1"]
    assert result["actions"]["press_conference"] is False


# ----- C2: card numbers count, last-4 + expiry does not ------------------------------------------


def test_card_number_alone_is_c2_and_calls_for_rapid_disclosure() -> None:
    result = verdict(data_categories=["financial"], affected_count=5, **MISSENT)
    assert result["appi"]["categories"] == ["C2"]
    assert result["severity"] == "SEV2"
    assert result["actions"]["rapid_public_disclosure"] is True
    assert result["actions"]["press_conference"] is False


def test_last_four_digits_and_expiry_answered_as_other_personal_is_not_c2() -> None:
    result = verdict(data_categories=["other_personal"], affected_count=5, **MISSENT)
    assert result["appi"]["report_required"] is False
    assert result["actions"]["rapid_public_disclosure"] is False


def test_c2_of_many_people_is_sev1_by_s1b_without_press_conference() -> None:
    result = verdict(
        data_categories=["credentials"], credentials_can_pay=True, affected_count=5000, **MISSENT
    )
    assert result["severity"] == "SEV1" and result["rules"] == ["S1-b"]
    assert result["actions"]["press_conference"] is False
    assert result["actions"]["rapid_public_disclosure"] is True


# ----- the exceptions -----------------------------------------------------------------------------


def test_strong_encryption_with_key_safe_is_not_a_leak() -> None:
    result = verdict(
        data_categories=["special_care"],
        affected_count=50_000,
        subject_regions=["JP"],
        leak_mode="stolen_device",
        encryption="strong",
        key_compromised=False,
    )
    assert result["severity"] == "SEV4" and result["rules"] == ["S4-a"]
    assert result["appi"]["report_required"] is False
    assert "EX-encryption" in reason_rules(result)
    assert result["actions"]["coordinate_with_police"] == "yes"  # the theft is still a crime


def test_strong_encryption_with_key_leaked_is_reportable() -> None:
    result = verdict(
        data_categories=["special_care"],
        affected_count=50_000,
        subject_regions=["JP"],
        leak_mode="stolen_device",
        encryption="strong",
        key_compromised=True,
    )
    assert result["severity"] == "SEV1"
    assert result["appi"]["categories"] == ["C1", "C3", "C4"]


def test_strong_encryption_with_key_unknown_asks_about_the_key() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=50_000,
        subject_regions=["JP"],
        leak_mode="lost_device",
        encryption="strong",
    )
    assert result["appi"]["report_required"] is False
    assert "key_compromised" in open_fields(result)
    assert result["provisional"] is True


def test_published_data_defeats_a_claimed_encryption() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=50_000,
        subject_regions=["JP"],
        leak_mode="unauthorized_access",
        encryption="strong",
        published=True,
    )
    assert result["appi"]["report_required"] is True


def test_misdirected_email_deleted_unread_is_not_a_leak() -> None:
    result = verdict(
        data_categories=["identity", "contact"],
        affected_count=1,
        **{**MISSENT, "access": "ruled_out"},
        contained=True,
    )
    assert result["severity"] == "SEV4" and result["rules"] == ["S4-a"]
    assert result["appi"]["report_required"] is False
    assert result["actions"]["coordinate_with_police"] == "no"
    assert "EX-no-access" in reason_rules(result)


def test_logs_excluding_access_take_an_intrusion_out_of_the_appi() -> None:
    result = verdict(
        data_categories=["special_care"], affected_count=20_000, **{**HACK, "access": "ruled_out"}
    )
    assert result["severity"] == "SEV4" and result["rules"] == ["S4-a"]
    assert result["appi"]["report_required"] is False
    assert result["actions"]["coordinate_with_police"] == "yes"  # the intrusion itself


def test_ransomware_with_no_exfiltration_known_is_c3() -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=300,
        subject_regions=["JP"],
        leak_mode="ransomware",
        encryption="none",
    )
    assert result["appi"]["report_required"] is True  # access would not remove the damage
    assert result["appi"]["categories"] == ["C3"]
    assert "C3-ransomware" in reason_rules(result)
    assert result["appi"]["final_due"] == "2024-05-31T23:59:59+09:00"  # 60 days


def test_ransomware_damage_counts_even_when_logs_show_nothing_taken() -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=300,
        subject_regions=["JP"],
        leak_mode="ransomware",
        encryption="none",
        access="ruled_out",
    )
    assert result["appi"]["categories"] == ["C3"]
    assert result["severity"] == "SEV2"


@pytest.mark.parametrize(
    ("count", "severity", "rules"), [(800, "SEV3", ["S3-a"]), (8000, "SEV2", ["S2-c"])]
)
def test_intentional_provision_is_not_a_leak(count: int, severity: str, rules: list[str]) -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=count,
        subject_regions=["JP"],
        leak_mode="intentional_provision",
    )
    assert result["appi"]["report_required"] is False
    assert (result["severity"], result["rules"]) == (severity, rules)
    assert "EX-provision" in reason_rules(result)
    assert result["actions"]["coordinate_with_police"] == "no"


# ----- conditional duty ---------------------------------------------------------------------------


def test_unknown_access_makes_the_duty_conditional() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=5000,
        subject_regions=["JP"],
        leak_mode="misdelivery",
        encryption="none",
    )
    assert result["appi"]["report_required"] == "conditional"
    assert result["appi"]["categories"] == ["C4"]
    assert result["appi"]["notify_individuals"] == "conditional"
    assert result["appi"]["final_due"] is not None
    assert "COND-access" in reason_rules(result)
    assert "access" in open_fields(result)


def test_explicit_suspected_access_is_a_known_likelihood() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=5000,
        subject_regions=["JP"],
        leak_mode="misdelivery",
        encryption="none",
        access="suspected",
    )
    assert result["appi"]["report_required"] is True


def test_unknown_encryption_and_access_both_named() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=5000,
        subject_regions=["JP"],
        leak_mode="lost_device",
    )
    assert result["appi"]["report_required"] == "conditional"
    assert {"COND-encryption", "COND-access"} <= set(reason_rules(result))


def test_unknown_encryption_with_known_access_leaves_the_duty_but_asks() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=5000,
        subject_regions=["JP"],
        leak_mode="lost_device",
        access="suspected",
    )
    assert result["appi"]["report_required"] is True
    assert "encryption" in open_fields(result)


def test_unknown_leak_mode_reads_as_wrongful_and_asks() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=10,
        subject_regions=["JP"],
        leak_mode="unknown",
        encryption="none",
        access="suspected",
    )
    assert result["appi"]["categories"] == ["C3"]
    assert {"leak_mode", "wrongful_act"} <= set(open_fields(result))
    cleared = verdict(
        data_categories=["contact"],
        affected_count=10,
        subject_regions=["JP"],
        leak_mode="unknown",
        wrongful_act=False,
        encryption="none",
        access="suspected",
    )
    assert cleared["appi"]["report_required"] is False


# ----- processor ------------------------------------------------------------------------------------


def test_processor_keeps_the_duty_and_notifies_its_principal() -> None:
    result = verdict(data_categories=["identity"], affected_count=2000, role="processor", **HACK)
    assert result["appi"]["report_required"] is True
    assert result["actions"]["notify_principal"] is True
    assert "ROLE-processor" in reason_rules(result)
    controller = verdict(
        data_categories=["identity"], affected_count=2000, role="controller", **HACK
    )
    assert controller["actions"]["notify_principal"] is False


# ----- My Number ----------------------------------------------------------------------------------


def test_my_number_of_more_than_100_people_is_reportable_under_the_my_number_act() -> None:
    result = verdict(data_categories=["my_number"], affected_count=101, **MISSENT)
    assert result["appi"]["report_required"] is True
    assert result["appi"]["categories"] == []  # not an APPI category: the My Number Act's own duty
    assert "MN" in reason_rules(result)
    assert result["severity"] == "SEV2"


def test_my_number_of_100_people_misdelivered_is_noted_not_reported() -> None:
    result = verdict(data_categories=["my_number"], affected_count=100, **MISSENT)
    assert result["appi"]["report_required"] is False
    assert "MN-note" in reason_rules(result)


# ----- severity order and actions -----------------------------------------------------------------


def test_no_personal_data_and_no_secrets_is_default_sev4() -> None:
    result = verdict(data_categories=["none"], **HACK)
    assert (result["severity"], result["rules"]) == ("SEV4", [])
    assert result["gdpr"]["relevant"] is False
    assert reason_rules(result)[0] == "default"


def test_business_contacts_misdirected_to_a_small_group_is_s4b() -> None:
    result = verdict(
        data_categories=["business_contact"], affected_count=40, contained=True, **MISSENT
    )
    assert (result["severity"], result["rules"]) == ("SEV4", ["S4-b"])


def test_business_contacts_not_deleted_is_s3a() -> None:
    result = verdict(
        data_categories=["business_contact"], affected_count=40, contained=False, **MISSENT
    )
    assert (result["severity"], result["rules"]) == ("SEV3", ["S3-a"])
    assert "CTX-not-contained" in reason_rules(result)


def test_only_gdpr_reportable_is_s3b() -> None:
    result = verdict(
        data_categories=["contact"],
        affected_count=50,
        **{**MISSENT, "subject_regions": ["EU", "JP"]},
    )
    assert (result["severity"], result["rules"]) == ("SEV3", ["S3-a", "S3-b"])
    assert result["gdpr"]["relevant"] is True
    assert result["gdpr"]["authority_due"] == "2024-04-04T10:00:00+09:00"


@pytest.mark.parametrize(
    ("regions", "relevant"),
    [(None, "unknown"), (["JP", "US"], False), (["UK"], True), (["EU"], True)],
)
def test_gdpr_relevance_follows_the_regions(regions: list[str] | None, relevant: object) -> None:
    fields = {**HACK, "subject_regions": regions}
    assert (
        verdict(data_categories=["identity"], affected_count=5, **fields)["gdpr"]["relevant"]
        == relevant
    )


@pytest.mark.parametrize(
    ("fields", "police"),
    [
        (dict(leak_mode="misconfiguration", access="suspected"), "consult"),
        (dict(leak_mode="misconfiguration", access="ruled_out"), "no"),
        (dict(leak_mode="lost_device", access="suspected"), "no"),
        (dict(leak_mode="misdelivery", access="confirmed"), "no"),
        (dict(leak_mode="misdelivery", access="confirmed", published=True), "consult"),
        (dict(leak_mode="stolen_device", access="suspected"), "yes"),
        (dict(leak_mode="lost_device", access="suspected", police_involved=True), "yes"),
        (dict(leak_mode="misdelivery", access="confirmed", secondary_damage=True), "yes"),
        (dict(leak_mode="vendor_incident", access="suspected"), "yes"),
        (dict(leak_mode="vendor_incident", wrongful_act=False, access="suspected"), "no"),
    ],
)
def test_police_yes_consult_or_no(fields: dict[str, object], police: str) -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=10,
        subject_regions=["JP"],
        encryption="none",
        **fields,
    )
    assert result["actions"]["coordinate_with_police"] == police


def test_misconfiguration_of_100000_with_logs_clean_is_still_sev2() -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=100_000,
        subject_regions=["JP"],
        leak_mode="misconfiguration",
        encryption="none",
        access="ruled_out",
    )
    assert (result["severity"], result["rules"]) == ("SEV2", ["S2-d"])
    assert result["appi"]["report_required"] is False


def test_trade_secret_published_at_a_listed_company_is_s1d() -> None:
    result = verdict(
        data_categories=["trade_secret"],
        leak_mode="insider_theft",
        access="confirmed",
        published=True,
        listed_company=True,
    )
    assert (result["severity"], result["rules"]) == ("SEV1", ["S1-d"])
    assert result["actions"]["press_conference"] is True
    assert result["actions"]["timely_disclosure_review"] is True


def test_trade_secret_lost_without_wrongful_act_is_sev3_with_disclosure_review() -> None:
    result = verdict(
        data_categories=["trade_secret"],
        leak_mode="lost_device",
        access="suspected",
        encryption="none",
        listed_company=True,
    )
    assert (result["severity"], result["rules"]) == ("SEV3", ["S3-a"])
    assert result["actions"]["timely_disclosure_review"] is True


def test_timely_disclosure_review_only_for_listed_companies() -> None:
    fields = dict(data_categories=["identity"], affected_count=5000, **HACK)
    assert verdict(listed_company=True, **fields)["actions"]["timely_disclosure_review"] is True
    assert verdict(listed_company=False, **fields)["actions"]["timely_disclosure_review"] is False


def test_control_gaps_are_aggravating_reasons_that_change_no_legal_outcome() -> None:
    # 2026-12: they raise the public posture (test_announcement.py), never the legal outcome.
    fields = dict(data_categories=["identity"], affected_count=5000, **HACK)
    plain = verdict(**fields)
    gaps = verdict(controls_missing=["encryption", "patching"], **fields)
    assert ["F3-encryption", "F3-patching"] == [
        r for r in reason_rules(gaps) if r.startswith("F3-")
    ]
    legal = ("severity", "rules", "appi", "gdpr", "open_questions", "provisional")
    assert {k: gaps[k] for k in legal} == {k: plain[k] for k in legal}


def test_media_awareness_adds_a_reason() -> None:
    result = verdict(data_categories=["identity"], affected_count=5000, media_aware=True, **HACK)
    assert "CTX-media" in reason_rules(result)


def test_every_reason_is_bilingual_and_names_its_rule() -> None:
    result = verdict(
        data_categories=["special_care", "financial", "my_number"],
        affected_count=5000,
        role="processor",
        listed_company=True,
        media_aware=True,
        controls_missing=["encryption"],
        **{**HACK, "subject_regions": ["EU"]},
    )
    for reason in result["reasons"]:
        assert reason["en"] and reason["ja"] and reason["rule"]
        assert "{" not in reason["en"] + reason["ja"]
    assert reason_rules(result)[: len(result["rules"])] == result["rules"]


def test_special_care_misdirected_to_one_reader_is_reportable_but_not_sev1() -> None:
    result = verdict(data_categories=["special_care"], affected_count=1, **MISSENT)
    assert (result["severity"], result["rules"]) == ("SEV2", ["S2-a"])
    assert result["appi"]["categories"] == ["C1"]
    assert result["actions"]["press_conference"] is False


def test_special_care_misdirected_and_then_posted_is_s1a() -> None:
    result = verdict(data_categories=["special_care"], affected_count=1, published=True, **MISSENT)
    assert (result["severity"], result["rules"]) == ("SEV1", ["S1-a"])
    assert result["actions"]["press_conference"] is True


def test_special_care_exfiltrated_by_an_intruder_is_s1a_whatever_the_count() -> None:
    result = verdict(data_categories=["special_care"], affected_count=1, **HACK)
    assert (result["severity"], result["rules"]) == ("SEV1", ["S1-a"])


def test_ransomware_with_encryption_unknown_is_a_duty_not_a_condition() -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=300,
        subject_regions=["JP"],
        leak_mode="ransomware",
    )
    assert result["appi"]["report_required"] is True
    assert "encryption" in open_fields(result)
