"""Which action items a verdict makes for its room (pure): its recommended actions, and the
readiness list of a press conference it recommends (true or "conditional"). Each item has a
stable source (`verdict:police`, `press:spokesperson`) so that it is made once per incident."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from app.i18n import t

Verdict = Mapping[str, Any]

# What a press conference needs before it can be held (issue 20, item 5).
PRESS_ITEMS = ("spokesperson", "time", "place", "materials", "qa")
# Readiness items are due this long after the verdict that recommends the conference; a
# conference only "to consider once the facts are known" gives more time.
PRESS_DUE = {True: timedelta(hours=1), "conditional": timedelta(hours=4)}


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
    press = actions.get("press_conference")
    if press is True:
        found.append(("press_conference", "press_conference"))
    elif press == "conditional":
        found.append(("press_conference", "press_conference_conditional"))
    if appi.get("notify_individuals") == "required" and not actions.get("notify_principal"):
        found.append(("individuals", "individuals"))
    return found


def verdict_items(verdict: Verdict | None, lang: str) -> list[tuple[str, str, datetime | None]]:
    """(source, title, due) for the recommended actions: their prompts are the follow-ups'."""
    return [
        (f"verdict:{name}", t(f"todo.action.{kind}", lang), None)
        for name, kind in recommended(verdict)
    ]


def press_readiness(verdict: Verdict | None) -> tuple[str, ...]:
    """What must be ready for a press conference the verdict recommends (none otherwise)."""
    press = ((verdict or {}).get("actions") or {}).get("press_conference")
    return PRESS_ITEMS if press in PRESS_DUE else ()


def press_items(
    verdict: Verdict | None, lang: str, at: datetime
) -> list[tuple[str, str, datetime | None]]:
    """(source, title, due) for a press conference's readiness, chased until done."""
    press = ((verdict or {}).get("actions") or {}).get("press_conference")
    if press not in PRESS_DUE:
        return []
    due = at + PRESS_DUE[press]
    return [(f"press:{key}", t(f"task.press.{key}", lang), due) for key in press_readiness(verdict)]
