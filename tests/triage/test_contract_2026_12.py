"""DESIGN.md "Contract additions (2026-12)": whose data, who speaks, and what is only assumed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.triage import AnswersError, load_policy, parse_answers
from tests.triage.support import AWARE, open_fields, reason_rules, verdict

HACK = dict(
    subject_regions=["JP"], leak_mode="unauthorized_access", encryption="none", access="confirmed"
)
MISSENT = dict(
    subject_regions=["JP"], leak_mode="misdelivery", encryption="none", access="confirmed"
)


def reason(result: dict[str, Any], rule: str) -> dict[str, str]:
    found = [r for r in result["reasons"] if r["rule"] == rule]
    assert found, f"no {rule} among {reason_rules(result)}"
    return found[0]


# ----- the new answers ----------------------------------------------------------------------------


def test_new_answers_parse_and_round_trip() -> None:
    data = {
        "discovered_at": AWARE,
        "data_subjects": ["patients", "employees"],
        "police_disclosure_hold": False,
        "exposure_period": {"from": "2024-01-10", "to": "2024-03-31"},
        "cause": "  設定ミスにより公開状態だった  ",
        "credentials_can_pay": True,
    }
    answers = parse_answers(data)
    dumped = answers.model_dump(mode="json")
    assert dumped["exposure_period"] == {"from": "2024-01-10", "to": "2024-03-31"}
    assert dumped["cause"] == "設定ミスにより公開状態だった"
    assert dumped["data_subjects"] == ["patients", "employees"]
    assert parse_answers(dumped) == answers


def test_an_open_ended_exposure_period_keeps_both_keys() -> None:
    answers = parse_answers({"discovered_at": AWARE, "exposure_period": {"from": "2024-01-10"}})
    assert answers.model_dump(mode="json")["exposure_period"] == {"from": "2024-01-10", "to": None}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("data_subjects", ["robots"], "data_subjects[0]: 'robots' is not one of customers"),
        ("exposure_period", {"from": "2024-04-01", "to": "2024-03-01"}, "'from' is after 'to'"),
        ("exposure_period", {"from": "April"}, "exposure_period[from]: 'April' is not a date"),
        ("exposure_period", "2024", 'expected {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}'),
        ("cause", "x" * 501, "cause: too long (501 characters); keep it under 500"),
        ("cause", 42, "cause: 42 is not text"),
        ("credentials_can_pay", "yes", "credentials_can_pay: 'yes' is not one of true, false"),
    ],
)
def test_bad_new_answers_say_what_is_wrong(field: str, value: Any, message: str) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers({"discovered_at": AWARE, field: value})
    assert message in str(caught.value)


def test_a_blank_cause_is_unknown() -> None:
    assert parse_answers({"discovered_at": AWARE, "cause": "   "}).cause is None


# ----- credentials count as C2 only where they can pay --------------------------------------------


def test_credentials_that_cannot_pay_are_not_c2() -> None:
    result = verdict(
        data_categories=["credentials"], credentials_can_pay=False, affected_count=50, **MISSENT
    )
    assert result["appi"]["report_required"] is False
    assert "C2-no-payment" in reason_rules(result)
    assert result["actions"]["rapid_public_disclosure"] is False


def test_credentials_that_can_pay_are_c2() -> None:
    result = verdict(
        data_categories=["credentials"], credentials_can_pay=True, affected_count=50, **MISSENT
    )
    assert result["appi"]["categories"] == ["C2"]
    assert result["actions"]["rapid_public_disclosure"] is True


def test_credentials_of_unknown_use_are_read_as_paying_and_asked() -> None:
    result = verdict(data_categories=["credentials"], affected_count=50, **MISSENT)
    assert result["appi"]["report_required"] is True
    assert result["appi"]["categories"] == ["C2"]
    assert "credentials_can_pay" in open_fields(result)
    assert result["actions"]["rapid_public_disclosure"] == "conditional"
    text = reason(result, "RAPID-conditional")
    assert "whether the credentials can pay or transfer money is unknown" in text["en"]
    assert "決済・送金ができるか不明" in text["ja"]


def test_card_numbers_are_c2_whatever_credentials_can_pay_says() -> None:
    result = verdict(
        data_categories=["financial", "credentials"],
        credentials_can_pay=False,
        affected_count=50,
        **MISSENT,
    )
    assert result["appi"]["categories"] == ["C2"]
    assert result["actions"]["rapid_public_disclosure"] is True


# ----- known facts decide the public actions ------------------------------------------------------


def test_press_conference_on_known_facts_is_true() -> None:
    result = verdict(data_categories=["identity"], affected_count=200_000, **HACK)
    assert result["rules"] == ["S1-c"]
    assert result["actions"]["press_conference"] is True
    assert result["actions"]["announcement"] == "press_and_website"
    assert "PRESS-conditional" not in reason_rules(result)


def test_press_conference_on_an_unknown_count_is_conditional_and_says_so() -> None:
    result = verdict(data_categories=["identity"], **HACK)
    assert result["severity"] == "SEV1" and result["rules"] == ["S1-c"]
    assert result["actions"]["press_conference"] == "conditional"
    assert result["actions"]["rapid_public_disclosure"] == "conditional"
    press = reason(result, "PRESS-conditional")
    assert "the count is unknown, read as more than 100,000 people" in press["en"]
    assert "人数が不明のため、100,000人を超えるものとして扱っている" in press["ja"]
    # The legal duty does not wait for the count: C3 stands on a known attack.
    assert result["appi"]["report_required"] is True
    assert result["actions"]["announcement"] == "website"


def test_special_care_of_unknown_count_makes_the_press_conference_conditional() -> None:
    result = verdict(data_categories=["special_care"], **MISSENT)
    assert result["rules"] == ["S1-a"]
    assert result["actions"]["press_conference"] == "conditional"
    assert "the count is unknown" in reason(result, "PRESS-conditional")["en"]


def test_special_care_confirmed_published_is_a_press_conference_on_known_facts() -> None:
    result = verdict(data_categories=["special_care"], affected_count=30, published=True, **HACK)
    assert result["actions"]["press_conference"] is True
    assert result["actions"]["announcement"] == "press_and_website"


def test_unknown_access_makes_the_press_conference_conditional_on_it() -> None:
    fields = {**HACK, "access": None}
    result = verdict(data_categories=["identity"], affected_count=200_000, **fields)
    assert result["actions"]["press_conference"] == "conditional"
    assert (
        "whether anyone accessed the data is unknown" in reason(result, "PRESS-conditional")["en"]
    )


def test_business_contact_alone_never_makes_s1c() -> None:
    result = verdict(data_categories=["business_contact"], affected_count=150_000, **HACK)
    assert result["severity"] == "SEV2" and "S1-c" not in result["rules"]
    assert result["actions"]["press_conference"] is False
    with_names = verdict(
        data_categories=["business_contact", "identity"], affected_count=150_000, **HACK
    )
    assert with_names["rules"] == ["S1-c"]


# ----- a processor is not the one who speaks ------------------------------------------------------


def test_processor_notifies_principal_and_controller_and_does_not_speak() -> None:
    result = verdict(
        data_categories=["identity", "contact"],
        affected_count=500_000,
        role="processor",
        **{**HACK, "subject_regions": ["JP", "EU"]},
    )
    controller = verdict(
        data_categories=["identity", "contact"],
        affected_count=500_000,
        role="controller",
        **{**HACK, "subject_regions": ["JP", "EU"]},
    )
    assert result["severity"] == controller["severity"] == "SEV1"
    assert result["appi"] == controller["appi"]  # the 速報 schedule is the same
    assert result["appi"]["report_required"] is True
    assert result["actions"]["notify_principal"] is True
    assert result["gdpr"]["authority_due"] is None
    assert result["gdpr"]["notify_controller"] is True
    assert controller["gdpr"]["authority_due"] == "2024-04-04T10:00:00+09:00"
    assert controller["gdpr"]["notify_controller"] is False
    assert result["actions"]["press_conference"] is False
    assert result["actions"]["rapid_public_disclosure"] is False
    assert result["actions"]["announcement"] == "via_principals"
    rules = reason_rules(result)
    assert "GDPR-processor" in rules and "GDPR" not in rules and "ANN-via_principals" in rules


def test_processor_outside_gdpr_has_no_controller_to_notify_under_it() -> None:
    result = verdict(data_categories=["identity"], affected_count=50, role="processor", **HACK)
    assert result["gdpr"]["notify_controller"] is False
    assert result["actions"]["announcement"] == "via_principals"


# ----- how the company speaks ---------------------------------------------------------------------


def test_a_misdelivery_to_a_dozen_named_people_gets_letters_not_a_public_notice() -> None:
    result = verdict(data_categories=["identity", "contact"], affected_count=12, contained=True,
                     **MISSENT)  # fmt: skip
    assert result["severity"] == "SEV3"
    assert result["actions"]["announcement"] == "individual_notice"
    assert result["appi"]["notify_individuals"] == "recommended"
    assert result["actions"]["press_conference"] is False


def test_an_encrypted_lost_laptop_with_the_key_safe_needs_no_announcement() -> None:
    result = verdict(
        data_categories=["identity"],
        affected_count=3000,
        subject_regions=["JP"],
        leak_mode="lost_device",
        encryption="strong",
        key_compromised=False,
    )
    assert result["severity"] == "SEV4"
    assert result["actions"]["announcement"] == "none"
    assert result["appi"]["notify_individuals"] == "not_required"


def test_card_numbers_go_on_the_website_first() -> None:
    result = verdict(data_categories=["financial"], affected_count=300,
                     **{**HACK, "leak_mode": "skimming"})  # fmt: skip
    assert result["severity"] == "SEV2"
    assert result["actions"]["rapid_public_disclosure"] is True
    assert result["actions"]["announcement"] == "website"
    assert result["appi"]["notify_individuals"] == "required"


def test_police_asking_to_agree_the_timing_holds_the_announcement() -> None:
    fields = dict(data_categories=["identity", "trade_secret"], affected_count=800,
                  subject_regions=["JP"], leak_mode="insider_theft", access="confirmed",
                  police_involved=True)  # fmt: skip
    asked = verdict(**fields)
    assert "police_disclosure_hold" in open_fields(asked)
    held = verdict(police_disclosure_hold=True, **fields)
    assert held["actions"]["announcement"] == "hold_for_investigators"
    assert "ANN-hold_for_investigators" in reason_rules(held)
    assert held["appi"] == asked["appi"]  # the legal clocks do not wait
    assert "police_disclosure_hold" not in open_fields(verdict(police_involved=False, **{
        k: v for k, v in fields.items() if k != "police_involved"
    }))  # fmt: skip


def test_missing_controls_raise_the_public_posture() -> None:
    fields = dict(data_categories=["identity", "contact"], affected_count=12, contained=True,
                  **MISSENT)  # fmt: skip
    one = verdict(controls_missing=["training"], **fields)
    assert one["actions"]["announcement"] == "individual_notice"
    two = verdict(controls_missing=["training", "access_control"], **fields)
    assert two["actions"]["announcement"] == "website"
    assert "POSTURE-controls" in reason_rules(two)
    assert two["appi"] == one["appi"] and two["severity"] == one["severity"]


def test_missing_controls_turn_a_sev1_website_into_a_press_conference() -> None:
    fields = dict(data_categories=["financial"], affected_count=5000, **HACK)
    plain = verdict(**fields)
    assert plain["actions"]["press_conference"] is False
    assert plain["actions"]["announcement"] == "website"
    gaps = verdict(controls_missing=["patching", "logging", "encryption"], **fields)
    assert gaps["actions"]["press_conference"] is True
    assert gaps["actions"]["announcement"] == "press_and_website"


def test_a_company_policy_sets_how_many_gaps_raise_the_posture(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("version: acme-1\nactions:\n  posture_controls_at_least: 1\n", "utf-8")
    policy = load_policy(path)
    result = verdict(policy, data_categories=["contact"], affected_count=12, contained=True,
                     controls_missing=["training"], **MISSENT)  # fmt: skip
    assert result["actions"]["announcement"] == "website"


def test_every_new_reason_is_bilingual() -> None:
    result = verdict(data_categories=["credentials", "identity"], role="processor",
                     controls_missing=["training", "logging"],
                     **{**HACK, "subject_regions": ["EU"]})  # fmt: skip
    for r in result["reasons"]:
        assert r["en"] and r["ja"] and "{" not in r["en"] + r["ja"]


# ----- the CLI --------------------------------------------------------------------------------------


def test_cli_assess_prints_the_new_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAKDESK_POLICY_FILE", raising=False)
    answers = {"discovered_at": AWARE, "data_categories": ["identity"], "data_subjects": ["customers"],
               "cause": "不正アクセス（調査中）", "exposure_period": {"from": "2024-01-01"},
               **HACK}  # fmt: skip
    result = CliRunner().invoke(cli, ["assess", "-"], input=json.dumps(answers))
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["actions"]["press_conference"] == "conditional"
    assert printed["actions"]["announcement"] == "website"
    assert printed["gdpr"]["notify_controller"] is False
    assert any(r["rule"] == "PRESS-conditional" for r in printed["reasons"])


def test_cli_assess_text_shows_the_announcement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAKDESK_POLICY_FILE", raising=False)
    answers = {"discovered_at": AWARE, "data_categories": ["identity"], "affected_count": 12,
               "contained": True, "role": "processor", **MISSENT}  # fmt: skip
    result = CliRunner().invoke(
        cli, ["assess", "-", "--format", "text", "--lang", "en"], input=json.dumps(answers)
    )
    assert result.exit_code == 0, result.output
    assert "How to speak: Through our clients (no announcement of our own)" in result.output
    assert "公表の方法" not in result.output  # --lang: that language only
    both = CliRunner().invoke(cli, ["assess", "-", "--format", "text"], input=json.dumps(answers))
    assert "公表の方法：" in both.output or "公表の方法:" in both.output


def test_cli_assess_rejects_a_bad_period_in_one_line() -> None:
    answers = {
        "discovered_at": AWARE,
        "exposure_period": {"from": "2024-05-01", "to": "2024-04-01"},
    }
    result = CliRunner().invoke(cli, ["assess", "-"], input=json.dumps(answers))
    assert result.exit_code == 2
    assert "'from' is after 'to'" in result.output
