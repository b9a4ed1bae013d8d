"""The docs a newcomer follows match the program: every command in the README's table, every
path .env.example names exists, every answers field documented, the README's examples run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli import command
from app.triage.models import ANSWER_FIELDS, FIELD_ENUMS
from tests.test_cli_and_server import leakdesk

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    top = command()
    names = []
    for name, sub in top.commands.items():  # type: ignore[attr-defined]
        inner = getattr(sub, "commands", None)
        names += [f"{name} {child}" for child in inner] if inner else [name]
    return names


def test_the_readme_command_table_lists_every_command() -> None:
    table = README[README.index("## Commands") :]
    for name in command_names():
        assert f"`leakdesk {name}" in table, f"leakdesk {name} is missing from the README"
    for fmt in ("ppc.json", "pdf"):
        assert fmt in table


def test_env_example_points_only_to_files_that_exist() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    paths = re.findall(r"\b((?:docs|app|examples)/[\w./-]*\w)", example)
    assert paths
    for path in paths:
        assert (ROOT / path).exists(), f".env.example names {path}, which does not exist"


def test_every_answers_field_and_value_is_documented() -> None:
    doc = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    for field in ANSWER_FIELDS:
        assert f"| `{field}` |" in doc, f"{field} is missing from docs/answers.md"
    for field, values in FIELD_ENUMS.items():
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{field}` |"))
        for value in values:
            assert f"`{value.value}`" in row, f"{field}={value.value} is missing"


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("answers-*.json")))
def test_each_example_answers_file_drafts_in_japanese(example: Path, tmp_path: Path) -> None:
    json.loads(example.read_text(encoding="utf-8"))
    result = leakdesk("draft", str(example), "--lang", "ja", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "お詫び" in result.stdout
    assert not (tmp_path / "leakdesk.db").exists()  # draft reads no database


def test_the_readme_names_what_the_tests_skip_and_the_company_name() -> None:
    for needle in ("Chromium", "npm", "PostgreSQL", "poppler-utils", "fonts-ipaexfont"):
        assert needle in README
    assert "LEAKDESK_COMPANY_NAME" in README
    assert "leakdesk draft examples/answers-" in README
