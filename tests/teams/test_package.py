"""`leakdesk teams-package` writes a manifest Teams accepts and its two icons."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from app.cli import cli

APP_ID = "5f3c1e2a-0b7d-4c55-9a0e-1d2c3b4a5f60"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_the_package_holds_the_manifest_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("LEAKDESK_LANGUAGE", "en")
    out = tmp_path / "pkg" / "leakdesk.zip"
    result = CliRunner().invoke(cli, ["teams-package", "--out", str(out), "--version", "1.2.3"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert manifest["manifestVersion"] == "1.22"
    assert manifest["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID and manifest["version"] == "1.2.3"
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    (extension,) = manifest["composeExtensions"]
    commands = extension["commands"]
    assert [c["id"] for c in commands] == ["reportLeak", "addToTimeline", "createTask"]
    assert all(c["context"] == ["message"] for c in commands)
    # The limits Teams checks on upload.
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80
    for command in commands:
        assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    assert all(len(c["title"]) <= 32 for c in bot["commandLists"][0]["commands"])
    assert all(u.startswith("https://") for u in manifest["developer"].values() if "://" in u)


def test_the_package_needs_the_app_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    result = CliRunner().invoke(cli, ["teams-package"])
    assert result.exit_code == 2
    assert "TEAMS_APP_ID" in result.output
    assert not (tmp_path / "leakdesk-teams.zip").exists()


SCHEMAS = (
    Path(__file__).resolve().parents[2] / "node_modules/@microsoft/app-manifest/build/json-schemas"
)


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_id: str = APP_ID) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_APP_ID", app_id)
    out = tmp_path / "leakdesk.zip"
    return CliRunner().invoke(cli, ["teams-package", "--out", str(out)]), out


@pytest.mark.skipif(
    not SCHEMAS.is_dir(), reason="node_modules/@microsoft/app-manifest is missing: run `npm ci`"
)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_manifest_is_valid_against_microsofts_schema_for_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("LEAKDESK_LANGUAGE", lang)
    result, out = _package(tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    version = manifest["manifestVersion"]
    schema_file = SCHEMAS / "teams" / f"v{version}" / "MicrosoftTeams.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(
        schema, format_checker=jsonschema.FormatChecker()
    )
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]
    assert not errors, errors
    # What a private-channel room needs, which the schema allows but does not require.
    assert manifest["supportedChannelTypes"] == ["privateChannels"]
    assert manifest["webApplicationInfo"]["id"] == APP_ID


@pytest.mark.parametrize("app_id", ["not-a-guid", "5f3c1e2a0b7d4c559a0e1d2c3b4a5f60"])
def test_an_app_id_that_is_not_a_guid_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_id: str
) -> None:
    result, out = _package(tmp_path, monkeypatch, app_id)
    assert result.exit_code == 2
    assert "TEAMS_APP_ID must be a GUID" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not out.exists()
