"""The living verdict's open questions: an answer that closes one without changing the outcome
(the worse reading it confirms was already assumed) re-issues no verdict, and once the verdict
is shown again (triage done, here) it no longer asks that question (its reasons follow the
same reading: tests/drills/test_drills.py)."""

from __future__ import annotations

from tests.slack.conftest import Slack

ENCRYPTION = "Was the data under high-grade encryption?"
ACCESS = "Was the data accessed or viewed?"


async def test_an_answer_that_confirms_the_assumed_reading_leaves_the_open_questions(
    slack: Slack,
) -> None:
    await slack.command("Ransomware on the patient records server")
    await slack.work()
    for field, value in (
        ("discovered_at", "reported"),
        ("data_categories", ["special_care"]),
        ("data_subjects", ["patients"]),
        ("affected_count", "300"),
        ("subject_regions", ["JP"]),
        ("exposure_period", None),
        ("encryption", None),  # not known yet: read as not encrypted
        ("leak_mode", "ransomware"),
    ):
        await slack.answer(field, value)
        await slack.work()
    issued = str(slack.message_with_ref("verdict:1")["blocks"])
    assert ENCRYPTION in issued

    await slack.answer("encryption", "none")  # what was assumed: the outcome stays
    await slack.work()
    while (field := slack.current_question()) is not None:  # the rest still unknown
        await slack.answer(field, None)
        await slack.work()

    assert "verdict:2" not in slack.refs()
    shown = str(slack.message_with_ref("verdict:1")["blocks"])
    assert ENCRYPTION not in shown and ACCESS in shown
    (verdict,) = await slack.runtime.service.verdicts(slack.room_incident_id())
    assert "encryption" in {q["field"] for q in verdict.data["open_questions"]}  # as issued
