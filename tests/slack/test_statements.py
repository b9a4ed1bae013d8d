"""The holding statement in the verdict's thread: edit, request changes, redraft, approval rules."""

from __future__ import annotations

from tests.slack.conftest import Slack


async def open_with_verdict(
    slack: Slack,
    *,
    title: str = "Misdirected e-mail with a customer list",
    categories: list[str] | None = None,
    mode: str = "misdelivery",
) -> None:
    await slack.command(title)
    await slack.work()
    await slack.answer("discovered_at", "reported")
    await slack.work()
    await slack.answer("data_categories", categories or ["contact"])
    await slack.work()
    await slack.answer("data_subjects", ["customers"])
    await slack.work()
    await slack.answer("affected_count", "300")
    await slack.work()
    await slack.answer("subject_regions", ["JP"])
    await slack.work()
    await slack.answer("exposure_period", None)
    await slack.work()
    await slack.answer("encryption", "none")
    await slack.work()
    await slack.answer("leak_mode", mode)
    await slack.work()


async def test_a_pr_lead_edits_in_a_modal_and_the_edit_voids_earlier_approvals(
    slack: Slack,
) -> None:
    await open_with_verdict(slack)
    statement = slack.message_with_ref("statement")
    assert "v1" in str(statement["blocks"])

    response = await slack.press("statement", "statement_edit", user="U0LEAD1")
    assert response.status_code == 200
    (view,) = [v for v in slack.fake.views if v.get("callback_id") == "statement_edit"]
    response = await slack.send(
        slack.requests.submit(
            view,
            {"text_ja": "【改訂】お詫びとお知らせ", "text_en": "Revised notice and apology"},
            user_id="U0LEAD1",
        )
    )
    assert response.status_code == 200
    await slack.work()

    statement = slack.message_with_ref("statement")
    assert "Revised notice and apology" in str(statement["blocks"])
    assert "v2" in str(statement["blocks"])
    incident = await slack.runtime.service.find_by_channel(slack.room()["id"])
    assert incident is not None
    kinds = [e.kind for e in await slack.runtime.service.timeline(incident.id)]
    assert "statement.edited" in kinds

    # An approval of the old version is refused as stale; the new one can be approved.
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    assert "published:2" in slack.refs()


async def test_someone_who_is_not_a_lead_cannot_open_the_editor(slack: Slack) -> None:
    await open_with_verdict(slack)
    await slack.press("statement", "statement_edit", user="U0RESP1")
    await slack.work()
    assert not [v for v in slack.fake.views if v.get("callback_id") == "statement_edit"]
    assert any("Only PR leads" in e.get("text", "") for e in slack.fake.ephemerals(user="U0RESP1"))


async def test_request_changes_posts_the_comment_in_the_thread(slack: Slack) -> None:
    await open_with_verdict(slack)
    await slack.press("statement", "statement_request_changes", user="U0LEAD2")
    (view,) = [v for v in slack.fake.views if v.get("callback_id") == "statement_changes"]
    await slack.send(
        slack.requests.submit(view, {"comment": "Say when we will update next"}, user_id="U0LEAD2")
    )
    await slack.work()
    thread = slack.fake.thread(slack.room()["id"], slack.message_with_ref("verdict:1")["ts"])
    assert any("Say when we will update next" in (m.get("text") or "") for m in thread)
    assert "changes requested" in str(slack.message_with_ref("statement")["blocks"])


async def test_a_changed_answer_edits_the_living_verdict_and_the_draft_follows_it(
    slack: Slack,
) -> None:
    await open_with_verdict(slack)
    assert "SEV3" in str(slack.message_with_ref("verdict:1")["blocks"])
    await slack.answer("affected_count", "5000")  # more than 1,000 people: APPI C4
    await slack.work()
    living = slack.message_with_ref("verdict:1")
    assert "SEV2" in str(living["blocks"]) and "v2" in str(living["blocks"])
    assert not [r for r in slack.refs() if r and r.startswith(("verdict:2", "redraft_offer"))]
    change = slack.message_with_ref("verdict_change:2")
    assert change["thread_ts"] == living["ts"]
    assert "v2: severity 'SEV3 moderate' → 'SEV2 high'" in change["text"]
    # Nobody has approved the bot's draft yet: it is rewritten in place for verdict 2.
    statement = await slack.runtime.service.latest_statement(slack.room_incident_id())
    assert statement is not None and (statement.version, statement.verdict_version) == (1, 2)
    assert "5,000" in str(slack.message_with_ref("statement")["blocks"])


async def test_an_answer_after_the_verdict_reaches_the_draft_in_its_thread(slack: Slack) -> None:
    # The cause is asked after the verdict and changes no severity: the draft still follows.
    await open_with_verdict(
        slack, title="Intrusion into the member site", mode="unauthorized_access"
    )
    assert slack.current_question() == "cause"
    verdict = slack.message_with_ref("verdict:1")
    assert "VPN" not in str(slack.message_with_ref("statement")["blocks"])
    await slack.answer("cause", "An unpatched VPN appliance")
    await slack.work()
    statement = slack.message_with_ref("statement")
    assert "An unpatched VPN appliance" in str(statement["blocks"])
    assert statement["thread_ts"] == verdict["ts"]  # edited in place, in the verdict's thread
    assert not [r for r in slack.refs() if r and r.startswith(("verdict:2", "verdict_change"))]


