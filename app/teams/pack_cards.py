"""The communications pack as one Adaptive Card in the verdict's thread: each piece drafted from
the approved notice with its state, text, the checker's findings and the notice's actions
(approve; edit and request changes as forms), and an action that shows the same card in the
other language (whose edit form edits that language's text)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import ActionSet

from app.i18n import other, t
from app.models import Incident
from app.rooms.pack import PackView, PieceView
from app.teams.elements import TEXT_LIMIT, card, execute, form, long_text, text


def pack_card(incident: Incident, view: PackView, *, actions: bool = True) -> dict[str, Any]:
    lang = view.lang
    body: list[Any] = [
        text(view.title, size="Large", weight="Bolder"),
        text(view.rules, is_subtle=True),
    ]
    for piece in view.pieces:
        names = ", ".join(piece.approvers)
        body.append(text(f"{piece.title} {names}".strip(), weight="Bolder", separator=True))
        body += [text(chunk) for chunk in chunks(piece.shown(lang))]
        if piece.findings:
            body.append(text(piece.findings.replace("\n", "\n\n", 1)))
        else:
            body.append(text(t("statement.no_findings", lang), is_subtle=True))
        if actions and piece.open:
            body.append(ActionSet(actions=piece_actions(incident, piece, lang)))
    switch = execute(
        t("pack.other_language", lang), "pack_language", {"i": incident.id, "l": other(lang)}
    )
    return card(body, [switch])


def piece_actions(incident: Incident, piece: PieceView, lang: str) -> list[Any]:
    """Approve, Edit (this card's language), Request changes — ids namespaced by the piece's
    kind, since a card's inputs share one namespace."""
    value = piece.value(incident)
    kind = piece.kind
    return [
        execute(t("statement.approve", lang), "statement_approve", value, style="positive"),
        form(
            t("statement.edit", lang),
            [
                long_text(
                    f"{kind}_text_{lang}",
                    t(f"statement.edit_{lang}", lang),
                    t("teams.edit_empty", lang),
                    piece.statement.texts.get(lang, ""),
                )
            ],
            t("statement.edit_save", lang),
            "statement_edit",
            value,
        ),
        form(
            t("statement.request_changes", lang),
            [
                long_text(
                    f"{kind}_comment",
                    t("statement.changes_label", lang),
                    t("teams.comment_empty", lang),
                )
            ],
            t("statement.send", lang),
            "statement_request_changes",
            value,
        ),
    ]


def chunks(value: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Text longer than one text block holds, split at line breaks (nothing cut off)."""
    parts, current = [], ""
    for line in value.splitlines(keepends=True):
        if current and len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current.strip():
        parts.append(current)
    return parts
