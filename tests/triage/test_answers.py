"""parse_answers: the contract's fields and values, and errors that name the field and the choices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from app.triage import Answers, AnswersError, assess, parse_answers

AWARE = "2024-04-01T10:00:00+09:00"


def errors(data: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return caught.value.errors


def test_minimal_answers_need_only_discovered_at() -> None:
    answers = parse_answers({"discovered_at": AWARE})
    assert answers.discovered_at == datetime.fromisoformat(AWARE)
    assert answers.data_categories is None and answers.affected_count is None


def test_nulls_are_unknown_facts() -> None:
    answers = parse_answers({"discovered_at": AWARE, "access": None, "published": None})
    assert answers.access is None and answers.published is None


def test_unknown_enum_value_names_field_and_allowed_values() -> None:
    (message,) = errors({"discovered_at": AWARE, "leak_mode": "hack"})
    assert message.startswith("leak_mode: 'hack' is not one of unauthorized_access, ransomware, ")
    assert message.endswith("intentional_provision, unknown")


def test_list_item_error_names_the_position() -> None:
    (message,) = errors({"discovered_at": AWARE, "data_categories": ["identity", "health"]})
    assert message.startswith("data_categories[1]: 'health' is not one of special_care, financial")


def test_a_string_where_a_list_is_expected() -> None:
    (message,) = errors({"discovered_at": AWARE, "subject_regions": "JP"})
    assert message == "subject_regions: expected a list of: JP, EU, UK, US, KR, SG, AU, OTHER"


def test_unknown_field_is_an_error() -> None:
    (message,) = errors({"discovered_at": AWARE, "severity": "SEV1"})
    assert message.startswith(
        "severity: unknown field; the fields are discovered_at, data_categories"
    )


def test_missing_discovered_at() -> None:
    (message,) = errors({})
    assert message.startswith("discovered_at: required")


@pytest.mark.parametrize("value", ["2024-04-01T10:00:00", "2024-04-01"])
def test_naive_discovered_at_is_rejected(value: str) -> None:
    (message,) = errors({"discovered_at": value})
    assert message.startswith("discovered_at:") and "offset" in message


@pytest.mark.parametrize("value", [1711933200, "yesterday"])
def test_discovered_at_must_be_iso_text(value: object) -> None:
    (message,) = errors({"discovered_at": value})
    assert message.startswith("discovered_at:") and "ISO 8601" in message


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_booleans_are_json_booleans(value: object) -> None:
    (message,) = errors({"discovered_at": AWARE, "published": value})
    assert message == f"published: {value!r} is not one of true, false, null"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-1, "is below 0"), ("12", "is not a whole number"), (1.5, "is not a whole number")],
)
def test_affected_count_is_a_whole_number(value: object, expected: str) -> None:
    (message,) = errors({"discovered_at": AWARE, "affected_count": value})
    assert message.startswith("affected_count:") and expected in message


def test_every_error_is_reported_at_once() -> None:
    messages = errors({"discovered_at": AWARE, "leak_mode": "hack", "role": "owner", "x": 1})
    assert [m.split(":")[0] for m in messages] == ["leak_mode", "role", "x"]


def test_not_an_object() -> None:
    assert errors(["discovered_at"]) == ["answers must be one JSON object"]


def test_answers_are_immutable() -> None:
    answers = parse_answers({"discovered_at": AWARE})
    with pytest.raises(ValidationError):
        answers.access = "confirmed"  # type: ignore[misc]


def test_answers_round_trip_through_json() -> None:
    data = {
        "discovered_at": AWARE,
        "data_categories": ["identity"],
        "subject_regions": ["JP"],
        "affected_count": 3,
        "leak_mode": "misdelivery",
        "controls_missing": ["training"],
    }
    answers = parse_answers(data)
    assert parse_answers(answers.model_dump(mode="json")) == answers
    assert Answers.model_validate_json(answers.model_dump_json()) == answers


def test_verdict_json_has_exactly_the_contract_shape() -> None:
    verdict = assess(parse_answers({"discovered_at": AWARE})).model_dump(mode="json")
    assert list(verdict) == [
        "severity",
        "rules",
        "policy_version",
        "reasons",
        "appi",
        "gdpr",
        "actions",
        "open_questions",
        "provisional",
    ]
    assert list(verdict["appi"]) == [
        "report_required",
        "categories",
        "preliminary_target",
        "preliminary_due",
        "final_due",
        "notify_individuals",
    ]
    assert list(verdict["gdpr"]) == [
        "relevant",
        "authority_due",
        "notify_individuals",
        "notify_controller",
    ]
    assert list(verdict["actions"]) == [
        "press_conference",
        "rapid_public_disclosure",
        "coordinate_with_police",
        "timely_disclosure_review",
        "notify_principal",
        "announcement",
    ]
    assert set(verdict["reasons"][0]) == {"rule", "en", "ja"}
    assert set(verdict["open_questions"][0]) == {"field", "en", "ja"}
    assert verdict["provisional"] is True
