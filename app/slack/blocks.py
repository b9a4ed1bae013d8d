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
from app.models import Incident, Statement
from app.triage import Question
from app.triage.clocks import next_deadline

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


def badge(incident: Incident, lang: str) -> str:
    return f"[{t('drill.badge', lang)}] " if incident.is_drill else ""


def severity_label(severity: str | None, lang: str) -> str:
    return t(f"severity.{severity}", lang) if severity else t("severity.none", lang)


# ----- answers -----------------------------------------------------------------------------------


def answer_label(question: Question, value: Any, lang: str) -> str:
    if value is None:
        return t("answer.none", lang)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    labels = {option.value: option.label.get(lang) for option in question.options}
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value) or "—"
    if isinstance(value, int):
        return f"{value:,}"
    return labels.get(value, str(value))


# ----- summary and room --------------------------------------------------------------------------


def deadline_text(verdict_data: dict[str, Any] | None, lang: str, tz: str, now: datetime) -> str:
    """The next legal deadline ahead, as a line for a room's summary."""
    clock = next_deadline(verdict_data, now)
    if clock is None:
        return t("room.summary.no_deadline", lang)
    label = t(f"followup.deadline.{clock.name}", lang)
    return t("room.summary.next", lang, label=label, due=format_time(clock.due, lang, tz))


def summary_blocks(snap: Snapshot, lang: str, tz: str, now: datetime) -> list[Block]:
    incident = snap.incident
    status = t(f"room.status.{incident.status}", lang)
    blocks: list[Block] = [
        HeaderBlock(
            text=plain(
                t(
                    "room.summary.title",
                    lang,
                    badge=badge(incident, lang),
                    key=incident.key,
                    title=incident.title,
                ),
                150,
            )
        ),
        section(
            t(
                "room.summary.fields",
                lang,
                status=status,
                severity=severity_label(incident.severity, lang),
                reporter=incident.reporter_id,
                reported=format_time(incident.created_at, lang, tz),
                discovered=format_time(incident.discovered_at, lang, tz),
            )
        ),
    ]
    blocks.append(
        section(deadline_text(snap.verdict.data if snap.verdict else None, lang, tz, now))
    )
    if source := incident.source.get("permalink"):
        blocks.append(context(str(source)))
    return blocks


def topic(snap: Snapshot, lang: str, tz: str, now: datetime) -> str:
    incident = snap.incident
    if incident.status == "closed":
        return t("room.topic_closed", lang, badge=badge(incident, lang), key=incident.key)
    clock = next_deadline(snap.verdict.data if snap.verdict else None, now)
    upcoming = (
        f"{t(f'followup.deadline.{clock.name}', lang)} {format_time(clock.due, lang, tz)}"
        if clock
        else "—"
    )
    return t(
        "room.topic",
        lang,
        badge=badge(incident, lang),
        severity=severity_label(incident.severity, lang),
        next=upcoming,
    )[:250]


# ----- questions ---------------------------------------------------------------------------------


def question_blocks(
    incident: Incident,
    question: Question,
    number: int,
    lang: str,
    tz: str,
    answer: AnswerDetail | None,
) -> list[Block]:
    header = t(
        "question.header", lang, n=number, section=t(f"question.section.{question.section}", lang)
    )
    blocks: list[Block] = [
        context(f"{badge(incident, lang)}{incident.key} · {header}"),
        section(f"*{question.text.get(lang)}*\n{question.text.get(other(lang))}"),
        context(f"{question.help.get(lang)}"[:2900]),
    ]
    if answer is not None:
        blocks.append(
            section(
                t(
                    "question.answered",
                    lang,
                    answer=answer_label(question, answer.value, lang),
                    actor=answer.actor,
                    at=format_time(answer.at, lang, tz),
                )
            )
        )
    blocks.extend(answer_inputs(incident, question, lang))
    return blocks


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


def verdict_blocks(
    incident: Incident,
    version: int,
    data: dict[str, Any],
    lang: str,
    tz: str,
    *,
    superseded_by: int | None = None,
) -> list[Block]:
    severity = severity_label(data["severity"], lang)
    blocks: list[Block] = [
        HeaderBlock(
            text=plain(
                t(
                    "verdict.title",
                    lang,
                    badge=badge(incident, lang),
                    version=version,
                    severity=severity,
                ),
                150,
            )
        )
    ]
    if superseded_by:
        blocks.append(context(t("verdict.superseded", lang, version=superseded_by)))
    blocks.append(
        context(t("verdict.provisional" if data.get("open_questions") else "verdict.final", lang))
    )
    reasons = "\n".join(reason_line(r, lang) for r in data.get("reasons", []))
    blocks += sections(f"{t('verdict.rules', lang)}\n{reasons}")
    blocks += sections(f"{t('verdict.clocks', lang)}\n{clock_lines(data, lang, tz)}")
    blocks += sections(f"{t('verdict.actions', lang)}\n{action_lines(data, lang)}")
    if data.get("open_questions"):
        questions = "\n".join(f"• {q[lang]}" for q in data["open_questions"])
        blocks += sections(f"{t('verdict.open', lang)}\n{questions}")
    blocks.append(
        context(f"policy {data.get('policy_version')} · rules {', '.join(data.get('rules', []))}")
    )
    if not superseded_by:
        blocks.append(
            ActionsBlock(
                block_id=f"verdict:{incident.id}",
                elements=[
                    button(t("verdict.change_answers", lang), "list_answers", {"i": incident.id}),
                    button(
                        t("verdict.other_language", lang),
                        "verdict_other_language",
                        {"i": incident.id, "v": version},
                    ),
                ],
            )
        )
    return blocks


