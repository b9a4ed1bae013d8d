"""Fixtures for the ops pages, API and exports: an app with an ops token and a seeded incident."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.models import Incident
from app.runtime import Runtime, build_runtime
from app.settings import Settings
from tests.conftest import make_settings

OPS_TOKEN = "test-ops-token"
AUTH = {"Authorization": f"Bearer {OPS_TOKEN}"}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, ops_token=OPS_TOKEN, session_secret="x" * 32)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    rt = build_runtime(settings)
    yield rt
    await rt.close()


@pytest.fixture
def app(settings: Settings, runtime: Runtime) -> FastAPI:
    return create_app(settings, runtime=runtime, start_worker=False)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def seed_incident(runtime: Runtime, note: str = "first look", **kwargs: object) -> Incident:
    """An incident with a note, what leaked and how: a verdict and a statement draft follow."""
    service = runtime.service
    incident, _ = await service.open_incident(
        title=str(kwargs.pop("title", "Customer list sent to the wrong address")),
        reporter_id="U1",
        platform="slack",
        **kwargs,  # type: ignore[arg-type]
    )
    await service.add_note(incident.id, note, "U1")
    await service.record_answer(incident.id, "data_categories", ["contact"], "U1")
    await service.record_answer(incident.id, "leak_mode", "misdelivery", "U1")
    return await service.get(incident.id)


@pytest.fixture
async def incident(runtime: Runtime) -> Incident:
    return await seed_incident(runtime)


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, token: str = OPS_TOKEN) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login", data={"token": token, "csrf": form_csrf(page.text), "next": "/"}
    )
