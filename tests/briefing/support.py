"""Verdicts for the briefing tests, from the real `assess` (no hand-made verdict JSON)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from app.triage import assess, parse_answers

TZ = "Asia/Tokyo"
DISCOVERED = "2026-12-04T09:00:00+09:00"  # a Friday

CARD: dict[str, Any] = {
    "data_categories": ["financial", "identity", "contact"],
    "affected_count": 2400,
    "subject_regions": ["JP"],
    "encryption": "none",
    "leak_mode": "skimming",
    "access": "confirmed",
}
MISDIRECTED: dict[str, Any] = {
    "data_categories": ["identity", "contact"],
    "affected_count": 12,
    "subject_regions": ["JP"],
    "encryption": "none",
    "leak_mode": "misdelivery",
    "wrongful_act": False,
    "access": "suspected",
}


def verdict(**answers: Any) -> dict[str, Any]:
    values = {"discovered_at": DISCOVERED, **answers}
    return assess(parse_answers(values), tz=ZoneInfo(TZ)).model_dump(mode="json")
