"""The database going away for a moment: a clear "try again", nothing half-written, then normal."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.slack.conftest import Slack


def admin(database_url: str, sql: str) -> None:
    url = make_url(database_url)
    with psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(sql)


async def test_a_report_during_a_database_outage_is_refused_clearly_and_then_works(
    slack: Slack, database_url: str
) -> None:
    if not database_url.startswith("postgresql") or not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL) to take the database away for real")
    name = make_url(database_url).database
    try:
        admin(database_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin(
            database_url,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        await slack.runtime.engine.dispose()
        response = await slack.command("Report while the database is down")
        assert response.status_code == 200
        assert "try again" in response.json()["text"]
    finally:
        admin(database_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert await slack.runtime.service.open_incidents() == []  # nothing half-written
    response = await slack.command("Report after the database is back")
    assert "Report recorded" in response.json()["text"]
    await slack.work()
    assert len(await slack.runtime.service.open_incidents()) == 1
