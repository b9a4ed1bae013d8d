"""The program as an operator meets it: settings errors, migrations, health checks, packaging."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy.engine import make_url

from app.i18n import catalogue
from app.main import create_app
from app.runtime import build_runtime
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]


def leakdesk(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LEAKDESK_", "SLACK_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=60,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    "name,value,expected",
    [
        ("DATABASE_URL", "not a url", "DATABASE_URL: 'not a url' is not a database URL"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL: 'mysql' is not supported"),
        (
            "LEAKDESK_TIMEZONE",
            "Mars/Base",
            "LEAKDESK_TIMEZONE: 'Mars/Base' is not an IANA timezone",
        ),
        ("LEAKDESK_LANGUAGE", "fr", "LEAKDESK_LANGUAGE:"),
    ],
)
def test_a_bad_setting_stops_with_one_line_naming_it(
    tmp_path: Path, name: str, value: str, expected: str
) -> None:
    result = leakdesk("migrate", env={name: value}, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_is_named_with_what_to_do(tmp_path: Path) -> None:
    result = leakdesk(
        "migrate", env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/leakdesk"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "cannot reach the database at 127.0.0.1:1" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_the_server_refuses_is_named_in_one_line(tmp_path: Path) -> None:
    # (the driver's own error for a refusal by the server, not by the network)
    url = os.environ.get("TEST_DATABASE_URL") or pytest.skip("needs TEST_DATABASE_URL")
    missing = make_url(url).set(database="leakdesk_no_such_database")
    env = {"DATABASE_URL": missing.render_as_string(hide_password=False)}
    result = leakdesk("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert 'database "leakdesk_no_such_database" does not exist' in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_postgres_schema_that_is_behind(unmigrated: str, tmp_path: Path) -> None:
    result = leakdesk("serve", "--port", "0", env={"DATABASE_URL": unmigrated}, cwd=tmp_path)
    assert result.returncode == 2
    assert "run `leakdesk migrate`" in result.stderr


async def test_healthz_and_readyz(settings) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
    await runtime.close()


async def test_healthz_work_says_when_reports_wait_for_a_worker(settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from app.models import utcnow

    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        idle = await http.get("/healthz/work")
        assert idle.status_code == 200 and idle.json()["due"] == 0
        await runtime.service.record_report(
            "slack.report", title="Payroll file on a share", reporter_id="U1", platform="slack"
        )
        fresh = await http.get("/healthz/work")
        assert fresh.status_code == 200 and fresh.json()["due"] == 1
        runtime.service.clock = lambda: utcnow() - timedelta(minutes=10)  # no worker since then
        await runtime.service.record_report(
            "slack.report", title="Badge photos exposed", reporter_id="U2", platform="slack"
        )
        behind = await http.get("/healthz/work")
    assert behind.status_code == 503
    body = behind.json()
    assert body["due"] == 2 and body["oldest_due_seconds"] >= 600
    assert "is a worker running" in body["reason"]
    await runtime.close()


async def test_readyz_says_why_when_the_schema_is_missing(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert "leakdesk migrate" in ready.json()["reason"]
    await runtime.close()


def test_both_languages_have_every_message() -> None:
    assert set(catalogue("ja")) == set(catalogue("en"))
    for key in catalogue("en"):
        assert re.findall(r"{(\w+)}", catalogue("en")[key]) == re.findall(
            r"{(\w+)}", catalogue("en")[key]
        )
        assert set(re.findall(r"{(\w+)}", catalogue("ja")[key])) == set(
            re.findall(r"{(\w+)}", catalogue("en")[key])
        ), key


def test_every_setting_is_documented_in_env_example() -> None:
    from app.settings import Settings

    example = (ROOT / ".env.example").read_text()
    for name, field in Settings.model_fields.items():
        env_name = field.validation_alias.choices[0]  # type: ignore[union-attr]
        assert env_name in example, f"{env_name} ({name}) is missing from .env.example"


def test_the_dockerfile_and_compose_use_commands_that_exist() -> None:
    from app.cli import cli

    commands = {c.name or c.callback.__name__.replace("_", "-") for c in cli.registered_commands}  # type: ignore[union-attr]
    dockerfile = (ROOT / "Dockerfile").read_text()
    used = set(re.findall(r"leakdesk (\w+)", dockerfile))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        command = service.get("command") or []
        if command[:1] == ["leakdesk"]:
            used.add(command[1])
    assert used and used <= commands, used - commands
    assert {"db", "migrate", "bot-1", "bot-2"} <= set(compose["services"])
    assert "USER leakdesk" in dockerfile


def test_serve_on_a_fresh_directory_migrates_sqlite_and_is_ready(tmp_path: Path) -> None:
    from tests.server_process import serve

    with serve({}, cwd=tmp_path) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 200, ready.text
    assert (tmp_path / "leakdesk.db").exists()
