"""Adaptive Cards for Teams (rendering only), built with microsoft-teams-cards models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from microsoft_teams.cards import (
    Action,
    ActionSet,
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    ExecuteAction,
    NumberInput,
    ShowCardAction,
    TextBlock,
    TextInput,
)

from app.i18n import other, published_line, storm_offer, t
from app.incidents.service import AnswerDetail, Snapshot
from app.models import Followup, Incident, Statement
from app.rooms import texts
from app.rooms.brief import VerdictBrief
from app.rooms.texts import (
    deadline_text,
    home_row,
    prompt_done_label,
    prompt_texts,
    settled_line,
)
from app.triage import Question

CARD_VERSION: Final = "1.5"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
# Card element text is kept well inside Teams' ~28 KB message limit.
TEXT_LIMIT = 6000

_EMOJI = re.compile(r":[a-z0-9_+\-]+:\s?")
_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_USER = re.compile(r"<@([^>]+)>")
_CHANNEL = re.compile(r"<#([^>|]+)(?:\|[^>]*)?>")


def md(text: str) -> str:
    """The catalogue's Slack mrkdwn as the Markdown subset Adaptive Cards render."""
    text = _EMOJI.sub("", text)
    text = _USER.sub(r"\1", text)
    text = _CHANNEL.sub(r"\1", text)
    return _BOLD.sub(r"**\1**", text)[:TEXT_LIMIT]


def text(value: str, **style: Any) -> TextBlock:
    return TextBlock(text=md(value), wrap=True, **style)


def card(body: Sequence[Any], actions: Sequence[Any] = ()) -> dict[str, Any]:
    model = AdaptiveCard(version=CARD_VERSION, body=list(body), actions=list(actions) or None)
    data = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return data


def attachment(content: dict[str, Any]) -> dict[str, Any]:
    return {"contentType": CARD_TYPE, "content": content}


def execute(title: str, verb: str, data: dict[str, Any], **extra: Any) -> ExecuteAction:
    return ExecuteAction(title=title[:75], verb=verb, data=data, **extra)


def form(
    title: str, inputs: list[Any], submit: str, verb: str, data: dict[str, Any]
) -> ShowCardAction:
    """A button that opens a small form under the card, sent back with Action.Execute."""
    return ShowCardAction(
        title=title,
        card=AdaptiveCard(version=CARD_VERSION, body=inputs, actions=[execute(submit, verb, data)]),
    )


def long_text(input_id: str, label: str, error: str, value: str | None = None) -> TextInput:
    """A required multi-line input (its error shows when it is sent empty)."""
    return TextInput(
        id=input_id,
        label=label,
        value=value,
        is_multiline=True,
        is_required=True,
        error_message=error,
    )


def message_card(value: str) -> dict[str, Any]:
    return card([text(value)])


# ----- the room ----------------------------------------------------------------------------------


def summary_card(
    snap: Snapshot, lang: str, tz: str, now: datetime, todo: Sequence[str] = ()
) -> dict[str, Any]:
    incident = snap.incident
    upcoming = deadline_text(snap, lang, tz)
    body = [text(texts.summary_title(incident, lang), size="Large", weight="Bolder")]
    if todo:
        body.append(text("\n\n".join(todo)))
    body += [text(texts.summary_fields(incident, lang, tz)), text(upcoming)]
    if source := incident.source.get("permalink"):
        body.append(text(str(source), is_subtle=True))
    return card(body)


def my_incidents_card(
    rows: Sequence[tuple[Incident, datetime | None]], lang: str, tz: str
) -> dict[str, Any]:
    """App Home's counterpart: the open incidents whose room the person is in, each with its
    severity and next deadline."""
    body = [text(t("home.title", lang), size="Large", weight="Bolder")]
    if not rows:
        body.append(text(t("home.none", lang)))
    for incident, due in rows[:45]:
        row = home_row(incident, due, incident.channel_name or "", lang, tz)
        body.append(text(row, separator=True))
    body.append(text(t("teams.mine.help", lang), is_subtle=True))
    return card(body)


