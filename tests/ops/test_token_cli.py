"""API tokens made and revoked from the CLI work against the real API."""

from __future__ import annotations

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.runtime import build_runtime
from tests.conftest import make_settings


def test_a_created_token_opens_the_api_and_a_revoked_one_does_not(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    monkeypatch.setenv("DATABASE_URL", database_url)
    created = CliRunner().invoke(cli, ["token", "create", "auditor"])
    assert created.exit_code == 0, created.output
    token = created.output.strip()
    assert token.startswith("ldk_")

    async def status() -> int:
        settings = make_settings(database_url, ops_token="x" * 32, session_secret="y" * 32)
        runtime = build_runtime(settings)
        app = create_app(settings, runtime=runtime, start_worker=False)
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as http:
                response = await http.get(
                    "/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}
                )
                return response.status_code
        finally:
            await runtime.close()

    assert asyncio.run(status()) == 200
    revoked = CliRunner().invoke(cli, ["token", "revoke", "auditor"])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.output
    assert asyncio.run(status()) == 401
    assert CliRunner().invoke(cli, ["token", "revoke", "auditor"]).exit_code == 2
