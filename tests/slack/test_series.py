"""The notice series: the approved notice is 第1報; a changed verdict or changed facts offer the
next report, which opens with what changed since the last one and is approved the same way."""

from __future__ import annotations

from tests.slack.conftest import Slack
from tests.slack.test_statements import open_with_verdict


async def approve_first_report(slack: Slack) -> None:
    await open_with_verdict(slack)
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    assert "published:1" in slack.refs()


async def test_a_changed_verdict_after_publication_offers_the_second_report(
    slack_ja: Slack,
) -> None:
    slack = slack_ja
    await approve_first_report(slack)
    await slack.answer("affected_count", "5000")  # more than 1,000 people: now reportable
    await slack.work()
    note = str(slack.message_with_ref("verdict_change:2")["blocks"])
    assert "第2報を作成" in note and "前回からの更新点を記した第2報" in note
    await slack.press("verdict_change:2", "redraft", user="U0LEAD1")
    await slack.work()

    service, incident_id = slack.runtime.service, slack.room_incident_id()
    second = await service.latest_statement(incident_id)
    assert second is not None and (second.series, second.version) == (2, 2)
    ja = second.texts["ja"]
    assert ja.splitlines()[0].endswith("（第2報）")
    updates = ja.split("【前回からの更新点")[1].split("\n\n")[0]
    assert "対象となる方の人数：約300名 → 約5,000名" in updates
    assert "個人情報保護委員会への報告" in updates
    assert second.texts["en"].splitlines()[0].endswith("(Update 2)")
    assert "People affected: about 300 people → about 5,000 people" in second.texts["en"]

    # The room shows which report the draft is; the first stays approved in the history.
    draft = str(slack.message_with_ref("statement")["blocks"])
    assert "お知らせ文（第2報） 第2版" in draft
    assert "お知らせ文（第2報）：* 第2版 下書き" in str(slack.message_with_ref("verdict:1"))
    first = await service.statement(incident_id, 1)
    assert (first.status, first.series) == ("approved", 1)

    # The same approval: only PR leads, and it is published as the second report.
    await slack.press("statement", "statement_approve", user="U0RESP1")
    await slack.work()
    assert "published:2" not in slack.refs()
    await slack.press("statement", "statement_approve", user="U0LEAD2")
    await slack.work()
    published = slack.message_with_ref("published:2")
    assert "承認済みのお知らせ文（第2報）" in str(published["blocks"])
    events = [e for e in await service.timeline(incident_id) if e.kind == "statement.published"]
    assert [(e.data["series"], e.data["version"]) for e in events] == [(1, 1), (2, 2)]
    # The pack is drafted again from the second report, in the same one message.
    pack = await service.pack(incident_id)
    assert pack and {p.series for p in pack} == {2}
    assert "第2報から作成" in str(slack.message_with_ref("pack")["blocks"])
    assert slack.refs().count("pack") == 1


async def test_changed_facts_alone_offer_the_next_report_with_what_changed(
    slack_ja: Slack,
) -> None:
    slack = slack_ja
    await approve_first_report(slack)
    await slack.answer("access", "suspected")  # the verdict stays; the notice's certainty moves
    await slack.work()
    offer = slack.message_with_ref("next_report:2")
    assert offer["thread_ts"] == slack.message_with_ref("verdict:1")["ts"]
    assert "第2報の用意" in str(offer["blocks"]) and "漏えいの状況" in str(offer["blocks"])
    await slack.press("next_report:2", "redraft", user="U0LEAD1")
    await slack.work()
    second = await slack.runtime.service.latest_statement(slack.room_incident_id())
    assert second is not None and second.series == 2
    assert "漏えいの状況" in second.texts["ja"]


async def test_an_edit_of_the_second_report_keeps_its_number(slack: Slack) -> None:
    await approve_first_report(slack)
    service, incident_id = slack.runtime.service, slack.room_incident_id()
    await service.redraft(incident_id, "U0LEAD1")
    await slack.work()
    await service.edit_statement(incident_id, {"en": "Our notice (Update 2)"}, "U0LEAD2", version=2)
    await slack.work()
    edited = await service.latest_statement(incident_id)
    assert edited is not None and (edited.series, edited.version) == (2, 3)
    assert "(update 2) v3" in str(slack.message_with_ref("statement")["blocks"])
    events = [e for e in await service.timeline(incident_id) if e.kind == "statement.edited"]
    assert (events[-1].data["kind"], events[-1].data["series"]) == ("notice", 2)
