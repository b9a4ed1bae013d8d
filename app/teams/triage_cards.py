"""Adaptive Cards for triage: the question card with its inputs, changing an answer, the done card."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import (
    Action,
    ActionSet,
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    DateInput,
    NumberInput,
    ShowCardAction,
    TextInput,
    TimeInput,
)

from app.i18n import other, t
from app.incidents.service import AnswerDetail
from app.models import Incident
from app.rooms import texts
from app.teams.elements import CARD_VERSION, card, execute, mentioning, text
from app.triage import Question
from app.triage.models import CAUSE_MAX


def triage_done_card(
    incident: Incident,
    lang: str,
    count: int,
    previous: str | None = None,
    answered: Sequence[Question] = (),
) -> dict[str, Any]:
    """The triage card once no question that matters is left."""
    body: list[Any] = [text(previous.replace("\n", "\n\n"), size="Small")] if previous else []
    body.append(text(t("question.all_done", lang), weight="Bolder"))
    return card(body, change_answer(incident, answered, lang))


def _value(incident: Incident, field: str, value: Any) -> dict[str, Any]:
    return {"i": incident.id, "f": field, "v": value}


def question_card(
    incident: Incident,
    question: Question,
    number: int,
    lang: str,
    tz: str,
    answer: AnswerDetail | None,
    *,
    total: int | None = None,
    previous: str | None = None,
    answered: Sequence[Question] = (),
    hand_off: str | None = None,
) -> dict[str, Any]:
    body: list[Any] = [text(previous.replace("\n", "\n\n"), size="Small")] if previous else []
    body += [
        text(
            texts.question_header(incident, question, number, lang, total),
            is_subtle=True,
            size="Small",
        ),
        text(question.text.get(lang), weight="Bolder"),
        text(question.text.get(other(lang)), is_subtle=True),
        text(question.help.get(lang), size="Small"),
    ]
    if answer is not None:
        line = texts.answered_line(question, answer.value, answer.actor, answer.at, lang, tz)
        body.append(text(line, color="Good"))
    body.extend(answer_inputs(incident, question, lang))
    actions = change_answer(incident, answered, lang)
    if hand_off:  # the technical questions, to the security responders, in one press
        actions = [execute(hand_off, "hand_off", {"i": incident.id}), *actions]
    return mentioning(card(body, actions))


def change_answer(incident: Incident, answered: Sequence[Question], lang: str) -> list[Any]:
    """「回答を変更」: pick an answered question; its card comes back to answer again."""
    if not answered:
        return []
    choices = [Choice(title=q.text.get(lang)[:100], value=q.id) for q in answered]
    pick = ChoiceSetInput(
        id="field",
        label=t("verdict.change_answers", lang),  # required inputs need a label (validator)
        choices=choices,
        is_required=True,
        error_message=t("error.pick_question", lang),
        style="compact",
    )
    again = execute(t("question.change", lang), "ask_again", {"i": incident.id})
    return [
        ShowCardAction(
            title=t("verdict.change_answers", lang),
            card=AdaptiveCard(version=CARD_VERSION, body=[pick], actions=[again]),
        )
    ]


def answer_inputs(incident: Incident, question: Question, lang: str) -> list[Any]:
    unknown = execute(
        t("question.unknown", lang), "answer_unknown", _value(incident, question.id, None)
    )
    if question.kind == "bool":
        buttons: list[Action] = [
            execute(t("yes", lang), "answer", _value(incident, question.id, True)),
            execute(t("no", lang), "answer", _value(incident, question.id, False)),
            unknown,
        ]
        return [ActionSet(actions=buttons)]
    if question.kind == "datetime":
        return _awareness_inputs(incident, question, lang)
    if question.kind in ("period", "text"):
        inputs: list[Any] = (
            [
                DateInput(id="from", label=t("question.period_from", lang)),
                DateInput(id="to", label=t("question.period_to", lang)),
            ]
            if question.kind == "period"
            else [
                TextInput(
                    id="value",
                    max_length=CAUSE_MAX,
                    label=question.text.get(lang),
                    placeholder=t("question.text_placeholder", lang),
                )
            ]
        )
        send = execute(t("teams.answer_send", lang), "answer", {"i": incident.id, "f": question.id})
        return [*inputs, ActionSet(actions=[send, unknown])]
    if question.kind == "number":
        number = NumberInput(
            id="value",
            min=0,
            placeholder=t("question.number_placeholder", lang),
            label=question.text.get(lang),
        )
        send = execute(t("teams.answer_send", lang), "answer", {"i": incident.id, "f": question.id})
        return [number, ActionSet(actions=[send, unknown])]
    choices = [Choice(title=o.label.get(lang), value=str(o.value)) for o in question.options]
    if question.kind == "single" and len(choices) <= 5:
        buttons = [
            execute(o.label.get(lang), "answer", _value(incident, question.id, o.value))
            for o in question.options
        ]
        if not any(o.value == "unknown" for o in question.options):
            buttons.append(unknown)
        return [ActionSet(actions=buttons)]
    multi = question.kind == "multi"
    placeholder = t("question.multi_placeholder" if multi else "question.select_placeholder", lang)
    select = ChoiceSetInput(
        id="value",
        choices=choices,
        is_multi_select=multi,
        style="expanded" if multi else "compact",
        placeholder=placeholder,
    )
    send = execute(t("teams.answer_send", lang), "answer", {"i": incident.id, "f": question.id})
    return [select, ActionSet(actions=[send, unknown])]


def _awareness_inputs(incident: Incident, question: Question, lang: str) -> list[Any]:
    """ "When this was reported" at once, or an earlier date and time (Input.Date + Input.Time,
    read in the configured timezone)."""
    reported, earlier = question.options
    now = execute(reported.label.get(lang), "answer", _value(incident, question.id, reported.value))
    send = execute(t("teams.answer_send", lang), "answer", {"i": incident.id, "f": question.id})
    return [
        ActionSet(actions=[now]),
        text(earlier.label.get(lang), size="Small"),
        DateInput(id="date", label=t("question.date_placeholder", lang)),
        TimeInput(id="time", label=t("question.time_placeholder", lang)),
        ActionSet(actions=[send]),
    ]
