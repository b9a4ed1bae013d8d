"""What we send is slack_sdk's `to_dict()` to the byte (app.slack.block_json): the same JSON, keys
in the same order, or the same refusal, for every Block Kit class the app builds, over texts in
Japanese and English, empty and past every limit, optional fields given or not; and what
app.slack.elements writes itself is what the slack_sdk objects it replaced serialised to."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig

import app.slack
from app.slack import elements as ui
from app.slack.block_json import as_dict
from app.slack.elements import dump

SAMPLES = [
    "",
    "データ漏えいの可能性: 顧客 1,200 件",
    "*第1問* 漏えいしたのはどの情報ですか？\nWhich data leaked?",
    "<@U0RESP1> :warning: <https://example.com|link>",
]
# Long texts straddle the limits slack_sdk checks: 75, 150, 255, 2000, 3000 characters.
LONG = st.builds(
    lambda piece, n: (piece * n)[:n], st.sampled_from(["あ", "x", "漏えい "]), st.integers(70, 3100)
)


def mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`rare` one time in five: most blocks valid, enough of them refused."""
    return st.integers(0, 4).flatmap(lambda n: rare if n == 0 else common)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def some(item: st.SearchStrategy[Any], most: int) -> st.SearchStrategy[list[Any]]:
    """A few items, or one more than Slack allows."""
    return mostly(st.lists(item, max_size=4), st.lists(item, min_size=most + 1, max_size=most + 1))


texts = mostly(st.sampled_from(SAMPLES) | st.text(max_size=30), LONG)
ids = mostly(
    st.sampled_from(["q:1:leak_mode", "answer:leak_mode:0", "1"]) | st.text(max_size=8), LONG
)
flags = st.none() | st.booleans()


plain = st.builds(PlainTextObject, text=texts, emoji=flags)
mrkdwn = st.builds(MarkdownTextObject, text=texts, verbatim=flags)
confirm = st.builds(
    ConfirmObject,
    title=texts,
    text=mrkdwn | texts,
    confirm=plain | texts,
    deny=plain | texts,
    style=maybe(st.sampled_from(["primary", "danger", "loud"])),
)
option = st.builds(
    Option, value=ids, text=maybe(plain | texts), label=maybe(texts), description=maybe(texts)
)
options = some(option, 100)
dispatch = st.builds(
    DispatchActionConfig,
    trigger_actions_on=st.lists(st.sampled_from(["on_enter_pressed", "on_character_entered"])),
)
button = st.builds(
    ButtonElement,
    text=plain | texts,
    action_id=maybe(ids),
    value=maybe(ids),
    style=maybe(st.sampled_from(["primary", "danger", "loud"])),
    url=maybe(ids),
    confirm=maybe(confirm),
    accessibility_label=maybe(texts),
)
inputs = st.one_of(
    st.builds(
        PlainTextInputElement,
        action_id=maybe(ids),
        placeholder=maybe(plain | texts),
        initial_value=maybe(texts),
        multiline=flags,
        min_length=maybe(st.integers(0, 10)),
        max_length=maybe(st.integers(1, 3000)),
        dispatch_action_config=maybe(dispatch),
    ),
    st.builds(
        NumberInputElement,
        action_id=maybe(ids),
        is_decimal_allowed=flags,
        initial_value=maybe(st.sampled_from(["0", "12", 3, 1.5])),
        min_value=maybe(st.sampled_from(["0", 1])),
        max_value=maybe(st.sampled_from(["100", 9])),
        placeholder=maybe(plain | texts),
    ),
    st.builds(
        DatePickerElement,
        action_id=maybe(ids),
        placeholder=maybe(plain | texts),
        initial_date=maybe(st.sampled_from(["2026-12-06", "12/06/2026"])),
        confirm=maybe(confirm),
    ),
    st.builds(
        TimePickerElement,
        action_id=maybe(ids),
        placeholder=maybe(plain | texts),
        initial_time=maybe(st.sampled_from(["09:30", "9.30"])),
        timezone=maybe(st.just("Asia/Tokyo")),
    ),
    st.builds(
        StaticSelectElement,
        action_id=maybe(ids),
        placeholder=maybe(plain | texts),
        options=maybe(options),
        confirm=maybe(confirm),
    ),
    st.builds(
        StaticMultiSelectElement,
        action_id=maybe(ids),
        placeholder=maybe(plain | texts),
        options=maybe(options),
        max_selected_items=maybe(st.integers(0, 5)),
    ),
    st.builds(
        UserSelectElement,
        action_id=maybe(ids),
        placeholder=maybe(plain | texts),
        initial_user=maybe(st.just("U0RESP1")),
    ),
)
elements = button | inputs
blocks = st.one_of(
    st.builds(
        SectionBlock,
        text=maybe(mrkdwn | plain | texts),
        fields=maybe(some(mrkdwn | plain, 10)),
        accessory=maybe(elements),
        block_id=maybe(ids),
    ),
    st.builds(HeaderBlock, text=maybe(plain | texts), block_id=maybe(ids)),
    st.builds(ContextBlock, elements=some(mrkdwn | plain, 10), block_id=maybe(ids)),
    st.builds(DividerBlock, block_id=maybe(ids)),
    st.builds(ActionsBlock, elements=some(elements, 25), block_id=maybe(ids)),
    st.builds(
        InputBlock,
        label=plain | texts,
        element=elements,
        hint=maybe(plain | texts),
        optional=flags,
        dispatch_action=flags,
        block_id=maybe(ids),
    ),
)
COVERED = {
    SectionBlock, HeaderBlock, ContextBlock, DividerBlock, ActionsBlock, InputBlock,
    ButtonElement, PlainTextInputElement, NumberInputElement, DatePickerElement,
    TimePickerElement, StaticSelectElement, StaticMultiSelectElement, UserSelectElement,
    PlainTextObject, MarkdownTextObject, Option, ConfirmObject, DispatchActionConfig,
}  # fmt: skip


