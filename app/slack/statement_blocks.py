"""Block Kit for statements: the draft with its checker findings and buttons, the published text,
the edit and changes modals."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from app.i18n import other, published_line, t
from app.models import Incident, Statement
from app.rooms import texts
from app.slack.elements import button, context, plain, section, sections


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
