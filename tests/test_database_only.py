"""`pytest --database-only` (CI's PostgreSQL run) keeps every test that reaches a database and
leaves out only those that give the same result on any: nothing that needs PostgreSQL is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import URL_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
WEBHOOKS = "tests/test_webhooks.py"


def test_the_postgresql_run_keeps_what_reaches_a_database_and_only_that() -> None:
    modules = (WEBHOOKS, "tests/test_postgres.py", "tests/triage/test_policy.py")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:schemathesis"]
        + ["--collect-only", "--database-only", *modules],
        capture_output=True,
        text=True,
        env={**os.environ, URL_VARIABLE: "postgresql://postgres@127.0.0.1:5432/test"},
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    kept = {line for line in done.stdout.splitlines() if "::" in line}
    assert f"{WEBHOOKS}::test_drills_announce_nothing_unless_configured" in kept  # database_url
    assert f"{WEBHOOKS}::test_webhook_urls_without_a_secret_are_refused" not in kept  # pure
    # A module that reads the URL itself is kept whole, whatever fixtures its tests use.
    assert len({t for t in kept if t.startswith("tests/test_postgres.py")}) >= 3
    assert not {t for t in kept if t.startswith("tests/triage/")}  # pure triage: once, on SQLite
    assert "deselected" in done.stdout
