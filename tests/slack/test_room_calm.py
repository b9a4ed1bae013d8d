"""A room people can follow: the posts, edits and topic changes from /leak to the approved
statement stay few (issue 25: before, a card-data SEV1 took 22 posts, 17 edits and three topic
changes, two of them identical; a misdirected e-mail SEV3 took 21 posts)."""

from __future__ import annotations

from datetime import UTC, timedelta

from tests.followups.test_slack_prompts import run_at
from tests.slack.conftest import Slack
from tests.slack.room_walk import CARD_SEV1, MISDIRECTED_SEV3, walk


def blocks_text(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks"))


async def test_a_card_data_sev1_reaches_its_approved_statement_in_at_most_10_posts(
    slack_ja: Slack,
) -> None:
    slack = slack_ja
    counts = await walk(
        slack, "ウェブショップでカード情報漏えいの疑い", CARD_SEV1, ["U0LEAD1", "U0LEAD2"]
    )
    print(f"\ncard-data SEV1: {counts.line()}")
    assert counts.posts <= 10, (counts.line(), slack.refs())
    assert counts.identical_topics == 0
    assert counts.pins == 1
    verdict = slack.message_with_ref("verdict:1")
    assert "SEV1" in blocks_text(verdict)
    # 「今やること」 first, the statement's state on the verdict, codes only in the details.
    sections = [b for b in verdict["blocks"] if b["type"] == "section"]
    assert sections[0]["text"]["text"].startswith("*今やること*")
    assert "*お知らせ文：* 第2版 承認済み・公表できます" in blocks_text(
        verdict
    )  # v2: the period filled in
    assert "今やること" in blocks_text(slack.message_with_ref("summary"))
    # One triage card that advanced, no post per question; the draft in the verdict's thread.
    assert slack.refs().count("triage") == 1
    assert not [r for r in slack.refs() if r and r.startswith("question:")]
    assert slack.message_with_ref("statement")["thread_ts"] == verdict["ts"]
    assert slack.message_with_ref("statement_text")["thread_ts"] == verdict["ts"]
    topic = slack.fake.topic(slack.room()["id"])
    assert "速報 目安" in topic, topic


async def test_a_misdirected_email_sev3_says_what_to_do_in_few_posts(slack_ja: Slack) -> None:
    slack = slack_ja
    counts = await walk(slack, "顧客リストを誤送信", MISDIRECTED_SEV3, ["U0LEAD1"])
    print(f"\nmisdirected e-mail SEV3: {counts.line()}")
    assert counts.posts <= 10, (counts.line(), slack.refs())
    verdict = blocks_text(slack.message_with_ref("verdict:1"))
    assert "SEV3" in verdict and "特別な対応はありません" not in verdict
    assert "お詫び" in verdict and "削除を依頼" in verdict and "記録に残す" in verdict


async def test_the_draft_opens_with_who_must_approve_and_who_is_pending(slack_ja: Slack) -> None:
    slack = slack_ja
    await slack.command("ウェブショップでカード情報漏えいの疑い")
    await slack.work()
    while (field := slack.current_question()) is not None:
        await slack.answer(field, CARD_SEV1[field])
        await slack.work()
    await slack.fill_in_blanks("U0LEAD1")  # the card period
    await slack.press("statement", "statement_approve", user="U0LEAD1")
    await slack.work()
    draft = slack.message_with_ref("statement")
    opening = next(b for b in draft["blocks"] if b["type"] == "section")["text"]["text"]
    assert opening.startswith("承認が必要です：<@U0LEAD1>、<@U0LEAD2>（SEV1は2名）")
    assert "承認済み 1/2：<@U0LEAD1>　未承認：<@U0LEAD2>" in opening
    assert "承認 1/2" in blocks_text(slack.message_with_ref("verdict:1"))
    # The English text is its own reply, not a doubled post.
    assert "Dear" not in blocks_text(draft) and "We " not in blocks_text(draft)
    assert "*英語の文面*（第2版）" in blocks_text(slack.message_with_ref("statement_text"))
    # Once both have approved, nobody is listed as pending ("未承認：なし" read as a loose end).
    await slack.press("statement", "statement_approve", user="U0LEAD2")
    await slack.work()
    draft = slack.message_with_ref("statement")
    opening = next(b for b in draft["blocks"] if b["type"] == "section")["text"]["text"]
    assert "承認済み 2/2：<@U0LEAD1>、<@U0LEAD2>" in opening and "未承認" not in opening


async def test_an_action_marked_done_leaves_do_now(slack_ja: Slack) -> None:
    slack = slack_ja
    await walk(slack, "ウェブショップでカード情報漏えいの疑い", CARD_SEV1, ["U0LEAD1", "U0LEAD2"])
    assert "カード会社" in blocks_text(slack.message_with_ref("verdict:1"))
    incident_id = slack.room_incident_id()
    (prompt,) = [
        f
        for f in await slack.runtime.service.followups(incident_id)
        if f.key == "action:card_issuers"
    ]
    await run_at(slack.runtime.queue, prompt.due_at.replace(tzinfo=UTC) + timedelta(seconds=1))
    await slack.press(f"followup:{prompt.id}", "followup_done", user="U0RESP1")
    await slack.work()
    verdict = blocks_text(slack.message_with_ref("verdict:1"))
    do_now = verdict.split("*今やること*")[1].split("*お知らせ文")[0]
    assert "カード会社" not in do_now and "カード会社" not in blocks_text(
        slack.message_with_ref("summary")
    )
