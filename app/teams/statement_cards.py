"""Adaptive Cards for statements: the draft with its checker findings and actions, the published
text, the other language's text."""

from __future__ import annotations

from typing import Any

from app.i18n import other, published_line, t
from app.models import Incident, Statement
from app.rooms import texts
from app.teams.elements import card, execute, form, long_text, text


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
    """Which version was approved, by whom (named where the card is sent), when."""
    approvers = [f"<@{a.approver}>" for a in statement.approvals]
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