# ----- questions ---------------------------------------------------------------------------------


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
    return card(body, change_answer(incident, answered, lang))


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


# ----- verdicts and statements -------------------------------------------------------------------


def verdict_card(incident: Incident, brief: VerdictBrief, lang: str) -> dict[str, Any]:
    """The living verdict: 「今やること」 first (see app.rooms.brief)."""
    body: list[Any] = [
        text(brief.title, size="Large", weight="Bolder"),
        text(brief.state, is_subtle=True),
    ]
    if brief.do_now:
        body.append(text("\n\n".join((t("todo.title", lang), *brief.do_now))))
    if brief.statement:
        body.append(text(brief.statement))
    body.append(text("\n\n".join((t("verdict.rules", lang), *brief.reasons))))
    body.append(text(f"{t('verdict.clocks', lang)}\n\n{brief.clocks}"))
    if brief.later:
        body.append(text("\n\n".join((t("todo.later", lang), *brief.later))))
    if brief.open_questions:
        body.append(text(f"{t('verdict.open', lang)}\n\n{brief.open_questions}"))
    details = "\n\n".join((t("brief.details", lang), *brief.details))
    body.append(text(details, is_subtle=True, size="Small"))
    return card(body)


def change_card(
    incident: Incident,
    lines: Sequence[str],
    lang: str,
    *,
    redraft: bool,
    next_report: int | None = None,
) -> dict[str, Any]:
    """What changed in a new verdict version, with the redraft action when it applies."""
    if not redraft:
        return card([text("\n\n".join(lines))])
    offer, label = texts.redraft_offer(lang, next_report)
    return card(
        [text("\n\n".join((*lines, offer)))],
        [execute(label, "redraft", {"i": incident.id})],
    )


def statement_card(
    incident: Incident, statement: Statement, needed: int, lang: str, approvers: str = ""
) -> dict[str, Any]:
    """The draft in the room's language, opening with who must approve and who has not yet."""
    names = ", ".join(a.approver for a in statement.approvals)
    body: list[Any] = [
        text(texts.statement_title(incident, statement, lang), size="Large", weight="Bolder"),
        text(approvers.replace("\n", "\n\n"))
        if approvers
        else text(texts.approvals_line(statement, needed, names, lang), is_subtle=True),
        text(statement.texts.get(lang, ""), separator=True),
    ]
    findings = texts.findings_lines(statement, lang)
    if findings:
        body.append(text(findings.replace("\n", "\n\n", 1)))
    else:
        body.append(text(t("statement.no_findings", lang), is_subtle=True))
    actions: list[Any] = []
    if statement.status in ("draft", "changes_requested"):
        value = {"i": incident.id, "v": statement.version}
        actions = [
            execute(t("statement.approve", lang), "statement_approve", value, style="positive"),
            form(
                t("statement.edit", lang),
                [
                    long_text(
                        f"text_{code}",
                        t(f"statement.edit_{code}", lang),
                        t("teams.edit_empty", lang),
                        statement.texts.get(code, ""),
                    )
                    for code in ("ja", "en")
                ],
                t("statement.edit_save", lang),
                "statement_edit",
                value,
            ),
            form(
                t("statement.request_changes", lang),
                [
                    long_text(
                        "comment",
                        t("statement.changes_label", lang),
                        t("teams.comment_empty", lang),
                    )
                ],
                t("statement.send", lang),
                "statement_request_changes",
                value,
            ),
        ]
    return card(body, actions)


def published_text(statement: Statement, lang: str, tz: str) -> str:
    """Which version was approved, by whom, when."""
    approvers = [a.approver for a in statement.approvals]
    return published_line(
        statement.version, approvers, statement.approved_at, lang, tz, statement.series
    )


def published_card(
    incident: Incident, statement: Statement, lang: str, tz: str, next_steps: str = ""
) -> dict[str, Any]:
    body = [text(published_text(statement, lang, tz), weight="Bolder")]
    if next_steps:
        body.append(text(next_steps))
    body.append(text(statement.texts.get(lang, ""), separator=True))
    return card(body)


