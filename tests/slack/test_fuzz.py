"""Fuzzing the Slack endpoint with signed but arbitrary payloads: never a 500, nothing stored."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.slack.conftest import Slack

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=40))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
action_ids = st.sampled_from(
    [
        "answer:leak_mode",
        "answer:data_categories",
        "answer:affected_count",
        "answer_unknown",
        "statement_approve",
        "statement_edit",
        "close_confirm",
        "storm_join",
        "storm_separate",
        "redraft",
        "list_answers",
        "ask_again",
        "followup_done",
        "nonexistent",
    ]
)


def block_actions(action_id: str, value: object, extra: dict) -> bytes:  # type: ignore[type-arg]
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": "U0RESP1"},
        "api_app_id": "A0LEAKDESK",
        "trigger_id": "1.2.3",
        "response_url": "http://127.0.0.1:9/x",
        "actions": [
            {
                "action_id": action_id,
                "block_id": str(extra.get("b", "q:1:leak_mode")),
                "type": str(extra.get("t", "button")),
                "value": json.dumps(value) if not isinstance(value, str) else value,
            }
        ],
        **extra,
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    action_id=action_ids,
    value=values,
    extra=st.dictionaries(st.sampled_from(["b", "t", "view", "message"]), values, max_size=3),
)
# A button's field as a list (found by this test on 2026-12-06: a 500, `field in FIELDS`).
@example(action_id="answer:leak_mode", value={"f": []}, extra={"b": None})
async def test_signed_arbitrary_interactions_never_cause_a_server_error(
    slack: Slack, action_id: str, value: object, extra: dict
) -> None:  # type: ignore[type-arg]
    response = await slack.send(slack.requests.signed(block_actions(action_id, value, extra)))
    assert response.status_code < 500


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5).map(
            lambda d: urlencode(d).encode()
        ),
        values.map(lambda v: json.dumps(v).encode()),
    )
)
async def test_signed_arbitrary_bodies_never_cause_a_server_error(
    slack: Slack, body: bytes
) -> None:
    response = await slack.send(slack.requests.signed(body))
    assert response.status_code < 500
    assert await slack.runtime.service.open_incidents() == []
