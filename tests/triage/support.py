"""Helpers for the triage tests: answers in, the verdict's JSON out."""

from __future__ import annotations

from typing import Any

from app.triage import Policy, assess, parse_answers

AWARE = "2024-04-01T10:00:00+09:00"


def verdict(policy: Policy | None = None, tz: str = "Asia/Tokyo", **fields: Any) -> dict[str, Any]:
    """The JSON verdict for these answers (discovered_at defaults to 1 April 2024, 10:00 JST)."""
    answers = parse_answers({"discovered_at": AWARE, **fields})
    return assess(answers, policy, tz=tz).model_dump(mode="json")


def open_fields(result: dict[str, Any]) -> list[str]:
    return [q["field"] for q in result["open_questions"]]


def reason_rules(result: dict[str, Any]) -> list[str]:
    return [r["rule"] for r in result["reasons"]]
