"""Block Kit rendering (slack_sdk.models): values in, blocks out — no decisions, no I/O."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
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
)
from slack_sdk.models.views import View

from app.i18n import format_time, other, published_line, storm_offer, t
from app.incidents.service import AnswerDetail, Snapshot
from app.models import Followup, Incident, Statement
from app.rooms import texts
from app.rooms.brief import VerdictBrief
from app.rooms.texts import (
    answer_label,
    deadline_text,
    home_row,
    prompt_done_label,
    prompt_texts,
    settled_line,
)
from app.triage import Question

MAX_BLOCKS = 50
SECTION_LIMIT = 2900


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def plain(text: str, limit: int = 75) -> PlainTextObject:
    return PlainTextObject(text=text[:limit], emoji=True)


def section(text: str) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text[:SECTION_LIMIT]))


def sections(text: str) -> list[SectionBlock]:
    """Long text split on line breaks into sections under Slack's 3,000-character limit."""
    chunks, current = [], ""
    for line in text.splitlines(keepends=True):
        if len(current) + len(line) > SECTION_LIMIT and current:
            chunks.append(current)
            current = ""
        current += line
    if current.strip():
        chunks.append(current)
    return [section(chunk) for chunk in chunks]


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text[:2900])])


def button(
    text: str, action_id: str, value: dict[str, Any] | str, style: str | None = None
) -> ButtonElement:
    encoded = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return ButtonElement(text=plain(text), action_id=action_id, value=encoded, style=style)


def dump(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    """Serialises (slack_sdk validates each block's limits) and enforces 50 blocks a message."""
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("…")]
    return [block.to_dict() for block in blocks]


# ----- summary and room --------------------------------------------------------------------------


def summary_blocks(
    snap: Snapshot, lang: str, tz: str, now: datetime, todo: Sequence[str] = ()
) -> list[Block]:
    incident = snap.incident
    blocks: list[Block] = [HeaderBlock(text=plain(texts.summary_title(incident, lang), 150))]
    if todo:
        blocks += sections("\n".join(todo))
    blocks += [
        section(texts.summary_fields(incident, lang, tz)),
        section(deadline_text(snap, lang, tz)),
    ]
    if source := incident.source.get("permalink"):
        blocks.append(context(str(source)))
    return blocks


# ----- questions ---------------------------------------------------------------------------------


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
) -> list[Block]:
    blocks: list[Block] = [context(previous)] if previous else []
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
    return blocks


def triage_done_blocks(
    incident: Incident,
    lang: str,
    count: int,
    previous: str | None = None,
    answered: Sequence[Question] = (),
) -> list[Block]:
    """The triage card once no question that matters is left."""
    blocks: list[Block] = [context(previous)] if previous else []
    return [
        *blocks,
        SectionBlock(
            text=mrkdwn(
                f"{t('question.all_done', lang)}\n{t('question.done_count', lang, count=count)}"
            ),
            accessory=button(t("verdict.change_answers", lang), "list_answers", {"i": incident.id}),
        ),
    ]


def _value(incident: Incident, field: str, value: Any) -> dict[str, Any]:
    return {"i": incident.id, "f": field, "v": value}


def answer_inputs(incident: Incident, question: Question, lang: str) -> list[Block]:
    """The answer widgets. One button per choice, each with its own action_id
    (`answer:<field>:<n>`): Slack refuses two action_ids alike in one block."""
    block_id = f"q:{incident.id}:{question.id}"
    action_id = f"answer:{question.id}"
    unknown = button(
        t("question.unknown", lang), "answer_unknown", _value(incident, question.id, None)
    )
    if question.kind == "bool":
        return [
            ActionsBlock(
                block_id=block_id,
                elements=[
                    button(t("yes", lang), f"{action_id}:0", _value(incident, question.id, True)),
                    button(t("no", lang), f"{action_id}:1", _value(incident, question.id, False)),
                    unknown,
                ],
            )
        ]
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
            ActionsBlock(block_id=f"{block_id}:u", elements=[unknown]),
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
        return [
            ActionsBlock(
                block_id=block_id,
                elements=[
                    button(
                        o.label.get(lang),
                        f"{action_id}:{i}",
                        _value(incident, question.id, o.value),
                    )
                    for i, o in enumerate(question.options)
                ]
                + ([] if any(o.value == "unknown" for o in question.options) else [unknown]),
            )
        ]
    element = StaticSelectElement(
        action_id=action_id,
        options=options,
        placeholder=plain(t("question.select_placeholder", lang)),
    )
    return [ActionsBlock(block_id=block_id, elements=[element, unknown])]


