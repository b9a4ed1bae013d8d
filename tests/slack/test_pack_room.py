"""The communications pack in the room: drafted from the approved notice, one message beside
it in the verdict's thread, each piece approved by the same rules (SEV1: two PR leads for the
public pieces, one for the internal Q&A), the checker's findings shown before approving."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.fakes.slack_requests import _as_payload_message as as_payload_message
from tests.slack.conftest import BLANK, Slack
from tests.slack.room_walk import CARD_SEV1, walk


def blocks_text(message: dict) -> str:  # type: ignore[type-arg]
    return str(message.get("blocks"))


async def press_piece(slack: Slack, kind: str, action_id: str, user: str) -> httpx.Response:
    """Presses `action_id` under the piece `kind` in the pack's message (each piece has its
    own three buttons, in its own actions block)."""
    message = slack.message_with_ref("pack")
    block = next(b for b in message["blocks"] if f":{kind}:" in (b.get("block_id") or ""))
    element = next(e for e in block["elements"] if e["action_id"] == action_id)
    return await slack.send(
        slack.requests.block_actions(
            action_id,
            element["value"],
            user_id=user,
            channel_id=message.get("channel"),
            message=as_payload_message(message),
            block_id=block["block_id"],
            action_type="button",
            button_text=element["text"],
        )
    )


async def card_sev1(slack: Slack) -> None:
    await walk(slack, "ウェブショップでカード情報漏えいの疑い", CARD_SEV1, ["U0LEAD1", "U0LEAD2"])


async def test_the_approved_notice_brings_the_pack_in_one_message_beside_it(
    slack_ja: Slack,
) -> None:
    slack = slack_ja
    await card_sev1(slack)
    verdict = slack.message_with_ref("verdict:1")
    pack = slack.message_with_ref("pack")
    assert pack["thread_ts"] == verdict["ts"]
    shown = blocks_text(pack)
    for kind in ("SNS投稿文", "ご本人への通知文", "想定問答（社内用）"):
        assert kind in shown
    assert "第1報から作成" in shown and "承認 0/2" in shown and "承認 0/1" in shown
    assert "関連文書 承認 0/3" in blocks_text(verdict)
    pieces = await slack.runtime.service.pack(slack.room_incident_id())
    assert [(p.kind, p.series, p.version, p.status) for p in pieces] == [
        ("social", 1, 1, "draft"),
        ("letter", 1, 1, "draft"),
        ("qa", 1, 1, "draft"),
    ]
    assert all(p.texts["ja"] and p.texts["en"] for p in pieces)
    events = [e for e in await slack.runtime.service.timeline(slack.room_incident_id())]
    drafted = [e.data["kind"] for e in events if e.kind == "statement.drafted"]
    assert drafted[-3:] == ["social", "letter", "qa"]


async def fill_in_piece(
    slack: Slack, kind: str, user: str, filled: str = "記入済み", *, was: str | None = None
) -> None:
    """A PR lead opens the piece's editor and fills in its blanks (or replaces `was`) in every
    input it has."""
    await press_piece(slack, kind, "statement_edit", user)
    view = [v for v in slack.fake.views if v.get("callback_id") == "statement_edit"][-1]
    assert '"k": "' + kind + '"' in view["private_metadata"]
    values = {
        e["action_id"]: (BLANK if was is None else re.compile(re.escape(was))).sub(
            filled, e.get("initial_value") or ""
        )
        for b in view["blocks"]
        if (e := b.get("element"))
    }
    response = await slack.send(slack.requests.submit(view, values, user_id=user))
    assert response.status_code == 200 and not response.content, response.text
    await slack.work()


async def pieces(slack: Slack) -> dict[str, Any]:
    return {p.kind: p for p in await slack.runtime.service.pack(slack.room_incident_id())}


async def test_the_internal_qa_needs_one_pr_lead_and_no_one_else(slack_ja: Slack) -> None:
    slack = slack_ja
    await card_sev1(slack)
    await press_piece(slack, "qa", "statement_approve", "U0RESP1")
    await slack.work()
    said = " ".join(e.get("text") or "" for e in slack.fake.ephemerals(user="U0RESP1"))
    assert "承認・編集できるのは広報責任者だけです" in said
    # Its blanks (who pays for a new card) are the company's call: filled in before approving.
    await press_piece(slack, "qa", "statement_approve", "U0LEAD1")
    await slack.work()
    said = " ".join(e.get("text") or "" for e in slack.fake.ephemerals(user="U0LEAD1"))
    assert "未記入の箇所" in said and "「編集」で記入してから" in said
    await fill_in_piece(slack, "qa", "U0LEAD1", "当社が負担いたします。")
    await press_piece(slack, "qa", "statement_approve", "U0LEAD1")
    await slack.work()
    found = await pieces(slack)
    assert (found["qa"].version, found["qa"].status) == (2, "approved")
    assert found["social"].status == "draft"
    assert "関連文書 承認 1/3" in blocks_text(slack.message_with_ref("verdict:1"))
    approved = [
        e.data
        for e in await slack.runtime.service.timeline(slack.room_incident_id())
        if e.kind == "statement.approved" and e.data.get("kind") == "qa"
    ]
    assert approved == [
        {"kind": "qa", "series": 1, "version": 2, "approvals": 1, "needed": 1, "final": True}
    ]


async def test_a_sev1_social_post_needs_two_leads_and_an_edit_voids_approvals(
    slack_ja: Slack,
) -> None:
    slack = slack_ja
    await card_sev1(slack)
    await fill_in_piece(slack, "social", "U0LEAD1", "https://example.com/news/1")
    await press_piece(slack, "social", "statement_approve", "U0LEAD1")
    await slack.work()
    assert (await pieces(slack))["social"].status == "draft"
    assert "承認 1/2" in blocks_text(slack.message_with_ref("pack"))
    await fill_in_piece(slack, "social", "U0LEAD2", "/news/2", was="/news/1")  # an edit
    social = (await pieces(slack))["social"]
    assert (social.version, len(social.approvals)) == (3, 0)
    edited = [
        e.data
        for e in await slack.runtime.service.timeline(slack.room_incident_id())
        if e.kind == "statement.edited"
    ]
    assert (edited[-1]["kind"], edited[-1]["voided_approvals"]) == ("social", 1)
    for lead in ("U0LEAD1", "U0LEAD2"):
        await press_piece(slack, "social", "statement_approve", lead)
        await slack.work()
    social = (await pieces(slack))["social"]
    assert social.status == "approved" and "https://example.com/news/2" in social.texts["ja"]
    # Approved pieces lose their buttons; the notice's published post is not repeated.
    pack = slack.message_with_ref("pack")
    assert not [b for b in pack["blocks"] if ":social:" in (b.get("block_id") or "")]
    assert [r for r in slack.refs() if r and r.startswith("published:")] == ["published:2"]


async def test_the_pack_in_the_other_language_is_shown_only_to_who_asks(slack_ja: Slack) -> None:
    slack = slack_ja
    await card_sev1(slack)
    await slack.press("pack", "pack_other_language", user="U0RESP1")
    await slack.work()
    (reply,) = [e for e in slack.fake.ephemerals(user="U0RESP1") if e.get("blocks")]
    shown = str(reply["blocks"])
    assert "関連文書の英語の文面" in shown and "Social post" in shown
    assert "statement_approve" not in shown