def reason_line(reason: dict[str, Any], lang: str) -> str:
    """`S2-a` and the reason's text, without repeating the id when the text starts with it."""
    text = str(reason[lang])
    for separator in (":", "："):
        text = text.removeprefix(f"{reason['rule']}{separator}").strip()
    return f"• `{reason['rule']}` {text}"


def clock_lines(data: dict[str, Any], lang: str, tz: str) -> str:
    appi, gdpr = data["appi"], data["gdpr"]
    categories = ", ".join(appi.get("categories") or []) or "—"
    required = appi.get("report_required")
    key = {True: "required", "conditional": "conditional"}.get(required, "not_required")
    lines = [t(f"verdict.appi.{key}", lang, categories=categories)]
    if required in (True, "conditional"):
        lines.append(
            t(
                "verdict.appi.preliminary",
                lang,
                target=format_time(appi.get("preliminary_target"), lang, tz),
                due=format_time(appi.get("preliminary_due"), lang, tz),
            )
        )
        lines.append(
            t("verdict.appi.final", lang, due=format_time(appi.get("final_due"), lang, tz))
        )
        individuals = appi.get("notify_individuals")
        lines.append(
            t(
                "verdict.appi.individuals",
                lang,
                value=t(f"value.{individuals}", lang) if individuals else "—",
            )
        )
    if gdpr.get("relevant") is True:
        lines.append(
            t("verdict.gdpr.relevant", lang, due=format_time(gdpr.get("authority_due"), lang, tz))
        )
    elif gdpr.get("relevant") == "unknown":
        lines.append(t("verdict.gdpr.unknown", lang))
    return "\n".join(lines)


def action_lines(data: dict[str, Any], lang: str) -> str:
    actions = data["actions"]
    lines = [
        t(f"verdict.action.{name}", lang)
        for name in (
            "press_conference",
            "rapid_public_disclosure",
            "timely_disclosure_review",
            "notify_principal",
        )
        if actions.get(name)
    ]
    if actions.get("coordinate_with_police") in ("yes", "consult"):
        lines.insert(0, t(f"verdict.action.police.{actions['coordinate_with_police']}", lang))
    return "\n".join(f"• {line}" for line in lines) or f"• {t('verdict.action.none', lang)}"


def redraft_blocks(incident: Incident, lang: str) -> list[Block]:
    return [
        SectionBlock(
            text=mrkdwn(t("verdict.redraft_offer", lang)),
            accessory=button(t("verdict.redraft", lang), "redraft", {"i": incident.id}),
        )
    ]


# ----- statements --------------------------------------------------------------------------------


def statement_blocks(
    incident: Incident, statement: Statement, needed: int, lang: str, show_both: bool = True
) -> list[Block]:
    status = t(f"statement.status.{statement.status}", lang)
    names = " ".join(f"<@{a.approver}>" for a in statement.approvals)
    blocks: list[Block] = [
        HeaderBlock(
            text=plain(
                t(
                    "statement.title",
                    lang,
                    badge=badge(incident, lang),
                    version=statement.version,
                    status=status,
                ),
                150,
            )
        ),
        context(
            t(
                "statement.approvals",
                lang,
                count=len(statement.approvals),
                needed=needed,
                names=names,
            )
        ),
    ]
    for text_lang in (lang, other(lang)) if show_both else (lang,):
        blocks.append(DividerBlock())
        blocks += sections(statement.texts.get(text_lang, ""))
    findings = [f for fl in statement.findings.values() for f in fl]
    if findings:
        lines = "\n".join(f"• `{f['code']}` {f[lang]}" for f in findings[:20])
        blocks += sections(f"{t('statement.findings', lang, count=len(findings))}\n{lines}")
    else:
        blocks.append(context(t("statement.no_findings", lang)))
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
    return published_line(statement.version, approvers, statement.approved_at, lang, tz)


def published_blocks(incident: Incident, statement: Statement, lang: str, tz: str) -> list[Block]:
    blocks: list[Block] = [section(published_text(statement, lang, tz))]
    for text_lang in (lang, other(lang)):
        blocks.append(DividerBlock())
        blocks += sections(statement.texts.get(text_lang, ""))
    return blocks


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
    value = {"i": incident.id, "r": resolution[:1500]}
    return [
        section(t("command.close_confirm", lang, key=incident.key)),
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
        blocks.append(
            section(
                t(
                    "home.row",
                    lang,
                    key=incident.key,
                    badge=badge(incident, lang),
                    title=incident.title[:200],
                    severity=severity_label(incident.severity, lang),
                    next=format_time(deadline, lang, tz) if deadline else "—",
                    channel=incident.channel_id or "",
                )
            )
        )
    return View(type="home", blocks=blocks)


def storm_blocks(
    incident: Incident, report: str, link: str | None, lang: str, tz: str
) -> list[Block]:
    """Offers a later reporter the room of the incident their report probably repeats."""
    return [
        section(storm_offer(incident.key, incident.title, incident.created_at, lang, tz)),
        ActionsBlock(
            elements=[
                button(
                    t("storm.join", lang),
                    "storm_join",
                    {"i": incident.id, "t": report[:1000]},
                    "primary",
                ),
                button(
                    t("storm.separate", lang),
                    "storm_separate",
                    {"t": report[:1000], "l": link},
                ),
            ]
        ),
    ]
