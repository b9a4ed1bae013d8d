"""The after-action review (issue 25, item 3): "which controls were missing" leaves the urgent
triage; it is offered in the room a day after the first statement is out (or when someone asks to
close), worded without blaming anyone, and its answer counts in the verdict as before."""

from __future__ import annotations

import json
from datetime import timedelta

from app.incidents.rooms import REVIEW_AFTER
from app.models import utcnow
from tests.followups.test_slack_prompts import run_at
from tests.slack.conftest import Slack
from tests.slack.room_walk import MISDIRECTED_SEV3, walk
from tests.slack.test_statements import open_with_verdict


async def test_the_review_follows_the_statement_and_its_answer_reaches_the_verdict(
    slack: Slack,
) -> None:
    await walk(slack, "Customer list sent to the wrong address", MISDIRECTED_SEV3, ["U0LEAD1"])
    assert "review" not in slack.refs()  # not in the middle of the urgent part
    await run_at(slack.runtime.queue, utcnow() + REVIEW_AFTER + timedelta(minutes=1))
    refs = slack.refs()
    assert refs.count("review") == 1 and refs.index("review") > refs.index("published:1")
    review = slack.message_with_ref("review")
    shown = json.dumps(review["blocks"])
    assert "After-action review" in shown and "not about anyone's fault" in shown
    assert "controls_missing" in shown

    service = slack.runtime.service
    incident_id = slack.room_incident_id()
    before = (await service.verdicts(incident_id))[-1]
    signed = slack.requests.press(
        review, "answer:controls_missing", user_id="U0RESP1", value=["access_control", "training"]
    )
    assert (await slack.send(signed)).status_code == 200
    await slack.work()
    after = (await service.verdicts(incident_id))[-1]
    assert after.version == before.version + 1  # missing controls still raise the posture
    assert any(r["rule"].startswith("F3-") for r in after.data["reasons"])
    assert "U0RESP1" in json.dumps(slack.message_with_ref("review")["blocks"])  # who answered


async def test_asking_to_close_offers_the_review_once(slack: Slack) -> None:
    await open_with_verdict(slack)
    assert "review" not in slack.refs()
    room = slack.room()["id"]
    await slack.command("close sent to the right address", channel=room, user="U0RESP1")
    await slack.work()
    await slack.command("close sent to the right address", channel=room, user="U0RESP1")
    await slack.work()
    assert slack.refs().count("review") == 1
