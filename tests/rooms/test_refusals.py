"""Every refusal a person can meet has its own `error.<code>` text in both languages; none shows
the raw code."""

from __future__ import annotations

import ast
from pathlib import Path

from app.i18n import LANGUAGES, catalogue
from app.incidents.service import NotFound, ServiceError
from app.rooms.texts import refusal

APP = Path(__file__).resolve().parents[2] / "app"


def refusal_codes() -> set[str]:
    """The codes of every `ServiceError("code", …)` raised anywhere in app/ (and NotFound's)."""
    codes = {NotFound("x").code}
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ServiceError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    return codes


def test_the_scan_finds_the_refusals_people_meet() -> None:
    assert {"not_pr_lead", "stale_version", "closed", "followup_settled"} <= refusal_codes()


def test_every_refusal_has_a_text_in_every_language() -> None:
    missing = [
        f"error.{code} ({lang})"
        for code in sorted(refusal_codes())
        for lang in LANGUAGES
        if f"error.{code}" not in catalogue(lang)
    ]
    assert not missing, missing


def test_a_refusal_reads_as_words_not_as_its_code() -> None:
    for code in sorted(refusal_codes()):
        for lang in LANGUAGES:
            text = refusal(ServiceError(code, "detail"), lang)
            assert text.strip() and not text.startswith("error."), (code, lang, text)
            assert "_" not in code or code not in text, (code, lang, text)
