"""PostgreSQL's engines (app.postgres, asyncpg) take DATABASE_URL as every other tool does, and
fail to connect with SQLAlchemy's OperationalError, as a lost connection fails."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.db import create_engine, normalize_database_url

URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


async def select_one(url: str) -> int:
    engine = create_engine(normalize_database_url(url))
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text("SELECT 1"))).scalar_one())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("mode", ["disable", "prefer"])
async def test_libpqs_sslmode_in_the_url_is_understood(mode: str) -> None:
    assert URL is not None
    url = make_url(URL).update_query_dict({"sslmode": mode})
    assert await select_one(url.render_as_string(hide_password=False)) == 1


async def test_a_server_that_cannot_be_reached_is_an_operational_error() -> None:
    assert URL is not None
    closed = make_url(URL).set(port=1)  # (nothing listens on port 1)
    with pytest.raises(OperationalError, match="Connect call failed"):
        await select_one(closed.render_as_string(hide_password=False))


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg"])
async def test_an_engine_for_any_spelling_of_the_url_connects_with_asyncpg(scheme: str) -> None:
    # (benches and tools pass the URL as they were given it, not normalised)
    assert URL is not None
    engine = create_engine(make_url(URL).set(drivername=scheme).render_as_string(False))
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
        assert engine.dialect.driver == "asyncpg"
    finally:
        await engine.dispose()