def statement_text_card(statement: Statement, lang: str) -> dict[str, Any]:
    """The statement in the other language, as the draft's second reply."""
    title = t("statement.other_text", lang, version=statement.version)
    return card([text(title, is_subtle=True), text(statement.texts.get(other(lang), ""))])


def close_confirm_card(incident: Incident, resolution: str, lang: str) -> dict[str, Any]:
    """The resolution is the card's input (Teams merges it into the action's data as `r`);
    the action's own data holds ids only."""
    value = {"i": incident.id}
    return card(
        [
            text(t("command.close_confirm", lang, key=incident.key)),
            TextInput(
                id="r",
                label=t("command.close_resolution", lang),
                is_multiline=True,
                max_length=3000,
                value=resolution[:3000],
            ),
        ],
        [execute(t("command.close_button", lang), "close_confirm", value, style="destructive")],
    )


def storm_card(incident_id: int, seq: int, lang: str) -> dict[str, Any]:
    """Tells a later reporter that a similar report is being handled, and nothing of it."""
    return card(
        [text(storm_offer(lang))],
        [execute(t("storm.separate", lang), "storm_separate", {"i": incident_id, "s": seq})],
    )


def admission_card(incident: Incident, user: str, body: str, lang: str) -> dict[str, Any]:
    value = {"i": incident.id, "u": user}
    return card(
        [text(body)], [execute(t("storm.admit", lang), "storm_admit", value, style="positive")]
    )


# ----- follow-up prompts -------------------------------------------------------------------------


def prompt_card(row: Followup, incident: Incident, lang: str, tz: str) -> dict[str, Any]:
    title, body = prompt_texts(row, incident, lang, tz)
    value = {"i": incident.id, "f": row.id}
    return card(
        [text(title, weight="Bolder"), text(body)],
        [
            execute(prompt_done_label(row, lang), "followup_done", value, style="positive"),
            execute(t("followup.snooze_hour", lang), "followup_snooze", {**value, "h": 1}),
            execute(t("followup.snooze_day", lang), "followup_snooze", {**value, "h": 24}),
            form(
                t("followup.not_needed", lang),
                [
                    long_text(
                        "reason", t("followup.reason_label", lang), t("followup.reason_label", lang)
                    )
                ],
                t("followup.reason_submit", lang),
                "followup_not_needed",
                value,
            ),
        ],
    )


def settled_card(
    row: Followup,
    incident: Incident,
    lang: str,
    tz: str,
    *,
    state: str,
    actor: str,
    until: str | None = None,
) -> dict[str, Any]:
    """The prompt as it stays in the room once someone has acted on it (no buttons)."""
    title, body = prompt_texts(row, incident, lang, tz)
    line = settled_line(row, state, actor, lang, tz, until)
    return card([text(title, weight="Bolder"), text(body), text(line, is_subtle=True)])


# ----- the room's renderer (app.rooms.ports.Renderer) --------------------------------------------


class AdaptiveCards:
    """Adaptive Cards for the room layer; people are named by their Azure AD id."""

    note = staticmethod(message_card)
    summary = staticmethod(summary_card)
    question = staticmethod(question_card)
    triage_done = staticmethod(triage_done_card)
    verdict = staticmethod(verdict_card)
    admission = staticmethod(admission_card)
    change_note = staticmethod(change_card)
    statement = staticmethod(statement_card)
    statement_text = staticmethod(statement_text_card)
    published = staticmethod(published_card)
    published_text = staticmethod(published_text)
    prompt = staticmethod(prompt_card)
    settled = staticmethod(settled_card)

    @staticmethod
    def welcome(incident: Incident, lang: str) -> str:
        return t("teams.welcome", lang, key=incident.key)

    @staticmethod
    def room_ready(incident: Incident, lang: str) -> str:
        return t("teams.room_ready", lang, key=incident.key, room=incident.channel_name)
