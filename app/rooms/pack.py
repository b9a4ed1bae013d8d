"""The communications pack as a room shows it, decided once for every platform: one message in
the verdict's thread, beside the notice, holding each piece drafted from the approved notice
(social post, letter to the people concerned, internal Q&A) with its state, the checker's
findings and the same buttons as the notice — one post for the pack, edited in place, not three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.i18n import t
from app.incidents.service import IncidentService
from app.models import Incident, Statement
from app.rooms import texts

# the kinds of pieces, in the order a room shows them
PIECES = ("social", "letter", "qa")
EDITABLE = ("draft", "changes_requested")


@dataclass(frozen=True, slots=True)
class PieceView:
    """One piece as the pack message shows it."""

    statement: Statement
    title: str
    needed: int
    findings: str | None

    @property
    def kind(self) -> str:
        return self.statement.kind

    @property
    def approvers(self) -> list[str]:
        return [a.approver for a in self.statement.approvals]

    @property
    def open(self) -> bool:
        """Still waiting for approval: the buttons are shown."""
        return self.statement.status in EDITABLE

    def shown(self, lang: str) -> str:
        """The piece's text in `lang` as a room shows it (its Markdown in the room's markup)."""
        return room_markup(self.statement.texts.get(lang, ""))

    def value(self, incident: Incident) -> dict[str, int | str]:
        """What its buttons carry: ids only (incident, version, kind)."""
        return {"i": incident.id, "v": self.statement.version, "k": self.kind}


@dataclass(frozen=True, slots=True)
class PackView:
    """The pack message: its title, who approves what, and each piece."""

    title: str
    rules: str
    pieces: tuple[PieceView, ...]
    lang: str
    series: int


_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)
_STRONG = re.compile(r"\*\*(.+?)\*\*")


def room_markup(markdown: str) -> str:
    """A piece's Markdown (headings, **strong**) as the room's markup (*bold*, which each
    platform's renderer knows); everything else is shown as written."""
    return _HEADING.sub(r"*\1*", _STRONG.sub(r"*\1*", markdown))


def piece_title(statement: Statement, needed: int, lang: str) -> str:
    """「*SNS投稿文* 第1版 — 下書き・承認待ち（承認 0/2）」"""
    return t(
        "pack.piece",
        lang,
        kind=t(f"statement.kind.{statement.kind}", lang),
        version=statement.version,
        status=t(f"statement.status.{statement.status}", lang),
        count=len(statement.approvals),
        needed=needed,
    )


def pack_view(
    incident: Incident, pieces: Sequence[Statement], service: IncidentService, lang: str
) -> PackView | None:
    """The pack as it should read now in `lang`; None before any piece was drafted."""
    if not pieces:
        return None
    ordered = sorted(pieces, key=lambda p: PIECES.index(p.kind) if p.kind in PIECES else 9)
    views = []
    for piece in ordered:
        needed = service.approvals_needed(incident.severity, piece.kind)
        views.append(
            PieceView(piece, piece_title(piece, needed, lang), needed, findings(piece, lang))
        )
    public = service.approvals_needed(incident.severity, "social")
    rules = t(
        "pack.rules",
        lang,
        needed=public,
        severity=texts.severity_label(incident.severity, lang).split(" ")[0],
    )
    series = ordered[0].series
    return PackView(t("pack.title", lang, series=series), rules, tuple(views), lang, series)


def findings(piece: Statement, lang: str) -> str | None:
    """The checker's consistency findings on the piece's text in `lang` (read before approving)."""
    found = (piece.findings or {}).get(lang) or []
    if not found:
        return None
    lines = "\n".join(f"• `{f['code']}` {f[lang]}" for f in found[:10])
    return f"{t('statement.findings', lang, count=len(found))}\n{lines}"


def pack_line(pieces: Sequence[Statement], lang: str) -> str | None:
    """「関連文書 承認 1/3」 for the verdict's statement line (None before the pack)."""
    if not pieces:
        return None
    approved = sum(1 for p in pieces if p.status == "approved")
    return t("brief.pack", lang, approved=approved, total=len(pieces))


def pack_text(view: PackView) -> str:
    """The pack's notification text (and what a platform without layout shows)."""
    return "\n".join((view.title, *(p.title for p in view.pieces)))