async def edit_as_lead(slack: Slack) -> None:
    """A PR lead saves an edit of the draft in the modal ("Revised" in English)."""
    await slack.press("statement", "statement_edit", user="U0LEAD1")
    (view,) = [v for v in slack.fake.views if v.get("callback_id") == "statement_edit"]
    await slack.send(
        slack.requests.submit(
            view, {"text_ja": "【改訂】お詫びとお知らせ", "text_en": "Revised"}, user_id="U0LEAD1"
        )
    )
    await slack.work()


async def test_a_leads_edit_is_not_rewritten_and_a_redraft_is_offered(slack: Slack) -> None:
    await open_with_verdict(slack)
    await edit_as_lead(slack)
    await slack.answer("affected_count", "5000")
    await slack.work()
    assert "Revised" in str(slack.message_with_ref("statement")["blocks"])
    # Approving the edit now would publish words written for the old verdict: refused.
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    assert "published:2" not in slack.refs()
    assert any(
        "earlier verdict" in e.get("text", "") for e in slack.fake.ephemerals(user="U0LEAD1")
    )
    await slack.press("verdict_change:2", "redraft", user="U0LEAD1")
    await slack.work()
    assert "v3" in str(slack.message_with_ref("statement")["blocks"])


async def test_an_edit_the_facts_overtake_is_told_what_changed(slack: Slack) -> None:
    # The verdict stays (300 → 280 people, the cause found), so no change note offers a
    # redraft; the lead's edit is not rewritten either: the room lists what changed since.
    await open_with_verdict(
        slack, title="Intrusion into the member site", mode="unauthorized_access"
    )
    await edit_as_lead(slack)
    assert "overtaken:2" not in slack.refs()
    await slack.answer("cause", "An unpatched VPN appliance")
    await slack.work()
    await slack.answer("affected_count", "280")
    await slack.work()

    assert "Revised" in str(slack.message_with_ref("statement")["blocks"])
    assert not [r for r in slack.refs() if r and r.startswith(("verdict:2", "verdict_change"))]
    note = slack.message_with_ref("overtaken:2")  # one note for the version, edited as it grows
    assert note["thread_ts"] == slack.message_with_ref("verdict:1")["ts"]
    said = str(note["blocks"])
    assert "Statement version 2" in said and "An unpatched VPN appliance" in said
    assert "about 300 people → about 280 people" in said
    await slack.press("overtaken:2", "redraft", user="U0LEAD1")
    await slack.work()
    statement = await slack.runtime.service.latest_statement(slack.room_incident_id())
    assert statement is not None and statement.version == 3
    assert "about 280 people" in statement.texts["en"]
    assert "An unpatched VPN appliance" in statement.texts["en"]


async def test_the_bots_own_draft_follows_the_facts_without_a_note(slack: Slack) -> None:
    await open_with_verdict(slack)
    await slack.answer("affected_count", "280")
    await slack.work()
    assert not [r for r in slack.refs() if r and r.startswith("overtaken")]
    assert "about 280 people" in str(slack.message_with_ref("statement")["blocks"])


async def test_pr_leads_given_as_a_user_group_are_checked_live(
    database_url: str, fake_slack
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from app.main import create_app
    from app.runtime import build_runtime
    from tests.conftest import SIGNING_SECRET
    from tests.fakes.slack_requests import SlackRequests
    from tests.slack.conftest import slack_settings

    settings = slack_settings(database_url, fake_slack, pr_leads=["S0PRLEADS"])
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        slack = Slack(
            fake_slack,
            SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url),
            http,
            runtime,
        )
        await open_with_verdict(slack)
        assert {"U0LEAD1", "U0LEAD2"} <= set(fake_slack.members(slack.room()["id"]))
        fake_slack.add_usergroup("S0PRLEADS", "pr-leads", ["U0LEAD2"])  # LEAD1 left the group
        await slack.press("statement", "statement_approve", user="U0LEAD1")
        await slack.work()
        assert "published:1" not in slack.refs()
        await slack.press("statement", "statement_approve", user="U0LEAD2")
        await slack.work()
        assert "published:1" in slack.refs()
    await runtime.close()


async def test_an_edit_voids_an_earlier_approval_of_a_sev1_statement(slack: Slack) -> None:
    await open_with_verdict(
        slack, title="Card data skimmed", categories=["financial"], mode="skimming"
    )
    await slack.answer("affected_count", "5000")
    await slack.work()
    assert "SEV1" in str(slack.message_with_ref("verdict:1")["blocks"])
    await slack.fill_in_blanks(user="U0LEAD1")  # the card period
    await slack.press("statement", "statement_approve", user="U0LEAD1")  # one of the two needed
    await slack.work()
    await slack.press("statement", "statement_edit", user="U0LEAD2")
    view = [v for v in slack.fake.views if v.get("callback_id") == "statement_edit"][-1]
    await slack.send(slack.requests.submit(view, {"text_en": "Edited notice"}, user_id="U0LEAD2"))
    await slack.work()
    statement = await slack.runtime.service.latest_statement(slack.room_incident_id())
    assert statement is not None and statement.approvals == [] and statement.status == "draft"
    await slack.press("statement", "statement_approve", user="U0LEAD2")
    await slack.work()
    assert not [
        r for r in slack.refs() if r and r.startswith("published:")
    ]  # one approval is not enough
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    assert f"published:{statement.version}" in slack.refs()
