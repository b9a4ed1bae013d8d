"""Which action items a verdict's recommended actions make for its room (pure). Each item has a
stable source (`verdict:police`) so that it is made once per incident; a press conference's
readiness list is app/statements/pack.py's (app/incidents/tasks.py makes those items)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.i18n import t

Verdict = Mapping[str, Any]


def recommended(verdict: Verdict | None) -> list[tuple[str, str]]:
    """(name, 「今やること」 kind) of each recommended action; the names are the follow-ups'
    (`action:{name}`, app/triage/followups.py)."""
    if not verdict:
        return []
    actions, appi = verdict.get("actions") or {}, verdict.get("appi") or {}
    found: list[tuple[str, str]] = []
    police = actions.get("coordinate_with_police")
    if police in ("yes", "consult"):
        found.append(("police", f"police_{police}"))
    if "C2" in (appi.get("categories") or ()):
        found.append(("card_issuers", "card_issuers"))
    if actions.get("timely_disclosure_review") is True:
        found.append(("timely_disclosure", "timely_disclosure"))
    # A press conference is its readiness list's items (app/incidents/tasks.py press_items).
    if appi.get("notify_individuals") == "required" and not actions.get("notify_principal"):
        found.append(("individuals", "individuals"))
    return found


def verdict_items(verdict: Verdict | None, lang: str) -> list[tuple[str, str, datetime | None]]:
    """(source, title, due) for the recommended actions: their prompts are the follow-ups'."""
    return [
        (f"verdict:{name}", t(f"todo.action.{kind}", lang), None)
        for name, kind in recommended(verdict)
    ]
