"""Block Kit for triage: the question card with its inputs, the done card, the answers so far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
)

from app.i18n import format_time, other, t
from app.incidents.service import AnswerDetail
from app.models import Incident
from app.rooms import texts
from app.rooms.texts import answer_label
from app.slack.elements import (
    MAX_BLOCKS,
    AnyBlock,
    BlockJson,
    actions,
    button,
    context,
    plain,
    section,
)
from app.triage import Question
from app.triage.models import CAUSE_MAX


def question_blocks(
    incident: Incident,
    question: Question,
    number: int,
    lang: str,
    tz: str,
    answer: AnswerDetail | None,
    *,
    total: int | None = None,
    previous: str | None = None,
    answered: Sequence[Question] = (),  # Slack changes answers from `/leak answer`
    hand_off: str | None = None,
) -> list[AnyBlock]:
    blocks: list[AnyBlock] = [context(previous)] if previous else []
    blocks += [
        context(texts.question_header(incident, question, number, lang, total)),
        section(f"*{question.text.get(lang)}*\n{question.text.get(other(lang))}"),
        context(f"{question.help.get(lang)}"[:2900]),
    ]
    if answer is not None:
        blocks.append(
            section(texts.answered_line(question, answer.value, answer.actor, answer.at, lang, tz))
        )
    blocks.extend(answer_inputs(incident, question, lang))
    if hand_off:  # the technical questions, to the security responders, in one press
        blocks.append(
            actions(
                button(hand_off, "hand_off", {"i": incident.id}), block_id=f"handoff:{incident.id}"
            )
        )
    return blocks


def triage_done_blocks(
    incident: Incident,
    lang: str,
    count: int,
    previous: str | None = None,
    answered: Sequence[Question] = (),
) -> list[BlockJson]:
    """The triage card once no question that matters is left."""
    blocks = [context(previous)] if previous else []
    return [
        *blocks,
        section(
            f"{t('question.all_done', lang)}\n{t('question.done_count', lang, count=count)}",
            accessory=button(t("verdict.change_answers", lang), "list_answers", {"i": incident.id}),
        ),
    ]


def _value(incident: Incident, field: str, value: Any) -> dict[str, Any]:
    return {"i": incident.id, "f": field, "v": value}


def answer_inputs(incident: Incident, question: Question, lang: str) -> list[AnyBlock]:
    """The answer widgets. One button per choice, each with its own action_id
    (`answer:<field>:<n>`): Slack refuses two action_ids alike in one block."""
    block_id = f"q:{incident.id}:{question.id}"
    action_id = f"answer:{question.id}"
    unknown = button(
        t("question.unknown", lang), "answer_unknown", _value(incident, question.id, None)
    )
    if question.kind == "bool":
        return [
            actions(
                button(t("yes", lang), f"{action_id}:0", _value(incident, question.id, True)),
                button(t("no", lang), f"{action_id}:1", _value(incident, question.id, False)),
                unknown,
                block_id=block_id,
            )
        ]
    if question.kind in PICKERS:
        return PICKERS[question.kind](incident, question, lang, unknown)
    if question.kind == "number":
        return [
            InputBlock(
                block_id=block_id,
                label=plain(question.text.get(lang), 2000),
                dispatch_action=True,
                element=NumberInputElement(
                    action_id=action_id,
                    is_decimal_allowed=False,
                    min_value="0",
                    placeholder=plain(t("question.number_placeholder", lang), 150),
                ),
            ),
            actions(unknown, block_id=f"{block_id}:u"),
        ]
    options = [Option(value=str(o.value), text=plain(o.label.get(lang))) for o in question.options][
        :100
    ]
    if question.kind == "multi":
        element = StaticMultiSelectElement(
            action_id=action_id,
            options=options,
            placeholder=plain(t("question.multi_placeholder", lang)),
        )
        return [ActionsBlock(block_id=block_id, elements=[element, unknown])]
    if len(options) <= 5:
        choices = [
            button(o.label.get(lang), f"{action_id}:{i}", _value(incident, question.id, o.value))
            for i, o in enumerate(question.options)
        ]
        if not any(o.value == "unknown" for o in question.options):
            choices.append(unknown)
        return [actions(*choices, block_id=block_id)]
    element = StaticSelectElement(
        action_id=action_id,
        options=options,
        placeholder=plain(t("question.select_placeholder", lang)),
    )
    return [ActionsBlock(block_id=block_id, elements=[element, unknown])]


def _awareness_inputs(
    incident: Incident, question: Question, lang: str, unknown: BlockJson
) -> list[AnyBlock]:
    """ "When this was reported" at once, or a date and a time picked (datepicker + timepicker:
    both have native mobile UIs; the answer is sent once both are set, read from the message's
    state, which block_actions carry in full since 2020-09)."""
    block_id = f"q:{incident.id}:{question.id}"
    reported, earlier = question.options
    return [
        actions(
            button(
                reported.label.get(lang),
                f"answer:{question.id}",
                _value(incident, question.id, reported.value),
            ),
            block_id=block_id,
        ),
        context(earlier.label.get(lang)),
        ActionsBlock(
            block_id=f"{block_id}:pick",
            elements=[
                DatePickerElement(
                    action_id=f"answer_date:{question.id}",
                    placeholder=plain(t("question.date_placeholder", lang)),
                ),
                TimePickerElement(
                    action_id=f"answer_time:{question.id}",
                    placeholder=plain(t("question.time_placeholder", lang)),
                ),
            ],
        ),
    ]


def _period_inputs(
    incident: Incident, question: Question, lang: str, unknown: BlockJson
) -> list[AnyBlock]:
    """Either end on its own (the service keeps the other end as answered)."""
    block_id = f"q:{incident.id}:{question.id}"
    return [
        ActionsBlock(
            block_id=block_id,
            elements=[
                DatePickerElement(
                    action_id=f"answer_from:{question.id}",
                    placeholder=plain(t("question.period_from", lang)),
                ),
                DatePickerElement(
                    action_id=f"answer_to:{question.id}",
                    placeholder=plain(t("question.period_to", lang)),
                ),
                unknown,
            ],
        )
    ]


def _text_inputs(
    incident: Incident, question: Question, lang: str, unknown: BlockJson
) -> list[AnyBlock]:
    block_id = f"q:{incident.id}:{question.id}"
    return [
        InputBlock(
            block_id=block_id,
            label=plain(question.text.get(lang), 2000),
            dispatch_action=True,  # Enter sends it (plain_text_input's default trigger)
            element=PlainTextInputElement(
                action_id=f"answer:{question.id}",
                max_length=CAUSE_MAX,
                placeholder=plain(t("question.text_placeholder", lang), 150),
            ),
        ),
        actions(unknown, block_id=f"{block_id}:u"),
    ]


PICKERS = {"datetime": _awareness_inputs, "period": _period_inputs, "text": _text_inputs}


def answers_blocks(
    incident: Incident,
    questions: Sequence[Question],
    answers: dict[str, AnswerDetail],
    lang: str,
    tz: str,
) -> list[BlockJson]:
    blocks = [section(f"*{t('answers.title', lang, key=incident.key)}*")]
    for question in questions:
        detail = answers.get(question.id)
        text = (
            t(
                "answers.row",
                lang,
                question=question.text.get(lang),
                answer=answer_label(question, detail.value, lang, tz),
                actor=detail.actor,
                at=format_time(detail.at, lang, tz),
            )
            if detail
            else f"*{question.text.get(lang)}*: —"
        )
        change = button(
            t("question.change", lang), "ask_again", {"i": incident.id, "f": question.id}
        )
        blocks.append(section(text, accessory=change))
    return blocks[:MAX_BLOCKS]
