"""`leakdesk export ID --format …` prints the same exports as the API, from a real process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.models import Incident
from app.ops.exports import PPC_ITEMS
from app.runtime import Runtime
from tests.test_cli_and_server import leakdesk


async def test_export_prints_json_by_key(
    runtime: Runtime, incident: Incident, database_url: str, tmp_path: Path
) -> None:
    result = leakdesk("export", incident.key, env={"DATABASE_URL": database_url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["incident"]["key"] == incident.key
    assert data["chain"]["intact"] is True


@pytest.mark.parametrize("fmt", ["csv", "md", "ppc"])
async def test_export_prints_every_format(
    runtime: Runtime, incident: Incident, database_url: str, tmp_path: Path, fmt: str
) -> None:
    env = {"DATABASE_URL": database_url}
    result = leakdesk("export", str(incident.id), "--format", fmt, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows) == len(await runtime.service.timeline(incident.id)) + 1
    elif fmt == "ppc":
        assert all(heading in result.stdout for _, heading in PPC_ITEMS)
    else:
        assert incident.key in result.stdout


async def test_export_refuses_unknown_incidents_and_formats(
    database_url: str, tmp_path: Path, incident: Incident
) -> None:
    env = {"DATABASE_URL": database_url}
    missing = leakdesk("export", "LEAK-1999-0001", env=env, cwd=tmp_path)
    assert missing.returncode == 2 and "no incident LEAK-1999-0001" in missing.stderr
    bad = leakdesk("export", incident.key, "--format", "docx", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "--format must be one of" in bad.stderr
