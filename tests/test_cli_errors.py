"""Every command a newcomer can run says in one line what is wrong and what to run next:
never a traceback, never a database file created by a command that only reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli_and_server import leakdesk

ANSWERS = Path(__file__).resolve().parents[1] / "examples" / "answers-card-skimming.json"


@pytest.mark.parametrize(
    "command",
    [
        ("report", "LEAK-2026-0001"),
        ("verify", "LEAK-2026-0001"),
        ("export", "LEAK-2026-0001"),
        ("export", "LEAK-2026-0001", "--format", "ppc"),
        ("token", "create", "dashboard"),
        ("token", "revoke", "dashboard"),
        ("drill", "lost-laptop"),
        ("drill",),
        ("drill", "close", "DRILL-2026-0001"),
        ("purge", "--days", "30"),
        ("serve",),
        ("worker",),
    ],
)
def test_an_unmigrated_postgres_database_gets_one_line_naming_migrate(
    unmigrated: str, command: tuple[str, ...], tmp_path: Path
) -> None:
    result = leakdesk(*command, env={"DATABASE_URL": unmigrated}, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "has no leakdesk schema yet" in line and "run `leakdesk migrate`" in line
    assert unmigrated.rsplit("/", 1)[1] in line  # which database


@pytest.mark.parametrize(
    "command",
    [("report", "LEAK-2026-0001"), ("verify", "1"), ("export", "1"), ("token", "revoke", "x")],
)
def test_commands_that_only_read_never_create_a_database_file(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    result = leakdesk(*command, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"no leakdesk database at {tmp_path / 'leakdesk.db'}" in line
    assert "leakdesk migrate" in line
    assert not (tmp_path / "leakdesk.db").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("assess", str(ANSWERS), "--format", "text", "--lang", "fr"),
        ("report", "LEAK-2026-0001", "--lang", "fr"),
        ("draft", str(ANSWERS), "--lang", "fr"),
        ("drill", "--lang", "fr"),
        ("assess", str(ANSWERS), "--format", "yaml"),
    ],
)
def test_an_unknown_language_or_format_is_refused_in_one_line(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    result = leakdesk(*command, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "must be" in line
    assert not (tmp_path / "leakdesk.db").exists()


def test_assess_text_in_one_language_prints_that_language_only() -> None:
    english = leakdesk("assess", str(ANSWERS), "--format", "text", "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert "Verdict: SEV1" in english.stdout and "判定" not in english.stdout
    japanese = leakdesk("assess", str(ANSWERS), "--format", "text", "--lang", "ja")
    assert "判定: SEV1" in japanese.stdout and "Verdict" not in japanese.stdout
    both = leakdesk("assess", str(ANSWERS), "--format", "text")
    assert "判定" in both.stdout and "Verdict" in both.stdout  # no --lang: both, as before


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("export", "Usage: leakdesk export [OPTIONS] ID"),
        ("assess", "Usage: leakdesk assess [OPTIONS] FILE"),
        ("drill", "Usage: leakdesk drill [OPTIONS] [SCENARIO|close] [ID]"),
        ("report", "Usage: leakdesk report [OPTIONS] ID"),
    ],
)
def test_help_shows_real_metavariables(command: str, usage: str) -> None:
    result = leakdesk(command, "--help", env={"COLUMNS": "100"})
    assert usage in result.stdout
    assert "<str>" not in result.stdout and "{" not in result.stdout
    assert "ja|en" in result.stdout or "ID" in result.stdout
