"""format_text: a readable summary, the chosen language first and then the other."""

from __future__ import annotations

from app.triage import assess, format_text, parse_answers

ANSWERS = {
    "discovered_at": "2024-04-01T10:00:00+09:00",
    "data_categories": ["special_care"],
    "affected_count": 5000,
    "subject_regions": ["EU"],
    "leak_mode": "ransomware",
    "encryption": "none",
    "controls_missing": ["patching"],
}


def test_japanese_first_then_english() -> None:
    verdict = assess(parse_answers(ANSWERS))
    text = format_text(verdict, "ja")
    assert text.index("判定: SEV1") < text.index("Verdict: SEV1")
    for reason in verdict.reasons:
        assert reason.ja in text and reason.en in text
    assert "2024-05-31 23:59 +0900" in text  # final report, 60 days
    assert "2024-04-04 10:00 +0900" in text  # GDPR
    assert "記者会見: 推奨" in text and "Press conference: recommended" in text
    assert "Police: coordinate" in text


def test_english_first() -> None:
    text = format_text(assess(parse_answers(ANSWERS)), "en")
    assert text.index("Verdict: SEV1") < text.index("判定: SEV1")


def test_open_questions_and_provisional_are_shown() -> None:
    verdict = assess(parse_answers({"discovered_at": "2024-04-01T10:00:00+09:00"}))
    text = format_text(verdict, "en")
    assert "provisional" in text and "Open questions:" in text
    assert all(q.en in text for q in verdict.open_questions)


def test_nothing_to_report_shows_no_dates() -> None:
    answers = {"discovered_at": "2024-04-01T10:00:00+09:00", "data_categories": ["none"]}
    text = format_text(assess(parse_answers(answers)), "en")
    assert "Report: not required" in text and "Final report due" not in text


def test_every_catalogue_text_has_both_languages() -> None:
    from app.triage import render
    from app.triage.models import Text
    from app.triage.questions import BOOL_LABELS, SECTIONS, VALUE_LABELS

    catalogues = [render.HEADINGS, render.REPORT, render.NOTICE, render.RELEVANT, render.FIELDS,
                  render.RECOMMEND, SECTIONS, VALUE_LABELS, BOOL_LABELS]  # fmt: skip
    for catalogue in catalogues:
        for text in catalogue.values():
            assert isinstance(text, Text) and text.ja.strip() and text.en.strip()


def test_values_shared_by_two_closed_sets_keep_their_own_labels() -> None:
    from app.triage import question

    no_data = next(o for o in question("data_categories").options if o.value == "none")
    not_encrypted = next(o for o in question("encryption").options if o.value == "none")
    assert no_data.label.en != not_encrypted.label.en
    assert not_encrypted.label.en == "Not encrypted"
