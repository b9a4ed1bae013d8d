"""The policy file: the packaged default, a company's overrides, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.triage import PolicyError, Severity, default_policy, load_policy, resolve_policy
from tests.triage.support import verdict

BIG_HACK = dict(
    data_categories=["identity"],
    affected_count=200_000,
    subject_regions=["JP"],
    leak_mode="unauthorized_access",
    encryption="none",
    access="confirmed",
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    return message.removeprefix(f"{path}:")


def test_default_policy_is_default_1_and_cached() -> None:
    policy = default_policy()
    assert policy.version == "default-1"
    assert policy is default_policy()
    assert [s for s, _ in policy.plan] == [
        Severity.SEV1,
        Severity.SEV2,
        Severity.SEV4,
        Severity.SEV3,
    ]
    assert policy.legal.c4_more_than == 1000 and policy.legal.c4_public_body_more_than == 100
    assert policy.thresholds.s1c_people_at_least == 100_000
    assert (policy.clocks.preliminary_target_days, policy.clocks.preliminary_due_days) == (3, 5)
    assert (policy.clocks.final_days, policy.clocks.final_days_wrongful) == (30, 60)
    assert policy.clocks.gdpr_authority_hours == 72


def test_default_followups() -> None:
    followups = default_policy().followups
    sev1 = followups.status_checks[Severity.SEV1]
    assert (sev1.every_hours, sev1.for_hours, sev1.then_every_hours) == (2, 24, 12)
    sev2 = followups.status_checks[Severity.SEV2]
    assert (sev2.every_hours, sev2.for_hours, sev2.then_every_hours) == (4, 24, 12)
    assert followups.status_checks[Severity.SEV3].every_hours == 24
    assert followups.status_checks[Severity.SEV4].then_every_hours is None
    assert followups.reminders.appi_preliminary == ["target", "due"]
    assert followups.reminders.appi_final_days_before == [7, 1, 0]
    assert followups.reminders.gdpr_hours_after_awareness == [24, 48, 66]
    assert followups.next_update_reminder_minutes == 30


def test_a_company_raises_its_own_thresholds(tmp_path: Path) -> None:
    policy = load_policy(
        write(tmp_path, "version: acme-2\nthresholds:\n  s1c_people_at_least: 500000\n")
    )
    assert policy.version == "acme-2"
    assert policy.thresholds.s1_people_at_least == 1000  # inherited
    result = verdict(policy=policy, **BIG_HACK)
    assert (result["severity"], result["policy_version"]) == ("SEV2", "acme-2")
    assert verdict(**BIG_HACK)["severity"] == "SEV1"
    assert result["rules"] == ["S2-a"]


def test_a_company_moves_a_rule_to_another_level(tmp_path: Path) -> None:
    # Big misconfigurations become critical: S2-d moves from SEV2 to SEV1.
    text = """version: acme-3
severities:
  SEV1:
    label: {en: critical, ja: 重大}
    rules:
      - {id: S1-a, en: "special care", ja: "要配慮"}
      - {id: S2-d, en: "big exposure", ja: "大規模な露出"}
  SEV2:
    label: {en: high, ja: 高}
    rules:
      - {id: S2-a, en: "reportable", ja: "報告対象"}