def sent(serialise: Callable[[], Any]) -> str:
    """The bytes Slack would get, or the refusal instead."""
    try:
        return json.dumps(serialise(), ensure_ascii=False)
    except Exception as error:  # slack_sdk's refusals: SlackObjectFormationError and others
        return f"{type(error).__name__}: {error}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks)
def test_every_block_is_sent_as_slack_sdk_would_send_it(block: JsonObject) -> None:
    assert sent(lambda: as_dict(block)) == sent(block.to_dict)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(blocks, max_size=5))
def test_a_message_is_dumped_as_slack_sdk_would_send_it(message: list[JsonObject]) -> None:
    assert sent(lambda: dump(message)) == sent(lambda: [b.to_dict() for b in message])


def test_a_refused_block_is_refused_with_slack_sdk_s_words() -> None:
    long_id = ButtonElement(text="x", action_id="a", value="v" * 2001)
    assert sent(lambda: as_dict(ActionsBlock(elements=[long_id]))).startswith(
        "SlackObjectFormationError: value attribute cannot exceed 2000 characters"
    )


def test_every_block_kit_class_the_app_builds_is_covered() -> None:
    used = set()
    for info in pkgutil.iter_modules(app.slack.__path__, "app.slack."):
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and value.__module__.startswith("slack_sdk.models.blocks"):
                used.add(value)
    assert used - {Block} <= COVERED  # Block: in type hints only
    assert used >= {InputBlock, DatePickerElement}  # the scan sees what it should


# ----- app.slack.elements writes the JSON itself: the same bytes as the objects it replaced -----

# Every limit a builder cuts at or checks, and one past it: 75, 150, 255, 2,000, 2,900, 3,000.
EDGE = st.sampled_from([0, 1, 75, 76, 150, 151, 255, 256, 2000, 2001, 2900, 2901, 3000, 3001])
words = texts | st.builds(lambda piece, n: (piece * n)[:n], st.sampled_from(["あ", "x"]), EDGE)
names = ids | st.builds(lambda n: "q" * n, EDGE)  # action_id, block_id, a value given as text
values = names | st.dictionaries(
    st.sampled_from("ifv"), st.integers() | st.booleans() | st.none() | words, max_size=3
)
presses = st.tuples(words, names, values, maybe(st.sampled_from(["primary", "danger", "loud"])))
REFUSED = "SlackObjectFormationError: "


