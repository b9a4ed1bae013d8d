"""The edit modal holds any text: longer than one input (3,000 characters, Slack's
plain_text_input limit) it is spread over several at line breaks and joined again on save."""

from __future__ import annotations

from app.slack.statement_blocks import INPUT_LIMIT, edited_texts, input_chunks


def state(chunks: dict[str, list[str]]) -> dict[str, dict[str, dict[str, str]]]:
    values = {}
    for lang, parts in chunks.items():
        for n, part in enumerate(parts):
            block = f"text_{lang}" if n == 0 else f"text_{lang}_{n}"
            values[block] = {block: {"type": "plain_text_input", "value": part}}
    return values


def test_a_long_text_round_trips_through_several_inputs() -> None:
    text = "\n".join(f"**Q{n}. 質問です。**\nA. " + "回答" * 60 for n in range(1, 40))
    chunks = input_chunks(text)
    assert len(chunks) > 1 and all(len(c) <= INPUT_LIMIT for c in chunks)
    assert edited_texts(state({"ja": chunks, "en": ["short"]})) == {"ja": text, "en": "short"}


def test_a_short_text_is_one_input_and_a_line_longer_than_an_input_is_cut_where_it_must() -> None:
    assert input_chunks("one\ntwo") == ["one\ntwo"]
    long_line = "あ" * (INPUT_LIMIT + 10)
    chunks = input_chunks(f"title\n{long_line}")
    assert [len(c) for c in chunks] == [5, INPUT_LIMIT, 10]
