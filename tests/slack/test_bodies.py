"""A signed body is parsed once, by us (app.slack.bodies.parsed_body), into what bolt's own parser
would give its listeners: the same fields and payloads for any text, Japanese included."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.request.internals import parse_body

from app.slack.bodies import parsed_body

FORM = "application/x-www-form-urlencoded"
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TEXT.filter(lambda k: "payload" not in k), TEXT, max_size=6))
def test_a_form_is_its_fields_as_bolt_reads_them(fields: dict[str, str]) -> None:
    text = urlencode(fields)
    assert parsed_body(text, FORM, command=False) == parse_body(text, FORM)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        TEXT | st.integers() | st.booleans(),
        lambda inner: st.lists(inner) | st.dictionaries(TEXT, inner),
        max_leaves=20,
    )
)
def test_an_interaction_is_its_payload_as_bolt_reads_it(value: object) -> None:
    payload = {"type": "block_actions", "user": {"id": "U1"}, "value": value}
    text = urlencode({"payload": json.dumps(payload, ensure_ascii=False)})
    assert parsed_body(text, FORM, command=False) == parse_body(text, FORM) == payload


def test_a_json_body_is_its_json() -> None:
    text = json.dumps({"type": "event_callback", "event": {"type": "app_home_opened"}})
    assert parsed_body(text, "application/json", command=False) == json.loads(text)


def test_odd_forms_read_as_bolt_reads_them() -> None:
    for text in ("a=1&a=2", "a&b=", "x=%zz%E3%81", "x=1+2%2B3", "&&a=1&", "payload=%7B%7D"):
        assert parsed_body(text, FORM, command=False) == parse_body(text, FORM), text


def test_a_command_whose_text_says_payload_keeps_its_fields() -> None:
    """bolt finds no fields in it (it looks for an interaction's `payload=`): we keep them."""
    text = "command=%2Fleak&text=" + quote("malicious payload on the file server")
    assert parse_body(text, FORM) == {}
    assert parsed_body(text, FORM, command=True)["text"] == "malicious payload on the file server"