def answers_blocks(
    incident: Incident,
    questions: Sequence[Question],
    answers: dict[str, AnswerDetail],
    lang: str,
    tz: str,
) -> list[Block]:
    blocks: list[Block] = [section(f"*{t('answers.title', lang, key=incident.key)}*")]
    for question in questions:
        detail = answers.get(question.id)
        text = (
            t(
                "answers.row",
                lang,
                question=question.text.get(lang),
                answer=answer_label(question, detail.value, lang),
                actor=detail.actor,
                at=format_time(detail.at, lang, tz),
            )
            if detail
            else f"*{question.text.get(lang)}*: —"
        )
        blocks.append(
            SectionBlock(
                text=mrkdwn(text[:SECTION_LIMIT]),
                accessory=button(
                    t("question.change", lang), "ask_again", {"i": incident.id, "f": question.id}
                ),
            )
        )
    return blocks[:MAX_BLOCKS]


# ----- verdict -----------------------------------------------------------------------------------


def verdict_blocks(incident: Incident, brief: VerdictBrief, lang: str) -> list[Block]:
    """The living verdict: 「今やること」 first, then the statement's state, why, the clocks,
    the rest, and the rule codes in small print at the end."""
    blocks: list[Block] = [HeaderBlock(text=plain(brief.title, 150)), context(brief.state)]
    if brief.do_now:
        blocks += sections("\n".join((t("todo.title", lang), *brief.do_now)))
    if brief.statement:
        blocks.append(section(brief.statement))
    blocks += sections("\n".join((t("verdict.rules", lang), *brief.reasons)))
    blocks += sections(f"{t('verdict.clocks', lang)}\n{brief.clocks}")
    if brief.later:
        blocks += sections("\n".join((t("todo.later", lang), *brief.later)))
    if brief.open_questions:
        blocks += sections(f"{t('verdict.open', lang)}\n{brief.open_questions}")
    blocks.append(context("\n".join((t("brief.details", lang), *brief.details))))
    blocks.append(
        ActionsBlock(
            block_id=f"verdict:{incident.id}",
            elements=[
                button(t("verdict.change_answers", lang), "list_answers", {"i": incident.id}),
                button(
                    t("verdict.other_language", lang),
                    "verdict_other_language",
                    {"i": incident.id, "v": brief.version},
                ),
            ],
        )
    )
    return blocks


def change_blocks(
    incident: Incident,
    lines: Sequence[str],
    lang: str,
    *,
    redraft: bool,
    next_report: int | None = None,
) -> list[Block]:
    """What changed in a new verdict version (in the living verdict's thread), with the redraft
    button when the statement was drafted on an earlier version."""
    text = "\n".join(lines)
    if not redraft:
        return sections(text)
    offer, label = texts.redraft_offer(lang, next_report)
    offer = f"{text}\n{offer}"
    return [
        SectionBlock(
            text=mrkdwn(offer[:SECTION_LIMIT]),
            accessory=button(label, "redraft", {"i": incident.id}),
        )
    ]


# ----- statements --------------------------------------------------------------------------------


