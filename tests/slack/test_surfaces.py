"""Other ways in: the message shortcut, drills, App Home, help; and Slack misbehaving."""

from __future__ import annotations

from tests.fakes.slack_requests import app_home_opened
from tests.slack.conftest import Slack


async def test_the_message_shortcut_reports_a_message_with_its_link(slack: Slack) -> None:
    message = slack.fake.post_as(
        "U0RESP1", "C0GENERAL", "I think I sent the payroll file to a vendor"
    )
    response = await slack.send(
        slack.requests.message_action(
            "report_leak",
            user_id="U0REPORTER",
            channel_id="C0GENERAL",
            message_text=message["text"],
            message_ts=message["ts"],
        )
    )
    assert response.status_code == 200
    await slack.work()
    room = slack.room()
    assert "payroll" in room["name"]
    assert "archives/C0GENERAL" in str(slack.message_with_ref("summary")["blocks"])
    assert any("LEAK-" in e.get("text", "") for e in slack.fake.ephemerals(user="U0REPORTER"))


async def test_a_drill_gets_a_drill_channel_and_is_marked_everywhere(slack: Slack) -> None:
    response = await slack.command("drill ransomware at the hospital vendor")
    assert "[DRILL]" in response.json()["text"]
    await slack.work()
    room = slack.room()
    assert room["name"].startswith("drill-")
    assert any("DRILL-" in e.get("text", "") for e in slack.fake.ephemerals(user="U0REPORTER"))
    assert "DRILL" in str(slack.message_with_ref("summary")["blocks"])


async def test_help_is_bilingual_and_room_commands_outside_a_room_explain_themselves(
    slack: Slack,
) -> None:
    response = await slack.command("help")
    assert "/leak note" in response.json()["text"]
    response = await slack.command("status")
    assert "incident room" in response.json()["text"]


async def test_app_home_lists_the_open_incidents_whose_rooms_the_user_is_in(slack: Slack) -> None:
    await slack.command("Laptop stolen from a car")
    await slack.work()
    await slack.send(slack.requests.event(app_home_opened("U0REPORTER")))
    await slack.send(slack.requests.event(app_home_opened("U0OUTSIDER")))
    await slack.work()
    assert "Laptop stolen" in str(slack.fake.home_view("U0REPORTER"))
    assert "Laptop stolen" not in str(slack.fake.home_view("U0OUTSIDER"))


async def test_a_taken_channel_name_moves_to_the_next_number(slack: Slack) -> None:
    slack.fake.fail("conversations.create", error="name_taken", times=1)
    await slack.command("Shared drive open to the internet")
    await slack.work()
    assert "-002-" in slack.room()["name"]


async def test_slack_rate_limits_and_outages_delay_but_lose_nothing(slack: Slack) -> None:
    slack.fake.rate_limit("chat.postMessage", retry_after=0, times=2)
    slack.fake.fail_http("conversations.invite", status=500, times=3)
    await slack.command("Backup tape missing")
    for _ in range(20):
        await slack.work()
        if "triage" in slack.refs():
            break
        slack.runtime.queue.clock = _later(slack)
    assert slack.refs().count("summary") == 1
    assert slack.refs().count("triage") == 1


def _later(slack: Slack):  # type: ignore[no-untyped-def]
    """Moves the worker's clock past any backoff, as time passing would."""
    from datetime import timedelta

    from app.models import utcnow

    step = getattr(slack, "_step", 0) + 1
    slack._step = step  # type: ignore[attr-defined]
    return lambda: utcnow() + timedelta(minutes=30 * step)


async def test_a_malformed_interaction_is_a_4xx_or_ignored_never_a_500(slack: Slack) -> None:
    body = b"payload=%7Bnot-json"
    response = await slack.send(slack.requests.signed(body))
    assert response.status_code < 500
    response = await slack.send(
        slack.requests.block_actions(
            "answer:leak_mode", "not json", user_id="U0RESP1", channel_id="C0GENERAL"
        )
    )
    assert response.status_code == 200


async def test_a_body_over_the_limit_is_refused(slack: Slack) -> None:
    body = b"text=" + b"a" * 300_000
    response = await slack.send(slack.requests.signed(body))
    assert response.status_code == 413


async def test_a_slack_drill_of_a_scenario_reveals_its_facts_over_time(slack: Slack) -> None:
    from datetime import timedelta

    from app.models import utcnow

    response = await slack.command("drill lost-laptop")
    assert "[DRILL]" in response.json()["text"]
    await slack.work()
    assert slack.room()["name"].startswith("drill-")
    assert "drill_step:0" in slack.refs() and "drill_step:1" not in slack.refs()
    slack.runtime.queue.clock = lambda: utcnow() + timedelta(minutes=50)
    await slack.work()
    assert "drill_step:1" in slack.refs() and "drill_step:2" not in slack.refs()
    assert "IT confirms the disk was not encrypted" in str(
        slack.message_with_ref("drill_step:1")["blocks"]
    )
