"""Failed Slack calls are counted on /metrics by method and error."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import driven

TOKEN = "ops-token-for-metrics-0123456789"


def errors(text: str) -> dict[tuple[str, str, str], float]:
    return {
        (s.labels["platform"], s.labels["method"], s.labels["error"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "leakdesk_chat_api_errors_total"
    }


async def test_failed_slack_calls_are_counted_by_method_and_error(
    database_url: str, fake_slack: FakeSlack
) -> None:
    async with driven(database_url, fake_slack, ops_token=TOKEN) as slack:
        fake_slack.fail("pins.add", "internal_error")
        await slack.command("Customer list on a public share")
        await slack.work()
        response = await slack.http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    counted = errors(response.text)
    assert counted[("slack", "pins.add", "internal_error")] == 1