def statement_blocks(
    incident: Incident, statement: Statement, needed: int, lang: str, approvers: str = ""
) -> list[Block]:
    """The draft in the room's language, opening with who must approve and who has not yet
    (the other language is its own reply: `statement_text_blocks`)."""
    names = " ".join(f"<@{a.approver}>" for a in statement.approvals)
    blocks: list[Block] = [
        HeaderBlock(text=plain(texts.statement_title(incident, statement, lang), 150)),
        section(approvers)
        if approvers
        else context(texts.approvals_line(statement, needed, names, lang)),
        DividerBlock(),
        *sections(statement.texts.get(lang, "")),
    ]
    findings = texts.findings_lines(statement, lang)
    blocks += sections(findings) if findings else [context(t("statement.no_findings", lang))]
    if statement.status in ("draft", "changes_requested"):
        value = {"i": incident.id, "v": statement.version}
        blocks.append(
            ActionsBlock(
                block_id=f"statement:{incident.id}:{statement.version}",
                elements=[
                    button(t("statement.approve", lang), "statement_approve", value, "primary"),
                    button(t("statement.edit", lang), "statement_edit", value),
                    button(
                        t("statement.request_changes", lang),
                        "statement_request_changes",
                        value,
                        "danger",
                    ),
                ],
            )
        )
    return blocks


def published_text(statement: Statement, lang: str, tz: str) -> str:
    """Which version was approved, by whom (mentions), when."""
    approvers = [f"<@{a.approver}>" for a in statement.approvals]
    return published_line(
        statement.version, approvers, statement.approved_at, lang, tz, statement.series
    )


def published_blocks(
    incident: Incident, statement: Statement, lang: str, tz: str, next_steps: str = ""
) -> list[Block]:
    """The approved text in the room's language, who publishes it, where, and the next update
    (the other language stays in the statement's thread)."""
    head = published_text(statement, lang, tz) + (f"\n{next_steps}" if next_steps else "")
    return [section(head), DividerBlock(), *sections(statement.texts.get(lang, ""))]


def statement_text_blocks(statement: Statement, lang: str) -> list[Block]:
    """The statement in the other language, as the draft's second reply."""
    title = t("statement.other_text", lang, version=statement.version)
    return [context(title), *sections(statement.texts.get(other(lang), ""))]


def edit_view(incident: Incident, statement: Statement, lang: str) -> View:
    inputs = [
        InputBlock(
            block_id=f"text_{text_lang}",
            label=plain(t(f"statement.edit_{text_lang}", lang)),
            element=PlainTextInputElement(
                action_id=f"text_{text_lang}",
                multiline=True,
                initial_value=statement.texts.get(text_lang, "")[:3000],
                max_length=3000,
            ),
        )
        for text_lang in ("ja", "en")
    ]
    return View(
        type="modal",
        callback_id="statement_edit",
        title=plain(t("statement.edit_title", lang), 24),
        submit=plain(t("statement.edit_save", lang), 24),
        close=plain(t("command.cancel_button", lang), 24),
        private_metadata=json.dumps({"i": incident.id, "v": statement.version}),
        blocks=inputs,
    )


def changes_view(incident: Incident, version: int, lang: str) -> View:
    return View(
        type="modal",
        callback_id="statement_changes",
        title=plain(t("statement.changes_title", lang), 24),
        submit=plain(t("statement.send", lang), 24),
        close=plain(t("command.cancel_button", lang), 24),
        private_metadata=json.dumps({"i": incident.id, "v": version}),
        blocks=[
            InputBlock(
                block_id="comment",
                label=plain(t("statement.changes_label", lang)),
                element=PlainTextInputElement(action_id="comment", multiline=True, max_length=2000),
            )
        ],
    )


def close_confirm_blocks(incident: Incident, resolution: str, lang: str) -> list[Block]:
    """The confirmation, the resolution in an input (Slack sends its state with the press):
    a button's value holds ids only, never free text (its 2,000 characters made this a 500)."""
    value = {"i": incident.id}
    return [
        section(t("command.close_confirm", lang, key=incident.key)),
        InputBlock(
            block_id="resolution",
            label=plain(t("command.close_resolution", lang)),
            element=PlainTextInputElement(
                action_id="resolution",
                multiline=True,
                max_length=3000,
                initial_value=resolution[:3000] or None,
            ),
            optional=True,
        ),
        ActionsBlock(
            elements=[
                button(t("command.close_button", lang), "close_confirm", value, "danger"),
                button(t("command.cancel_button", lang), "close_cancel", {"i": incident.id}),
            ]
        ),
    ]


