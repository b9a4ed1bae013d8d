"""Shared fixtures: a migrated database (SQLite file, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import create_engine as create_sync_engine

from app.db import normalize_database_url, sync_url
from app.migrate import upgrade
from app.models import Base
from app.runtime import Runtime, build_runtime
from app.settings import Settings

URL_VARIABLE = "TEST_DATABASE_URL"  # where a PostgreSQL run finds its database
PG_URL = os.environ.get(URL_VARIABLE)
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "pr_leads": ["U0LEAD1", "U0LEAD2"],
        "responders": ["U0RESP1"],
        # A deployment names its contact point; without one a draft cannot be approved as it is.
        "contact_point": "0120-000-000（9:00〜18:00）",
        "worker_enabled": False,
        # The fake Slack has no rate limits; pacing is tested on its own (tests/slack/test_pacing.py).
        "slack_pacing": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "leakdesk.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_schema() -> str | None:
    if not PG_URL:
        return None
    url = normalize_database_url(PG_URL)
    engine = create_sync_engine(sync_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


# Every sequence of the schema back at its first value, as a new database has it.
RESTART_SEQUENCES = text(
    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


@functools.cache
def _reset_engine(url: str) -> Engine:
    return create_sync_engine(sync_url(url), pool_pre_ping=True)  # a test may cut connections


def _empty_postgres(url: str) -> None:
    """Every table emptied and every sequence restarted: what TRUNCATE … RESTART IDENTITY does,
    in 5 ms where it took 100 on the few rows a test leaves (TRUNCATE replaces each table's
    files), on one engine kept for the run."""
    with _reset_engine(url).begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(RESTART_SEQUENCES)


@pytest.fixture
def database_url(
    tmp_path: Path, _sqlite_template: Path, _postgres_schema: str | None
) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if _postgres_schema:
        _empty_postgres(_postgres_schema)
        yield _postgres_schema
        return
    path = tmp_path / "leakdesk.db"
    shutil.copy(_sqlite_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    rt = build_runtime(settings)
    yield rt
    await rt.close()


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


# The fixtures through which a test reaches the database under test.
DATABASE_FIXTURES = frozenset({"database_url", "_postgres_schema", "unmigrated"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-only",
        action="store_true",
        help="run only the tests that reach a database (CI's PostgreSQL run: the others give "
        "the same result on any database and run once, in the SQLite run beside it)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --database-only, leaves out the tests that reach no database: those that use none of
    DATABASE_FIXTURES, in a module that does not read URL_VARIABLE itself."""
    if not config.getoption("--database-only"):
        return
    reads_the_url: dict[Path, bool] = {}

    def reaches_a_database(item: pytest.Item) -> bool:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            return True
        module = item.path
        if module not in reads_the_url:
            reads_the_url[module] = URL_VARIABLE in module.read_text(encoding="utf-8")
        return reads_the_url[module]

    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (kept if reaches_a_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Type-checks every Block Kit payload the run sent against Slack's `@slack/types`."""
    from tests.fakes import slack_types

    if not slack_types.collected():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    say = reporter.write_line if reporter is not None else print
    why = slack_types.unavailable()
    if why is not None:
        say(f"SKIPPED the @slack/types check of {slack_types.collected()} payloads: {why}")
        return
    folder = Path(os.environ.get("LEAKDESK_SLACK_PAYLOADS") or tempfile.mkdtemp(prefix="slack-"))
    passed, output = slack_types.check(folder)
    count = slack_types.collected()
    if passed:
        say(f"@slack/types: {count} distinct Block Kit payloads type-check ({folder})")
        return
    say(f"FAILED @slack/types check of {count} payloads ({folder}/payloads.ts):\n{output}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="module")
def unmigrated() -> Iterator[str]:
    """A fresh, empty PostgreSQL database of this test module's own (never the shared one), named
    for this run: two suites on one server (CI's, a session's) must not share it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(
            "needs TEST_DATABASE_URL (PostgreSQL): an un-migrated database is created there"
        )
    name = f"leakdesk_unmigrated_{os.getpid()}"

    def psql(sql: str) -> None:
        done = subprocess.run(["psql", url, "-c", sql], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    yield url.rsplit("/", 1)[0] + "/" + name
    psql(f"DROP DATABASE IF EXISTS {name}")
