"""What a room handler reads of one incident at once (`Reads.snapshot`): the incident, its
answers with who gave them and when, its current verdict and notice, and what the verdict and the
summary show beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.models import ActionItem, Followup, Incident, Statement, Verdict


@dataclass(frozen=True)
class AnswerDetail:
    value: Any
    actor: str
    at: datetime


@dataclass(frozen=True)
class Snapshot:
    incident: Incident
    answers: dict[str, AnswerDetail]
    verdict: Verdict | None
    statement: Statement | None
    event_counts: dict[str, int]
    # the incident's action items, by number; None in a snapshot read without them (`tasks`)
    action_items: tuple[ActionItem, ...] | None = ()
    # the latest version of each piece drafted from the approved notice (social, letter, qa)
    pieces: tuple[Statement, ...] = ()
    approved: Statement | None = None  # the notice as last approved (the latest report out)
    handed: tuple[str, ...] = ()  # the technical questions handed to the security responders
    handed_to: tuple[str, ...] = ()  # … and to whom
    followups: tuple[Followup, ...] = ()  # the room's follow-up prompts (only with `followups`)

    @property
    def values(self) -> dict[str, Any]:
        return {k: v.value for k, v in self.answers.items()}

    @property
    def whole(self) -> bool:
        """Read with everything (the action items too): what the verdict and summary show."""
        return self.action_items is not None

    @property
    def tasks(self) -> tuple[ActionItem, ...]:
        """The incident's action items, by number (a snapshot read without them has none to
        give: it never shows "no items" by mistake)."""
        if self.action_items is None:
            raise LookupError("a snapshot read without its action items")
        return self.action_items
