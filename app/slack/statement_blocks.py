"""Block Kit for statements: the draft with its checker findings and buttons, the published text,
the edit and changes modals."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    DividerBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from app.i18n import other, published_line, t
from app.models import Incident, Statement
from app.rooms import texts
from app.slack.elements import (
    AnyBlock,
    BlockJson,
    actions,
    button,
    context,
    header,
    plain,
    section,
    sections,
)


def statement_blocks(
    incident: Incident, statement: Statement, needed: int, lang: str, approvers: str = ""
) -> list[AnyBlock]:
    """The draft in the room's language, opening with who must approve and who has not yet
    (the other language is its own reply: `statement_text_blocks`)."""
    names = " ".join(f"<@{a.approver}>" for a in statement.approvals)
    blocks: list[AnyBlock] = [
        header(texts.statement_title(incident, statement, lang)),
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
            statement_actions(f"statement:{incident.id}:{statement.version}", value, lang)
        )
    return blocks


def statement_actions(block_id: str, value: dict[str, Any], lang: str) -> BlockJson:
    """Approve, Edit, Request changes: the same three for the notice and each piece."""
    return actions(
        button(t("statement.approve", lang), "statement_approve", value, "primary"),
        button(t("statement.edit", lang), "statement_edit", value),
        button(t("statement.request_changes", lang), "statement_request_changes", value, "danger"),
        block_id=block_id,
    )


def published_text(statement: Statement, lang: str, tz: str) -> str:
    """Which version was approved, by whom (mentions), when."""
    approvers = [f"<@{a.approver}>" for a in statement.approvals]
    return published_line(
        statement.version, approvers, statement.approved_at, lang, tz, statement.series
    )


def published_blocks(
    incident: Incident, statement: Statement, lang: str, tz: str, next_steps: str = ""
) -> list[AnyBlock]:
    """The approved text in the room's language, who publishes it, where, and the next update
    (the other language stays in the statement's thread)."""
    head = published_text(statement, lang, tz) + (f"\n{next_steps}" if next_steps else "")
    return [section(head), DividerBlock(), *sections(statement.texts.get(lang, ""))]


def statement_text_blocks(statement: Statement, lang: str) -> list[BlockJson]:
    """The statement in the other language, as the draft's second reply."""
    title = t("statement.other_text", lang, version=statement.version)
    return [context(title), *sections(statement.texts.get(other(lang), ""))]


def edit_view(incident: Incident, statement: Statement, lang: str) -> View:
    """Both languages in inputs; a text longer than an input holds (3,000 characters, Slack's
    plain_text_input limit) is split at line breaks over several, joined again on save
    (`edited_texts`), so nothing is cut off."""
    inputs = []
    for text_lang in ("ja", "en"):
        chunks = input_chunks(statement.texts.get(text_lang, ""))
        for n, chunk in enumerate(chunks):
            label = t(f"statement.edit_{text_lang}", lang)
            if len(chunks) > 1:
                label = f"{label} ({n + 1}/{len(chunks)})"
            block_id = f"text_{text_lang}" if n == 0 else f"text_{text_lang}_{n}"
            inputs.append(
                InputBlock(
                    block_id=block_id,
                    label=plain(label),
                    element=PlainTextInputElement(
                        action_id=block_id,
                        multiline=True,
                        initial_value=chunk,
                        max_length=INPUT_LIMIT,
                    ),
                    optional=n > 0,
                )
            )
    return View(
        type="modal",
        callback_id="statement_edit",
        title=plain(t("statement.edit_title", lang), 24),
        submit=plain(t("statement.edit_save", lang), 24),
        close=plain(t("command.cancel_button", lang), 24),
        private_metadata=json.dumps(_target(incident.id, statement.version, statement.kind)),
        blocks=inputs,
    )


INPUT_LIMIT = 3000


def input_chunks(text: str, limit: int = INPUT_LIMIT) -> list[str]:
    """`text` in pieces of at most `limit` characters, split at line breaks."""
    chunks, current = [], ""
    for line in text.split("\n"):
        while len(line) > limit:  # one line longer than an input: split it where it must be
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        joined = f"{current}\n{line}" if current else line
        if current and len(joined) > limit:
            chunks.append(current)
            joined = line
        current = joined
    chunks.append(current)
    return chunks


def edited_texts(values: dict[str, Any]) -> dict[str, str]:
    """The texts of an edit modal's state, each language's inputs joined in order."""
    texts_ = {}
    for text_lang in ("ja", "en"):
        parts, n = [], 0
        while (
            block := values.get(f"text_{text_lang}" if n == 0 else f"text_{text_lang}_{n}")
        ) is not None:
            action = f"text_{text_lang}" if n == 0 else f"text_{text_lang}_{n}"
            parts.append((block.get(action) or {}).get("value") or "")
            n += 1
        texts_[text_lang] = "\n".join(parts).strip("\n")
    return texts_


def _target(incident_id: int, version: int, kind: str = "notice") -> dict[str, Any]:
    """What a modal remembers: the incident, the version, and the kind when it is a piece."""
    target: dict[str, Any] = {"i": incident_id, "v": version}
    if kind != "notice":
        target["k"] = kind
    return target


def changes_view(incident: Incident, version: int, lang: str, kind: str = "notice") -> View:
    return View(
        type="modal",
        callback_id="statement_changes",
        title=plain(t("statement.changes_title", lang), 24),
        submit=plain(t("statement.send", lang), 24),
        close=plain(t("command.cancel_button", lang), 24),
        private_metadata=json.dumps(_target(incident.id, version, kind)),
        blocks=[
            InputBlock(
                block_id="comment",
                label=plain(t("statement.changes_label", lang)),
                element=PlainTextInputElement(action_id="comment", multiline=True, max_length=2000),
            )
        ],
    )
