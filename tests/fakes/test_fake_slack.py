"""The fake Slack behaves like Slack for the real slack_sdk clients and slack-bolt."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.error import URLError
from urllib.parse import parse_qs, parse_qsl

import httpx
import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import (
    SlackRequests,
    block_actions,
    event_callback,
    new_trigger_id,
    retry_headers,
    sign,
    slash_command,
    url_verification,
)

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A running fake Slack."""
    with FakeSlack(refused_blocks_fail=False) as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    """The real sync client pointed at the fake."""
    return WebClient(token=TOKEN, base_url=fake.url)


@pytest.fixture
async def aclient(fake: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    """The real async client pointed at the fake."""
    yield AsyncWebClient(token=TOKEN, base_url=fake.url)


def _room(client: WebClient, name: str = "leak-20250101-001-test", *users: str) -> str:
    """Create a private channel with members and return its id."""
    channel = client.conversations_create(name=name, is_private=True)["channel"]["id"]
    if users:
        client.conversations_invite(channel=channel, users=list(users))
    return channel


def _error(method: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Return the Slack error code a client method raises for these arguments."""
    with pytest.raises(SlackApiError) as raised:
        method(*args, **kwargs)
    return str(raised.value.response["error"])


# -- authentication and transport ----------------------------------------------------------------


def test_auth_test_identifies_the_bot(client: WebClient) -> None:
    reply = client.auth_test()
    assert (reply["team_id"], reply["user_id"], reply["bot_id"]) == ("T0001", "U0BOT", "B0BOT")


def test_calls_without_a_token_are_not_authed(fake: FakeSlack) -> None:
    reply = httpx.post(fake.url + "auth.test").json()
    assert reply == {"ok": False, "error": "not_authed"}


def test_tokens_outside_the_accepted_set_are_invalid_auth() -> None:
    with FakeSlack(tokens={"xoxb-good"}, refused_blocks_fail=False) as fake:
        bad = WebClient(token="xoxb-bad", base_url=fake.url)
        assert _error(bad.auth_test) == "invalid_auth"
        assert WebClient(token="xoxb-good", base_url=fake.url).auth_test()["ok"]


def test_a_token_in_the_form_body_is_accepted(fake: FakeSlack) -> None:
    reply = httpx.post(fake.url + "auth.test", data={"token": TOKEN}).json()
    assert reply["ok"] is True


def test_unknown_methods_are_unknown_method(client: WebClient) -> None:
    assert _error(client.api_call, "leaks.explode") == "unknown_method"


def test_form_encoded_json_fields_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client)
    blocks = json.dumps([{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}])
    form = {"channel": channel, "text": "hi", "blocks": blocks}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(fake.url + "chat.postMessage", data=form, headers=headers).json()["ok"]
    assert fake.messages(channel)[0]["blocks"][0]["text"]["text"] == "hi"
    assert fake.calls_to("chat.postMessage")[0].params["blocks"][0]["type"] == "section"


async def test_async_client_get_and_json_calls_work(
    fake: FakeSlack, aclient: AsyncWebClient
) -> None:
    created = await aclient.conversations_create(name="async-room", is_private=True)
    channel = created["channel"]["id"]
    info = await aclient.conversations_info(channel=channel)
    posted = await aclient.chat_postMessage(channel=channel, text="from async")
    assert info["channel"]["is_private"] is True
    assert fake.messages(channel)[0]["ts"] == posted["ts"]


def test_every_call_is_recorded_with_its_outcome(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    _error(client.conversations_info, channel="C404")
    assert [(c.method, c.outcome) for c in fake.calls] == [
        ("auth.test", "ok"),
        ("conversations.info", "channel_not_found"),
    ]
    assert fake.calls_to("conversations.info")[0].params == {"channel": "C404"}
    fake.reset_calls()
    assert fake.calls == []


# -- channels -------------------------------------------------------------------------------------


def test_a_private_channel_is_created_with_the_bot_inside(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = client.conversations_create(name="leak-20250101-001-x", is_private=True)["channel"]
    assert channel["id"].startswith("C") and channel["is_private"] is True
    assert fake.channel_by_name("leak-20250101-001-x")["members"] == ["U0BOT"]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("Leak-Room", "invalid_name_specials"),
        ("leak room", "invalid_name_specials"),
        ("漏えい", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("---", "invalid_name_punctuation"),
        ("general", "name_taken"),
    ],
)
def test_channel_names_follow_slacks_rules(client: WebClient, name: str, error: str) -> None:
    assert _error(client.conversations_create, name=name) == error


def test_an_eighty_character_name_is_accepted(client: WebClient) -> None:
    assert client.conversations_create(name="a" * 80)["ok"]


async def test_name_taken_reaches_async_callers_as_slack_api_error(
    aclient: AsyncWebClient,
) -> None:
    await aclient.conversations_create(name="leak-dup")
    with pytest.raises(SlackApiError) as raised:
        await aclient.conversations_create(name="leak-dup", is_private=True)
    assert raised.value.response["error"] == "name_taken"


def test_invite_adds_members_and_announces_them(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client, "leak-invite", "U0REPORTER", "U0LEAD1")
    assert fake.members(channel) == ["U0BOT", "U0REPORTER", "U0LEAD1"]
    joins = [m["user"] for m in fake.messages(channel, system=True)]
    assert joins == ["U0BOT", "U0REPORTER", "U0LEAD1"]
    assert fake.messages(channel) == []


@pytest.mark.parametrize(
    ("users", "error"),
    [
        ("U0BOT", "cant_invite_self"),
        ("U0NOBODY", "user_not_found"),
        ("U0REPORTER", "already_in_channel"),
        ("", "no_user"),
    ],
)
def test_invite_errors_are_slacks(client: WebClient, users: str, error: str) -> None:
    channel = _room(client, "leak-errors", "U0REPORTER")
    assert _error(client.conversations_invite, channel=channel, users=users) == error


def test_invite_is_all_or_nothing_and_lists_each_failure(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client, "leak-partial", "U0REPORTER")
    with pytest.raises(SlackApiError) as raised:
        client.conversations_invite(channel=channel, users="U0LEAD1,U0REPORTER")
    assert raised.value.response["errors"] == [
        {"user": "U0REPORTER", "ok": False, "error": "already_in_channel"}
    ]
    assert "U0LEAD1" not in fake.members(channel)
    client.conversations_invite(channel=channel, users="U0LEAD1,U0REPORTER", force=True)
    assert "U0LEAD1" in fake.members(channel)


def test_a_private_channel_without_the_bot_is_invisible(fake: FakeSlack, client: WebClient) -> None:
    secret = fake.add_channel("secret", is_private=True, members=["U0LEAD1"])
    assert _error(client.conversations_info, channel=secret) == "channel_not_found"
    assert _error(client.chat_postMessage, channel=secret, text="x") == "channel_not_found"
    listed = client.conversations_list(types="public_channel,private_channel")["channels"]
    assert secret not in {c["id"] for c in listed}


def test_the_bot_must_join_a_public_channel_before_posting(
    fake: FakeSlack, client: WebClient
) -> None:
    post = {"channel": "C0GENERAL", "text": "hello"}
    assert _error(client.chat_postMessage, **post) == "not_in_channel"
    client.conversations_join(channel="C0GENERAL")
    assert client.chat_postMessage(**post)["ok"]
    assert client.conversations_join(channel="C0GENERAL")["warning"] == "already_in_channel"
    assert fake.messages("general")[0]["text"] == "hello"


def test_posting_to_a_user_id_lands_in_their_dm(fake: FakeSlack, client: WebClient) -> None:
    reply = client.chat_postMessage(channel="U0LEAD1", text="Approval needed")
    assert reply["channel"].startswith("D")
    assert [m["text"] for m in fake.messages(reply["channel"])] == ["Approval needed"]


def test_an_archived_channel_refuses_posts(client: WebClient) -> None:
    channel = _room(client)
    client.conversations_archive(channel=channel)
    assert _error(client.chat_postMessage, channel=channel, text="late") == "is_archived"


def test_topic_is_set_shown_and_limited(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client)
    reply = client.conversations_setTopic(channel=channel, topic="SEV2 · report due 12/03")
    assert reply["channel"]["topic"]["value"] == "SEV2 · report due 12/03"
    assert fake.topic(channel) == "SEV2 · report due 12/03"
    assert _error(client.conversations_setTopic, channel=channel, topic="x" * 251) == "too_long"


def test_members_are_paginated(client: WebClient) -> None:
    channel = _room(client, "leak-many", "U0REPORTER", "U0LEAD1", "U0LEAD2")
    first = client.conversations_members(channel=channel, limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_members(channel=channel, limit=2, cursor=cursor)
    assert first["members"] + rest["members"] == ["U0BOT", "U0REPORTER", "U0LEAD1", "U0LEAD2"]
    assert rest["response_metadata"]["next_cursor"] == ""


# -- messages -------------------------------------------------------------------------------------


def test_history_is_newest_first_and_replies_stay_in_their_thread(client: WebClient) -> None:
    channel = _room(client)
    parent = client.chat_postMessage(channel=channel, text="verdict")["ts"]
    reply = client.chat_postMessage(channel=channel, text="draft", thread_ts=parent)["ts"]
    last = client.chat_postMessage(channel=channel, text="question")["ts"]
    history = client.conversations_history(channel=channel)["messages"]
    assert [m["ts"] for m in history if "subtype" not in m] == [last, parent]
    assert history[1]["reply_count"] == 1 and history[1]["latest_reply"] == reply
    thread = client.conversations_replies(channel=channel, ts=parent)["messages"]
    assert [m["ts"] for m in thread] == [parent, reply]
    assert thread[1]["thread_ts"] == parent


def test_history_honours_limit_and_cursor(client: WebClient) -> None:
    channel = _room(client)
    posted = [client.chat_postMessage(channel=channel, text=str(i))["ts"] for i in range(5)]
    page = client.conversations_history(channel=channel, limit=2)
    assert [m["ts"] for m in page["messages"]] == posted[::-1][:2] and page["has_more"]
    cursor = page["response_metadata"]["next_cursor"]
    after = client.conversations_history(channel=channel, limit=2, cursor=cursor)
    assert [m["ts"] for m in after["messages"]] == posted[::-1][2:4]


def test_metadata_is_returned_only_with_include_all_metadata(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client)
    metadata = {"event_type": "leak_followup", "event_payload": {"followup_id": 7}}
    client.chat_postMessage(channel=channel, text="Status?", metadata=metadata)
    plain = client.conversations_history(channel=channel)["messages"][0]
    full = client.conversations_history(channel=channel, include_all_metadata=True)["messages"][0]
    assert "metadata" not in plain and full["metadata"] == metadata
    assert [m["text"] for m in fake.posts_with_metadata("leak_followup")] == ["Status?"]


def test_metadata_without_an_event_payload_is_refused(client: WebClient) -> None:
    channel = _room(client)
    assert (
        _error(
            client.chat_postMessage,
            channel=channel,
            text="x",
            metadata={"event_type": "leak_followup"},
        )
        == "invalid_metadata_format"
    )


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_a_message_needs_text_or_blocks(client: WebClient) -> None:
    channel = _room(client)
    assert _error(client.chat_postMessage, channel=channel) == "no_text"


def test_more_than_fifty_blocks_are_invalid_blocks(client: WebClient) -> None:
    channel = _room(client)
    blocks = [SectionBlock(text=f"line {i}") for i in range(51)]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=channel, text="long", blocks=blocks)
    assert raised.value.response["error"] == "invalid_blocks"
    assert "no more than 50 items" in raised.value.response["response_metadata"]["messages"][0]


def test_a_block_without_a_type_is_invalid_blocks(client: WebClient) -> None:
    channel = _room(client)
    blocks = [{"text": {"type": "mrkdwn", "text": "no type"}}]
    post = {"channel": channel, "text": "x", "blocks": blocks}
    assert _error(client.chat_postMessage, **post) == "invalid_blocks"


def test_slack_adds_block_and_action_ids_that_were_left_out(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client)
    blocks = [ActionsBlock(elements=[ButtonElement(text="Done", value="done")])]
    client.chat_postMessage(channel=channel, text="prompt", blocks=blocks)
    stored = fake.messages(channel)[0]["blocks"][0]
    assert stored["block_id"] and stored["elements"][0]["action_id"]


def test_update_replaces_content_and_keeps_metadata(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client)
    metadata = {"event_type": "leak_verdict", "event_payload": {"version": 1}}
    ts = client.chat_postMessage(channel=channel, text="SEV3", metadata=metadata)["ts"]
    reply = client.chat_update(channel=channel, ts=ts, text="SEV3 (superseded)")
    assert reply["ts"] == ts and reply["text"] == "SEV3 (superseded)"
    stored = fake.message(channel, ts)
    assert stored["text"] == "SEV3 (superseded)" and stored["metadata"] == metadata
    assert stored["edited"]["user"] == "U0BOT"


def test_update_of_an_unknown_message_is_message_not_found(client: WebClient) -> None:
    channel = _room(client)
    update = {"channel": channel, "ts": "1.000001", "text": "x"}
    assert _error(client.chat_update, **update) == "message_not_found"


def test_the_bot_cannot_update_a_persons_message(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client, "leak-human", "U0REPORTER")
    ts = fake.post_as("U0REPORTER", channel, "my note")["ts"]
    assert (
        _error(client.chat_update, channel=channel, ts=ts, text="edited") == "cant_update_message"
    )


def test_ephemerals_reach_members_only_and_stay_out_of_history(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client, "leak-eph", "U0REPORTER")
    reply = client.chat_postEphemeral(channel=channel, user="U0REPORTER", text="Masked a card")
    assert reply["message_ts"]
    assert (
        _error(client.chat_postEphemeral, channel=channel, user="U0OUTSIDER", text="x")
        == "user_not_in_channel"
    )
    assert [e["text"] for e in fake.ephemerals(user="U0REPORTER")] == ["Masked a card"]
    assert fake.messages(channel) == []


def test_permalinks_point_at_the_message_and_thread(client: WebClient) -> None:
    channel = _room(client)
    parent = client.chat_postMessage(channel=channel, text="p")["ts"]
    reply = client.chat_postMessage(channel=channel, text="r", thread_ts=parent)["ts"]
    link = client.chat_getPermalink(channel=channel, message_ts=reply)["permalink"]
    assert link.startswith(f"https://leakdesk-test.slack.com/archives/{channel}/p")
    assert f"thread_ts={parent}" in link


def test_pins_are_added_once_and_listed(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client)
    ts = client.chat_postMessage(channel=channel, text="Summary")["ts"]
    client.pins_add(channel=channel, timestamp=ts)
    assert _error(client.pins_add, channel=channel, timestamp=ts) == "already_pinned"
    missing = {"channel": channel, "timestamp": "1.000002"}
    assert _error(client.pins_add, **missing) == "message_not_found"
    items = client.pins_list(channel=channel)["items"]
    assert items[0]["type"] == "message" and items[0]["message"]["ts"] == ts
    assert [m["text"] for m in fake.pins(channel)] == ["Summary"]


def test_reactions_are_added_once(client: WebClient) -> None:
    channel = _room(client)
    ts = client.chat_postMessage(channel=channel, text="Done")["ts"]
    client.reactions_add(channel=channel, name="white_check_mark", timestamp=ts)
    assert (
        _error(client.reactions_add, channel=channel, name="white_check_mark", timestamp=ts)
        == "already_reacted"
    )


def test_timestamps_are_unique_and_increasing_under_concurrency(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client)

    def post(i: int) -> None:
        WebClient(token=TOKEN, base_url=fake.url).chat_postMessage(channel=channel, text=str(i))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps = [m["ts"] for m in fake.messages(channel)]
    assert len(set(stamps)) == 20 and stamps == sorted(stamps, key=float)


# -- views ----------------------------------------------------------------------------------------

MODAL = {
    "type": "modal",
    "callback_id": "leak_edit",
    "title": {"type": "plain_text", "text": "Edit statement"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "statement",
            "label": {"type": "plain_text", "text": "Statement"},
            "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
        }
    ],
}


def test_views_open_then_update_with_the_current_hash(fake: FakeSlack, client: WebClient) -> None:
    view = client.views_open(trigger_id=new_trigger_id(), view=MODAL)["view"]
    assert view["id"].startswith("V") and view["callback_id"] == "leak_edit"
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)["view"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    assert (
        _error(client.views_update, view_id=view["id"], hash=view["hash"], view=MODAL)
        == "hash_conflict"
    )
    assert [v["id"] for v in fake.views] == [view["id"]]


def test_a_trigger_id_works_once_and_only_while_fresh(fake: FakeSlack, client: WebClient) -> None:
    trigger = new_trigger_id()
    client.views_open(trigger_id=trigger, view=MODAL)
    again = {"trigger_id": trigger, "view": MODAL}
    assert _error(client.views_open, **again) == "exchanged_trigger_id"
    old = new_trigger_id(issued_at=time.time() - 4)
    assert _error(client.views_open, trigger_id=old, view=MODAL) == "expired_trigger_id"
    fake.expire_trigger("marked")
    assert _error(client.views_open, trigger_id="marked", view=MODAL) == "expired_trigger_id"


def test_a_modal_title_longer_than_24_characters_is_refused(client: WebClient) -> None:
    view = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    with pytest.raises(SlackApiError) as raised:
        client.views_open(trigger_id=new_trigger_id(), view=view)
    assert raised.value.response["error"] == "invalid_arguments"


def test_views_push_stacks_at_most_three(client: WebClient) -> None:
    root = client.views_open(trigger_id=new_trigger_id(), view=MODAL)["view"]
    pushed = client.views_push(trigger_id=new_trigger_id(), view=MODAL)["view"]
    assert pushed["root_view_id"] == root["id"] and pushed["previous_view_id"] == root["id"]
    client.views_push(trigger_id=new_trigger_id(), view=MODAL)
    assert (
        _error(client.views_push, trigger_id=new_trigger_id(), view=MODAL) == "push_limit_reached"
    )


def test_app_home_is_published_per_user(fake: FakeSlack, client: WebClient) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "0"}}],
    }
    first = client.views_publish(user_id="U0LEAD1", view=home)["view"]
    second = client.views_publish(user_id="U0LEAD1", view=home, hash=first["hash"])["view"]
    assert first["id"] == second["id"] and fake.home_view("U0LEAD1")["hash"] == second["hash"]
    assert _error(client.views_publish, user_id="U0NOBODY", view=home) == "user_not_found"


# -- people and the workspace ---------------------------------------------------------------------


def test_users_and_usergroups_are_readable(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U0NEW", "newcomer", tz="Europe/London", email="new@example.com")
    user = client.users_info(user="U0NEW", include_locale=True)["user"]
    assert (user["tz"], user["profile"]["email"], user["locale"]) == (
        "Europe/London",
        "new@example.com",
        "ja-JP",
    )
    assert _error(client.users_info, user="U0NOBODY") == "user_not_found"
    members = {m["id"] for m in client.users_list()["members"]}
    assert {"U0BOT", "U0REPORTER", "U0LEAD1", "U0LEAD2", "U0RESP1", "U0NEW"} <= members
    leads = client.usergroups_users_list(usergroup="S0PRLEADS")["users"]
    assert leads == ["U0LEAD1", "U0LEAD2"]
    assert _error(client.usergroups_users_list, usergroup="S0NONE") == "no_such_subteam"
    assert client.team_info()["team"]["id"] == "T0001"


# -- fault injection ------------------------------------------------------------------------------


def test_fail_answers_with_the_error_then_recovers(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("conversations.create", "name_taken")
    assert _error(client.conversations_create, name="fresh") == "name_taken"
    assert client.conversations_create(name="fresh")["ok"]
    outcomes = [c.outcome for c in fake.calls_to("conversations.create")]
    assert outcomes == ["name_taken", "ok"]


def test_fail_can_target_matching_arguments(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("conversations.create", "name_taken", times=None, when=lambda p: "001" in p["name"])
    assert _error(client.conversations_create, name="leak-001") == "name_taken"
    assert client.conversations_create(name="leak-002")["ok"]


def test_wildcard_faults_match_every_method(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("*", "fatal_error", times=2)
    assert _error(client.auth_test) == "fatal_error"
    assert _error(client.team_info) == "fatal_error"
    assert client.auth_test()["ok"]


def test_http_500_raises_with_the_status(fake: FakeSlack) -> None:
    fake.fail_http("auth.test", status=500)
    bare = WebClient(token=TOKEN, base_url=fake.url, retry_handlers=[])
    with pytest.raises(SlackApiError) as raised:
        bare.auth_test()
    assert raised.value.response.status_code == 500
    assert fake.calls[0].outcome == "http_500"


async def test_async_server_error_handler_retries_a_500(fake: FakeSlack) -> None:
    fake.fail_http("chat.postMessage", status=503)
    client = AsyncWebClient(
        token=TOKEN, base_url=fake.url, retry_handlers=[AsyncServerErrorRetryHandler()]
    )
    channel = (await client.conversations_create(name="retry-500"))["channel"]["id"]
    assert (await client.chat_postMessage(channel=channel, text="after 503"))["ok"]
    assert [c.outcome for c in fake.calls_to("chat.postMessage")] == ["http_503", "ok"]


def test_rate_limit_is_429_with_retry_after(fake: FakeSlack) -> None:
    fake.rate_limit("auth.test", retry_after=3)
    bare = WebClient(token=TOKEN, base_url=fake.url, retry_handlers=[])
    with pytest.raises(SlackApiError) as raised:
        bare.auth_test()
    response = raised.value.response
    assert (response.status_code, response["error"]) == (429, "ratelimited")
    assert response.headers["Retry-After"] == "3"


async def test_async_rate_limit_handler_waits_retry_after_then_succeeds(fake: FakeSlack) -> None:
    fake.rate_limit("chat.postMessage", retry_after=1)
    client = AsyncWebClient(
        token=TOKEN,
        base_url=fake.url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    channel = (await client.conversations_create(name="retry-429"))["channel"]["id"]
    reply = await client.chat_postMessage(channel=channel, text="after 429")
    first, second = fake.calls_to("chat.postMessage")
    assert reply["ok"] and (first.outcome, second.outcome) == ("ratelimited", "ok")
    assert second.at - first.at >= 1.0
    assert [m["text"] for m in fake.messages(channel)] == ["after 429"]


def test_sync_rate_limit_handler_retries_too(fake: FakeSlack) -> None:
    fake.rate_limit("auth.test", retry_after=0)
    client = WebClient(
        token=TOKEN, base_url=fake.url, retry_handlers=[RateLimitErrorRetryHandler()]
    )
    assert client.auth_test()["ok"]
    assert [c.outcome for c in fake.calls] == ["ratelimited", "ok"]


def test_a_dropped_connection_fails_without_a_retry_handler(fake: FakeSlack) -> None:
    fake.drop("auth.test")
    bare = WebClient(token=TOKEN, base_url=fake.url, retry_handlers=[])
    with pytest.raises((ConnectionError, URLError)):
        bare.auth_test()
    assert fake.calls[0].outcome == "dropped"


async def test_async_connection_handler_retries_a_dropped_call(fake: FakeSlack) -> None:
    fake.drop("auth.test")
    client = AsyncWebClient(
        token=TOKEN, base_url=fake.url, retry_handlers=[AsyncConnectionErrorRetryHandler()]
    )
    assert (await client.auth_test())["ok"]
    assert [c.outcome for c in fake.calls] == ["dropped", "ok"]


def test_a_drop_after_processing_makes_a_blind_retry_post_twice(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client)
    fake.drop("chat.postMessage", after_processing=True)
    client.chat_postMessage(channel=channel, text="prompt")
    assert [m["text"] for m in fake.messages(channel)] == ["prompt", "prompt"]


def test_latency_delays_every_call_and_one_method_more(fake: FakeSlack, client: WebClient) -> None:
    fake.latency = 0.1
    fake.set_latency("team.info", 0.2)
    started = time.monotonic()
    client.auth_test()
    middle = time.monotonic()
    client.team_info()
    assert middle - started >= 0.1 and time.monotonic() - middle >= 0.3


def test_random_faults_are_reproducible_with_a_seed() -> None:
    def outcomes() -> list[str]:
        with FakeSlack(refused_blocks_fail=False) as fake:
            fake.random_faults(rate=0.5, seed=42)
            bare = WebClient(token=TOKEN, base_url=fake.url, retry_handlers=[])
            for _ in range(20):
                try:
                    bare.auth_test()
                except (SlackApiError, ConnectionError, URLError):
                    pass
            return [c.outcome for c in fake.calls]

    first = outcomes()
    assert first == outcomes()
    assert {"ok", "http_500", "ratelimited", "dropped"} == set(first)


def test_clear_faults_removes_queued_and_random_faults(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("auth.test", "fatal_error", times=None)
    fake.random_faults(rate=1.0, seed=1)
    fake.clear_faults()
    assert client.auth_test()["ok"]


# -- response_url, readers and other processes ----------------------------------------------------


def test_response_urls_post_ephemerally_in_channel_and_replace(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client, "leak-hooks", "U0REPORTER")
    ts = client.chat_postMessage(channel=channel, text="Which data leaked?")["ts"]
    hook = WebhookClient(fake.response_url(channel, "U0REPORTER", ts, kind="actions"))
    assert hook.send(text="Only you see this").status_code == 200
    assert hook.send(text="Everyone sees this", response_type="in_channel").status_code == 200
    assert hook.send(text="Answered: card numbers", replace_original=True).status_code == 200
    assert [e["text"] for e in fake.ephemerals("U0REPORTER")] == ["Only you see this"]
    texts = [m["text"] for m in fake.messages(channel)]
    assert texts == ["Answered: card numbers", "Everyone sees this"]


def test_a_response_url_serves_five_posts(fake: FakeSlack) -> None:
    hook = WebhookClient(fake.response_url("C0GENERAL", "U0REPORTER"))
    statuses = [hook.send(text=str(i)).status_code for i in range(6)]
    assert statuses == [200] * 5 + [404]
    assert len(fake.responses()) == 5


def test_post_as_adds_a_persons_message(fake: FakeSlack) -> None:
    message = fake.post_as("U0REPORTER", "general", "I emailed the list to the wrong vendor")
    stored = fake.messages("general")[-1]
    assert stored["ts"] == message["ts"] and stored["user"] == "U0REPORTER"


def test_wait_for_returns_once_the_condition_holds(fake: FakeSlack, client: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: client.conversations_create(name="later"))
    timer.start()
    assert fake.wait_for(lambda: fake.channel_by_name("later"), within=2)["name"] == "later"
    with pytest.raises(TimeoutError, match="conversations.create"):
        fake.wait_for(lambda: fake.channel_by_name("never"), within=0.1)


async def test_wait_for_async_does_not_block_the_loop(
    fake: FakeSlack, aclient: AsyncWebClient
) -> None:
    async def create() -> None:
        await aclient.conversations_create(name="async-later")

    task = asyncio.create_task(create())
    found = await fake.wait_for_async(lambda: fake.channel_by_name("async-later"), within=2)
    await task
    assert found["name"] == "async-later"


def test_snapshot_is_json_serialisable_with_call_counts(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client, "leak-snap", "U0REPORTER")
    client.chat_postMessage(channel=channel, text="hi")
    snapshot = json.loads(json.dumps(fake.snapshot()))
    assert snapshot["calls"] == {
        "conversations.create": 1,
        "conversations.invite": 1,
        "chat.postMessage": 1,
    }
    room = next(c for c in snapshot["channels"] if c["name"] == "leak-snap")
    assert room["members"] == ["U0BOT", "U0REPORTER"] and room["is_private"] is True


def test_another_process_can_use_the_fake(fake: FakeSlack) -> None:
    script = (
        "import sys; from slack_sdk import WebClient; "
        "c = WebClient(token='xoxb-child', base_url=sys.argv[1]); "
        "c.conversations_create(name='from-child')"
    )
    subprocess.run([sys.executable, "-c", script, fake.url], check=True, timeout=30)
    assert fake.channel_by_name("from-child") is not None


# -- signed inbound requests ----------------------------------------------------------------------


def test_slack_sdk_accepts_our_signatures() -> None:
    verifier = SignatureVerifier(SECRET)
    for body in (slash_command("phishing"), event_callback({"type": "app_mention"})):
        assert verifier.is_valid_request(body, sign(body, SECRET))


def test_a_tampered_body_a_stale_timestamp_or_another_secret_is_rejected() -> None:
    verifier = SignatureVerifier(SECRET)
    body = slash_command("phishing")
    assert not verifier.is_valid_request(body + b"x", sign(body, SECRET))
    assert not verifier.is_valid_request(body, sign(body, SECRET, int(time.time()) - 600))
    assert not verifier.is_valid_request(body, sign(body, "other-secret"))


def test_a_slash_command_has_slacks_fields_in_slacks_order() -> None:
    body = slash_command("leak of cards", trigger_id="1.2.3", response_url="https://h/1")
    fields = parse_qsl(body.decode(), keep_blank_values=True)
    assert [k for k, _ in fields] == [
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    ]
    assert dict(fields)["text"] == "leak of cards" and dict(fields)["command"] == "/leak"


def test_block_actions_carry_slacks_shape() -> None:
    body = block_actions("answer", "yes", user_id="U0LEAD1", channel_id="C1", message_ts="1.000001")
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == "U0LEAD1" and payload["team"]["id"] == "T0001"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1.000001",
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    action = payload["actions"][0]
    assert (action["action_id"], action["value"], action["type"]) == ("answer", "yes", "button")


def test_press_picks_an_option_of_a_posted_menu(fake: FakeSlack, client: WebClient) -> None:
    channel = _room(client)
    menu = {
        "type": "static_select",
        "action_id": "leak_mode",
        "options": [
            {"text": {"type": "plain_text", "text": t}, "value": v}
            for t, v in [("Attack", "unauthorized_access"), ("Mistake", "misdelivery")]
        ],
    }
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "How?"}, "accessory": menu}]
    client.chat_postMessage(channel=channel, text="How did it leak?", blocks=blocks)
    posted = fake.messages(channel)[0]
    body, _ = SlackRequests(SECRET).press(
        posted, "leak_mode", user_id="U0LEAD1", value="misdelivery"
    )
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    action = payload["actions"][0]
    assert action["selected_option"]["value"] == "misdelivery"
    assert action["block_id"] == posted["blocks"][0]["block_id"]
    assert payload["message"]["ts"] == posted["ts"] and payload["channel"]["id"] == channel


def test_press_ticks_checkboxes_and_reports_them_in_state(
    fake: FakeSlack, client: WebClient
) -> None:
    channel = _room(client)
    boxes = {
        "type": "checkboxes",
        "action_id": "data_categories",
        "options": [
            {"text": {"type": "mrkdwn", "text": t}, "value": t} for t in ("financial", "identity")
        ],
    }
    client.chat_postMessage(
        channel=channel, text="What leaked?", blocks=[{"type": "actions", "elements": [boxes]}]
    )
    posted = fake.messages(channel)[0]
    body, _ = SlackRequests(SECRET).press(
        posted, "data_categories", user_id="U0RESP1", value=["financial", "identity"]
    )
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    chosen = [o["value"] for o in payload["actions"][0]["selected_options"]]
    assert chosen == ["financial", "identity"]
    block_id = posted["blocks"][0]["block_id"]
    state = payload["state"]["values"][block_id]["data_categories"]
    assert state["type"] == "checkboxes" and len(state["selected_options"]) == 2


def test_press_in_view_presses_a_button_on_app_home(fake: FakeSlack, client: WebClient) -> None:
    button = {
        "type": "button",
        "action_id": "open_incident",
        "value": "inc-1",
        "text": {"type": "plain_text", "text": "Open"},
    }
    home = {"type": "home", "blocks": [{"type": "actions", "elements": [button]}]}
    client.views_publish(user_id="U0LEAD1", view=home)
    shown = fake.home_view("U0LEAD1")
    body, _ = SlackRequests(SECRET).press_in_view(shown, "open_incident", user_id="U0LEAD1")
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    assert payload["container"] == {"type": "view", "view_id": shown["id"]}
    assert payload["view"]["type"] == "home" and "channel" not in payload
    action = payload["actions"][0]
    assert (action["value"], action["text"]["text"]) == ("inc-1", "Open")


def test_submit_fills_an_opened_views_inputs(fake: FakeSlack, client: WebClient) -> None:
    client.views_open(trigger_id=new_trigger_id(), view={**MODAL, "private_metadata": "inc-1"})
    body, _ = SlackRequests(SECRET).submit(fake.views[0], {"text": "We found…"}, user_id="U0LEAD1")
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    assert payload["type"] == "view_submission"
    assert payload["view"]["private_metadata"] == "inc-1"
    state = payload["view"]["state"]["values"]["statement"]["text"]
    assert state == {"type": "plain_text_input", "value": "We found…"}


def test_events_can_be_redelivered_with_retry_headers() -> None:
    requests = SlackRequests(SECRET)
    body, headers = requests.event({"type": "app_home_opened", "user": "U0LEAD1"}, event_id="Ev1")
    again, retry = requests.redeliver(body, num=1)
    assert json.loads(again)["event_id"] == "Ev1" and retry["X-Slack-Retry-Num"] == "1"
    assert retry_headers(2) == {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
    assert headers["Content-Type"] == "application/json"
    assert json.loads(url_verification("abc")) == {
        "token": "fake-verification-token",
        "challenge": "abc",
        "type": "url_verification",
    }


def _dispatch(app: App, signed: tuple[bytes, dict[str, str]]) -> int:
    """Send a signed request through a bolt app; return the HTTP status."""
    body, headers = signed
    return app.dispatch(BoltRequest(body=body.decode(), headers=headers)).status


def test_a_real_bolt_app_accepts_every_request_kind(fake: FakeSlack, client: WebClient) -> None:
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=fake.url),
        process_before_response=True,
    )
    seen: list[str] = []

    @app.command("/leak")
    def on_leak(ack, respond, command) -> None:
        ack()
        seen.append(f"command:{command['text']}")
        respond("Recorded")

    @app.action("done")
    def on_done(ack, body) -> None:
        ack()
        seen.append(f"action:{body['actions'][0]['value']}")

    @app.view("leak_edit")
    def on_submit(ack, view) -> None:
        ack()
        seen.append(f"view:{view['state']['values']['statement']['text']['value']}")

    @app.shortcut("report_leak")
    def on_shortcut(ack, shortcut) -> None:
        ack()
        seen.append(f"shortcut:{shortcut['message']['text']}")

    @app.event("app_home_opened")
    def on_home(event) -> None:
        seen.append(f"event:{event['user']}")

    requests = SlackRequests(SECRET, response_url=fake.response_url)
    channel = _room(client, "leak-bolt", "U0REPORTER")
    blocks = [ActionsBlock(elements=[ButtonElement(text="Done", action_id="done", value="d1")])]
    client.chat_postMessage(channel=channel, text="prompt", blocks=blocks)
    client.views_open(trigger_id=new_trigger_id(), view=MODAL)
    note = fake.post_as("U0REPORTER", channel, "card list sent to vendor")
    statuses = [
        _dispatch(app, requests.slash("cards", channel_id=channel)),
        _dispatch(app, requests.press(fake.messages(channel)[0], "done", user_id="U0LEAD1")),
        _dispatch(app, requests.submit(fake.views[0], {"text": "ok"}, user_id="U0LEAD1")),
        _dispatch(
            app,
            requests.message_action(
                "report_leak",
                user_id="U0REPORTER",
                channel_id=channel,
                message_text=note["text"],
                message_ts=note["ts"],
            ),
        ),
        _dispatch(app, requests.event({"type": "app_home_opened", "user": "U0LEAD1"})),
    ]
    assert statuses == [200] * 5
    assert seen == [
        "command:cards",
        "action:d1",
        "view:ok",
        "shortcut:card list sent to vendor",
        "event:U0LEAD1",
    ]
    assert [e["text"] for e in fake.ephemerals("U0REPORTER")] == ["Recorded"]


def test_a_real_bolt_app_refuses_a_forged_signature(fake: FakeSlack) -> None:
    app = App(signing_secret=SECRET, client=WebClient(token=TOKEN, base_url=fake.url))
    body, headers = SlackRequests("wrong-secret").slash("x")
    assert _dispatch(app, (body, headers)) == 401
