"""A processor end to end (issue 18): it notifies its principal and, under the GDPR, its
controller; it has no 72-hour clock of its own and no announcement of its own."""

from __future__ import annotations

import json

from tests.followups.test_slack_prompts import followups, open_with_verdict
from tests.slack.conftest import Slack


async def test_a_processor_speaks_through_its_clients(slack: Slack) -> None:
    incident = await open_with_verdict(slack, "Client card data exposed at our call centre",
                                       regions=["JP", "EU"])  # fmt: skip
    service = slack.runtime.service
    controller = (await service.verdicts(incident.id))[-1].data
    assert controller["gdpr"]["authority_due"] is not None
    assert any(k.startswith("gdpr:") for k in await followups(slack, incident))

    await slack.answer("role", "processor")  # "Change answers" in the room: we were the vendor
    await slack.work()

    verdict = (await service.verdicts(incident.id))[-1]
    data = verdict.data
    assert data["gdpr"]["authority_due"] is None and data["gdpr"]["notify_controller"] is True
    assert data["actions"]["announcement"] == "via_principals"
    assert data["actions"]["notify_principal"] is True
    assert data["actions"]["press_conference"] is False
    assert data["actions"]["rapid_public_disclosure"] is False
    assert data["appi"]["preliminary_due"] == controller["appi"]["preliminary_due"]
    scheduled = [k for k, f in (await followups(slack, incident)).items() if f.state == "scheduled"]
    assert not any(k.startswith("gdpr:") for k in scheduled)
    posted = json.dumps(slack.message_with_ref("verdict:1")["blocks"])  # the living verdict
    assert "inform our client companies" in posted  # how to speak: via the principals
    assert "notify the controller" in posted
