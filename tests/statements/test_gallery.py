"""docs/statements.md is what the code drafts today, with one example of every kind."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.statements.draft import KINDS

ROOT = Path(__file__).resolve().parents[2]


def gallery():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "statements_gallery", ROOT / "docs" / "statements_gallery.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_is_current() -> None:
    page = (ROOT / "docs" / "statements.md").read_text(encoding="utf-8")
    assert page == gallery().render(), "run: python docs/statements_gallery.py"


def test_the_page_shows_every_kind_in_both_languages() -> None:
    module = gallery()
    kinds = {
        module.verdict_for(answers)["actions"]["announcement"] for _, _, answers in module.EXAMPLES
    }
    assert kinds == set(KINDS)
    page = module.render()
    assert len(module.EXAMPLES) == len(KINDS)
    kinds_part = page.split("## The notice series")[0]  # then the series example
    assert kinds_part.count("#### 日本語") == kinds_part.count("#### English") == len(KINDS)