def home_view(rows: Sequence[tuple[Incident, str | None]], lang: str, tz: str) -> View:
    blocks: list[Block] = [
        HeaderBlock(text=plain(t("home.title", lang))),
        context(t("home.help", lang)),
    ]
    if not rows:
        blocks.append(section(t("home.none", lang)))
    for incident, deadline in rows[:45]:
        blocks.append(section(home_row(incident, deadline, incident.channel_id or "", lang, tz)))
    return View(type="home", blocks=blocks)


def storm_blocks(incident_id: int, seq: int, lang: str) -> list[Block]:
    """Tells a later reporter that a similar report is being handled, and nothing of it; their
    own report can still be opened separately (the button carries ids, never their words)."""
    return [
        section(storm_offer(lang)),
        ActionsBlock(
            elements=[
                button(t("storm.separate", lang), "storm_separate", {"i": incident_id, "s": seq})
            ]
        ),
    ]


def admission_blocks(incident: Incident, user: str, body: str, lang: str) -> list[Block]:
    return [
        SectionBlock(
            text=mrkdwn(body[:SECTION_LIMIT]),
            accessory=button(
                t("storm.admit", lang), "storm_admit", {"i": incident.id, "u": user}, "primary"
            ),
        )
    ]


# ----- follow-up prompts -------------------------------------------------------------------------


def prompt_blocks(row: Followup, incident: Incident, lang: str, tz: str) -> list[Block]:
    title, body = prompt_texts(row, incident, lang, tz)
    value = {"f": row.id}
    return [
        section(f"{title}\n{body}"),
        ActionsBlock(
            block_id=f"followup:{row.id}",
            elements=[
                button(prompt_done_label(row, lang), "followup_done", value, "primary"),
                button(t("followup.snooze_hour", lang), "followup_snooze_1h", {**value, "h": 1}),
                button(t("followup.snooze_day", lang), "followup_snooze_1d", {**value, "h": 24}),
                button(t("followup.not_needed", lang), "followup_not_needed", value),
            ],
        ),
    ]


def settled_blocks(
    row: Followup,
    incident: Incident,
    lang: str,
    tz: str,
    *,
    state: str,
    actor: str,
    until: str | None = None,
) -> list[Block]:
    """The prompt as it stays in the channel once someone has acted on it (no buttons)."""
    title, body = prompt_texts(row, incident, lang, tz)
    line = settled_line(row, state, actor, lang, tz, until)
    return [section(f"{title}\n{body}"), context(line)]


# ----- the room's renderer (app.rooms.ports.Renderer) --------------------------------------------


class BlockKit:
    """Block Kit for the room layer; people are mentioned as `<@id>`."""

    note = staticmethod(lambda text: [section(text)])
    summary = staticmethod(summary_blocks)
    question = staticmethod(question_blocks)
    triage_done = staticmethod(triage_done_blocks)
    verdict = staticmethod(verdict_blocks)
    admission = staticmethod(admission_blocks)
    change_note = staticmethod(change_blocks)
    published = staticmethod(published_blocks)
    published_text = staticmethod(published_text)
    prompt = staticmethod(prompt_blocks)
    settled = staticmethod(settled_blocks)

    statement = staticmethod(statement_blocks)
    statement_text = staticmethod(statement_text_blocks)

    @staticmethod
    def welcome(incident: Incident, lang: str) -> str:
        return t("room.welcome", lang, key=incident.key)

    @staticmethod
    def room_ready(incident: Incident, lang: str) -> str:
        return t("command.room_ready", lang, key=incident.key, channel=incident.channel_id)