"""
    policy = load_policy(write(tmp_path, text))
    result = verdict(
        policy=policy,
        data_categories=["identity"],
        affected_count=200_000,
        subject_regions=["JP"],
        leak_mode="misconfiguration",
        access="ruled_out",
    )
    assert (result["severity"], result["rules"]) == ("SEV1", ["S2-d"])
    assert result["reasons"][0] == {"rule": "S2-d", "en": "big exposure", "ja": "大規模な露出"}
    # Rules the company dropped (S1-b, S1-c, S1-d, S2-b, ...) no longer fire.
    assert verdict(policy=policy, **BIG_HACK)["rules"] == ["S2-a"]


def test_resolve_policy_uses_the_file_when_set(tmp_path: Path) -> None:
    assert resolve_policy(None) is default_policy()
    assert resolve_policy(write(tmp_path, "version: x\n")).version == "x"


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    message = problem(tmp_path, "version: x\nthresholds:\n  s1c_people: 5\n")
    assert message == "3: thresholds.s1c_people: unknown key"


def test_bad_value_names_its_line(tmp_path: Path) -> None:
    message = problem(
        tmp_path,
        "version: x\nthresholds:\n  s1_people_at_least: 1000\n  s2d_people_at_least: many\n",
    )
    assert message.startswith("4: thresholds.s2d_people_at_least: ")
    assert "'many'" in message


def test_a_legal_threshold_cannot_be_raised(tmp_path: Path) -> None:
    message = problem(tmp_path, "version: x\nlegal:\n  c4_more_than: 5000\n")
    assert message.startswith("3: legal.c4_more_than: Input should be less than or equal to 1000")


def test_a_legal_clock_cannot_be_lengthened(tmp_path: Path) -> None:
    message = problem(tmp_path, "version: x\nclocks:\n  gdpr_authority_hours: 96\n")
    assert message.startswith("3: clocks.gdpr_authority_hours:")


def test_unknown_rule_id_names_its_line(tmp_path: Path) -> None:
    text = "version: x\nseverities:\n  SEV3:\n    label: {en: m, ja: 中}\n    rules:\n      - {id: S9-z, en: a, ja: b}\n"
    assert problem(tmp_path, text).startswith("6: severities.SEV3.rules.0.id: Input should be ")


def test_a_rule_listed_twice_names_its_line(tmp_path: Path) -> None:
    text = "version: x\nseverities:\n  SEV3:\n    label: {en: m, ja: 中}\n    rules:\n      - {id: S3-a, en: a, ja: b}\n      - {id: S2-a, en: a, ja: b}\n"
    message = problem(tmp_path, text)
    assert message == "7: severities.SEV3.rules.1.id: S2-a is listed twice"


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    message = problem(tmp_path, "version: x\nthresholds:\n  s1_people_at_least: [1000\n")
    assert message.split(":")[0] in {"3", "4"} and "not valid YAML" in message


def test_duplicate_key_names_its_line(tmp_path: Path) -> None:
    message = problem(
        tmp_path, "version: x\nthresholds:\n  s4b_people_at_most: 10\n  s4b_people_at_most: 20\n"
    )
    assert message == "4: thresholds.s4b_people_at_most: duplicate key"


def test_a_company_policy_must_name_its_version(tmp_path: Path) -> None:
    assert problem(tmp_path, "thresholds:\n  s4b_people_at_most: 10\n").startswith(
        "1: version: required"
    )


def test_not_a_mapping(tmp_path: Path) -> None:
    assert "must be a YAML mapping" in problem(tmp_path, "- a\n- b\n")


def test_unknown_placeholder_names_its_line(tmp_path: Path) -> None:
    text = "version: x\nreasons:\n  C4:\n    en: 'more than {c4_limit}'\n    ja: '{c4_threshold}人超'\n"
    message = problem(tmp_path, text)
    assert message.startswith("4: reasons.C4.en: unknown placeholder {c4_limit}")


def test_followups_are_validated(tmp_path: Path) -> None:
    text = "version: x\nfollowups:\n  status_checks:\n    SEV3: {every_hours: 2, for_hours: 24}\n"
    message = problem(tmp_path, text)
    assert message.startswith("4: followups.status_checks.SEV3: ")
    assert "for_hours and then_every_hours go together" in message


def test_followups_need_every_severity(tmp_path: Path) -> None:
    path = write(tmp_path, "version: x\nfollowups:\n  status_checks:\n    SEV1: {every_hours: 2}\n")
    policy = load_policy(path)  # mappings merge: the default's SEV2-SEV4 cadences remain
    assert set(policy.followups.status_checks) == set(Severity)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "missing.yaml")
    assert "missing.yaml: cannot read the policy file" in str(caught.value)


def test_order_must_name_every_level(tmp_path: Path) -> None:
    message = problem(tmp_path, "version: x\norder: [SEV1, SEV2]\n")
    assert message == "2: order: must list SEV1, SEV2, SEV3 and SEV4 once each"


def test_the_documented_example_policy_loads_and_applies(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
    example = doc.split("## Example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    policy = load_policy(write(tmp_path, example))
    assert policy.version == "acme-2025-04"
    assert verdict(policy=policy, **BIG_HACK)["severity"] == "SEV2"  # 200,000 < 500,000
    exposure = verdict(
        policy=policy,
        data_categories=["identity"],
        affected_count=200_000,
        subject_regions=["JP"],
        leak_mode="misconfiguration",
        access="ruled_out",
    )
    assert (exposure["severity"], exposure["rules"]) == ("SEV1", ["S2-d"])