def old_plain(text: str, limit: int = 75) -> PlainTextObject:
    return PlainTextObject(text=text[:limit], emoji=True)


def old_button(text: str, action_id: str, value: Any, style: str | None) -> ButtonElement:
    encoded = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return ButtonElement(text=old_plain(text), action_id=action_id, value=encoded, style=style)


@settings(max_examples=300, deadline=None)
@given(words, st.integers(1, 3001))
def test_text_objects_are_written_as_slack_sdk_writes_them(text: str, limit: int) -> None:
    assert sent(lambda: ui.mrkdwn(text)) == sent(MarkdownTextObject(text=text).to_dict)
    assert sent(lambda: ui.plain(text, limit)) == sent(old_plain(text, limit).to_dict)


@settings(max_examples=300, deadline=None)
@given(words, maybe(presses))
def test_sections_contexts_and_headers_are_written_as_slack_sdk_writes_them(
    text: str, press: tuple[Any, ...] | None
) -> None:
    ours = ui.section
    assert sent(lambda: ours(text, ui.button(*press) if press else None)) == sent(
        SectionBlock(
            text=MarkdownTextObject(text=text[:2900]),
            accessory=old_button(*press) if press else None,
        ).to_dict
    )
    assert sent(lambda: ui.context(text)) == sent(
        ContextBlock(elements=[MarkdownTextObject(text=text[:2900])]).to_dict
    )
    assert sent(lambda: ui.header(text)) == sent(HeaderBlock(text=old_plain(text, 150)).to_dict)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(some(presses, 25), maybe(names))
def test_buttons_and_actions_are_written_and_refused_as_slack_sdk_would(
    pressed: list[tuple[Any, ...]], block_id: str | None
) -> None:
    ours = sent(lambda: ui.actions(*[ui.button(*p) for p in pressed], block_id=block_id))
    theirs = sent(
        ActionsBlock(elements=[old_button(*p) for p in pressed], block_id=block_id).to_dict
    )
    if ours != theirs:  # slack_sdk checks the block before its buttons, we each button first
        assert theirs.startswith(REFUSED)
        assert ours == sent(lambda: [old_button(*p).to_dict() for p in pressed])


@settings(max_examples=200, deadline=None)
@given(words.filter(bool), presses.filter(lambda press: press[0] != ""))
def test_pieces_inside_slack_sdk_objects_are_sent_as_before(
    text: str, press: tuple[Any, ...]
) -> None:
    """Labels, placeholders and options stay slack_sdk objects and take the JSON as children
    (not an empty text: slack_sdk's parse fails on it, where Slack would refuse it later)."""

    def message(plain: Callable[..., Any], button: Callable[..., Any]) -> list[JsonObject]:
        select = StaticSelectElement(
            placeholder=plain(text), options=[Option(value="v", text=plain(text))]
        )
        number = NumberInputElement(action_id="n", placeholder=plain(text, 150))
        return [
            ActionsBlock(elements=[select, button(*press)], block_id="q:1:leak_mode"),
            InputBlock(label=plain(text, 2000), element=number),
        ]

    ours = sent(lambda: dump(message(ui.plain, ui.button)))
    assert ours == sent(lambda: [b.to_dict() for b in message(old_plain, old_button)])


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: ui.button("Yes", "a" * 256, "v"), "action_id attribute cannot exceed 255"),
        (lambda: ui.button("Yes", "a", "v" * 2001), "value attribute cannot exceed 2000"),
        (lambda: ui.button("Yes", "a", "v", "loud"), "style attribute must be one of"),
        (lambda: ui.actions(block_id="b" * 256), "block_id cannot exceed 255 characters"),
        (lambda: ui.actions(*[{}] * 26), "elements attribute cannot exceed 25 elements"),
    ],
)
def test_what_the_builders_do_not_cut_is_refused_in_slack_sdk_s_words(
    build: Callable[[], Any], words: str
) -> None:
    assert sent(build).startswith(f"{REFUSED}{words}")
