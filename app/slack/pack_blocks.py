"""Block Kit for the communications pack: one message in the verdict's thread with each piece
drafted from the approved notice — its state, text, the checker's findings and the notice's
three buttons — and a button that shows the pack in the other language (only to who asks)."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, DividerBlock

from app.i18n import other, t
from app.models import Incident
from app.rooms.pack import PackView
from app.slack.elements import AnyBlock, button, context, section, sections
from app.slack.statement_blocks import statement_actions


def pack_blocks(incident: Incident, view: PackView, *, actions: bool = True) -> list[AnyBlock]:
    lang = view.lang
    title = view.title if actions else t("pack.other_title", other(lang), series=view.series)
    blocks: list[AnyBlock] = [section(title), context(view.rules)]
    for piece in view.pieces:
        names = " ".join(f"<@{a}>" for a in piece.approvers)
        blocks += [DividerBlock(), section(f"{piece.title} {names}".strip())]
        blocks += sections(piece.shown(lang))
        found = piece.findings
        blocks += sections(found) if found else [context(t("statement.no_findings", lang))]
        if actions and piece.open:
            block_id = f"statement:{incident.id}:{piece.kind}:{piece.statement.version}"
            blocks.append(statement_actions(block_id, piece.value(incident), lang))
    if actions:
        blocks.append(
            ActionsBlock(
                block_id=f"pack:{incident.id}",
                elements=[
                    button(
                        t("pack.other_language", lang), "pack_other_language", {"i": incident.id}
                    )
                ],
            )
        )
    return blocks
