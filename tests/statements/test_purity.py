"""The statements package stays pure, and its two languages stay in step."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import app.statements

PACKAGE = Path(app.statements.__file__).parent
ALLOWED_IMPORTS = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "functools",
    "holidays",
    "jinja2",
    "markdown_it",  # render_html: CommonMark to HTML, text in, text out
    "pathlib",
    "re",
    "typing",
    "unicodedata",  # the social post's length (NFC, as twitter-text counts)
    "zoneinfo",
    "app",
}


def sources() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def test_pure_modules_import_no_io_or_clock() -> None:
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED_IMPORTS, f"{path.name} imports {name}"
                if name.startswith("app."):
                    assert name.startswith("app.statements"), f"{path.name} imports {name}"


def test_no_clock_reads() -> None:
    for path in sources():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.(now|today|utcnow)\(|time\.time\(|monotonic\(", text), path.name


def test_both_languages_define_the_same_phrases() -> None:
    def macros(lang: str) -> set[str]:
        text = (PACKAGE / "templates" / lang / "_words.md.j2").read_text(encoding="utf-8")
        return set(re.findall(r"{% macro (\w+)\(", text))

    assert macros("ja") == macros("en")
    assert {"subject", "event", "certainty_sentences", "containment", "advice_item"} <= macros("ja")


def test_both_languages_have_a_template_for_every_announcement_kind() -> None:
    from app.statements.draft import KINDS, TEMPLATES

    assert set(TEMPLATES) == set(KINDS)
    for lang in ("ja", "en"):
        for name in set(TEMPLATES.values()):
            assert (PACKAGE / "templates" / lang / name).is_file()


def test_both_languages_define_the_same_pack_words() -> None:
    from app.statements.pack import _words

    ja, en = _words("ja"), _words("en")
    names = {n for n in dir(ja) if n.isupper()}
    assert names == {n for n in dir(en) if n.isupper()}
    for name in names:
        value = getattr(ja, name)
        if isinstance(value, dict):
            assert set(value) == set(getattr(en, name)), name
        elif isinstance(value, list):
            assert len(value) == len(getattr(en, name)), name
