"""The question bank: the article's order, bilingual texts, and asking only what can matter."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from app.triage import (
    QUESTIONS,
    SECTIONS,
    AppiCategory,
    Police,
    label,
    next_question,
    parse_answers,
    question,
)
from app.triage.models import ANSWER_FIELDS, FIELD_ENUMS

AWARE = "2024-04-01T10:00:00+09:00"


def answers(**fields: Any):  # type: ignore[no-untyped-def]
    return parse_answers({"discovered_at": AWARE, **fields})


def test_questions_follow_the_article_order() -> None:
    assert [q.id for q in QUESTIONS] == [
        "discovered_at",
        "data_categories",
        "credentials_can_pay",
        "data_subjects",
        "affected_count",
        "subject_regions",
        "exposure_period",
        "encryption",
        "key_compromised",
        "leak_mode",
        "wrongful_act",
        "cause",
        "access",
        "published",
        "secondary_damage",
        "contained",
        "police_involved",
        "police_disclosure_hold",
        "role",
        "controls_missing",
        "listed_company",
        "public_body",
        "media_aware",
    ]
    sections = [q.section for q in QUESTIONS]
    assert sections == sorted(sections, key=["when", "what", "how", "controls", "context"].index)
    assert set(SECTIONS) == set(sections)


def test_every_answer_field_has_one_question() -> None:
    assert sorted(q.id for q in QUESTIONS) == sorted(ANSWER_FIELDS)


def test_every_question_is_bilingual_with_help() -> None:
    for q in QUESTIONS:
        for text in (q.text, q.help):
            assert text.ja and text.en and text.get("ja") == text.ja and text.get("en") == text.en
        assert question(q.id) is q


def test_options_cover_each_closed_set_in_both_languages() -> None:
    for q in QUESTIONS:
        if q.kind in ("single", "multi"):
            assert [o.value for o in q.options] == [m.value for m in FIELD_ENUMS[q.id]]
            assert all(o.label.ja and o.label.en for o in q.options)
        elif q.kind == "datetime":  # the quick choices of the awareness question
            assert [o.value for o in q.options] == ["reported", "earlier"]
        else:
            assert q.options == ()
    assert question("affected_count").kind == "number"
    assert question("published").kind == "bool"


@pytest.mark.parametrize("closed_set", [*FIELD_ENUMS.values(), AppiCategory, Police])
def test_every_enum_value_has_a_bilingual_label(closed_set: type[enum.StrEnum]) -> None:
    for member in closed_set:
        assert label(member).ja and label(member).en


def test_bool_labels() -> None:
    assert (label(True).en, label(False).ja, label(None).en) == ("yes", "いいえ", "unknown")


def test_special_care_help_explains_the_term() -> None:
    help_text = question("data_categories").help
    assert "要配慮個人情報" in help_text.ja and "病歴" in help_text.ja
    assert "criminal record" in help_text.en
    assert "AES" in question("encryption").help.en


def test_unknown_id() -> None:
    with pytest.raises(KeyError):
        question("severity")


def test_first_question_is_when_the_company_knew_then_what_leaked() -> None:
    first = next_question(answers())
    assert first is not None and first.id == "discovered_at" and first.kind == "datetime"
    assert [o.value for o in first.options] == ["reported", "earlier"]
    after = next_question(answers(), {"discovered_at"})
    assert after is not None and after.id == "data_categories"


def test_asked_questions_are_skipped_even_when_left_unknown() -> None:
    nxt = next_question(answers(), {"discovered_at", "data_categories", "data_subjects"})
    assert nxt is not None and nxt.id == "affected_count"


def test_key_compromised_only_when_encryption_is_strong() -> None:
    base = dict(data_categories=["identity"], affected_count=5000)
    assert question("key_compromised").needed(answers(encryption="strong", **base))
    for value in ("none", "weak", "unknown"):
        assert not question("key_compromised").needed(answers(encryption=value, **base))


@pytest.mark.parametrize(
    "mode",
    [
        "unauthorized_access",
        "ransomware",
        "insider_theft",
        "skimming",
        "misdelivery",
        "misconfiguration",
        "lost_device",
        "stolen_device",
        "vendor_incident",
        "intentional_provision",
        "unknown",
    ],
)
def test_wrongful_act_only_for_vendor_incidents_and_unknown_modes(mode: str) -> None:
    given = answers(data_categories=["identity"], affected_count=10, leak_mode=mode)
    assert question("wrongful_act").needed(given) is (mode in ("vendor_incident", "unknown"))


def test_subject_regions_always_asked() -> None:
    assert question("subject_regions").needed(answers(data_categories=["none"]))


def test_public_body_asked_only_where_its_threshold_matters() -> None:
    base = dict(data_categories=["contact"], leak_mode="misdelivery", access="confirmed")
    assert question("public_body").needed(answers(affected_count=500, **base))
    assert not question("public_body").needed(answers(affected_count=50, **base))
    assert not question("public_body").needed(answers(affected_count=5000, **base))


def test_nothing_at_stake_asks_little() -> None:
    given = answers(data_categories=["none"], subject_regions=["JP"])
    assert next_question(given) is None or next_question(given).id not in {
        "controls_missing",
        "media_aware",
    }


def test_a_full_triage_asks_each_question_at_most_once_and_ends() -> None:
    state: dict[str, Any] = {}
    asked: set[str] = set()
    replies = {
        "discovered_at": "2024-04-01T08:00:00+09:00",
        "data_categories": ["identity", "contact"],
        "data_subjects": ["customers"],
        "exposure_period": {"from": "2024-01-01"},
        "cause": "PCを電車に置き忘れた",
        "affected_count": 2500,
        "subject_regions": ["JP"],
        "encryption": "strong",
        "key_compromised": False,
        "leak_mode": "lost_device",
        "access": "suspected",
        "contained": True,
        "role": "controller",
        "controls_missing": ["encryption"],
        "listed_company": True,
        "public_body": False,
        "media_aware": False,
        "published": False,
        "secondary_damage": False,
        "police_involved": False,
        "wrongful_act": False,
    }
    while (q := next_question(answers(**state), asked)) is not None:
        assert q.id not in asked
        asked.add(q.id)
        state[q.id] = replies[q.id]
    assert "data_categories" in asked and "key_compromised" in asked
    assert "wrongful_act" not in asked  # lost device: no wrongful act to ask about
