"""Runs and checks Alembic migrations for the configured database."""

from __future__ import annotations

import asyncio
import logging
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("leakdesk")


class SchemaBehind(RuntimeError):
    pass


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("migrations")))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def schema_status(engine: AsyncEngine) -> tuple[bool, str]:
    """(True, revision) when the schema is at head, else (False, what to do)."""
    current, head = await current_revision(engine), head_revision()
    if current == head:
        return True, current or ""
    if current is None:
        return False, "the database has no leakdesk schema yet: run `leakdesk migrate`"
    return False, f"the schema is at {current}, the code expects {head}: run `leakdesk migrate`"


async def prepare_database(engine: AsyncEngine, url: str, *, auto_migrate: bool) -> None:
    """Refuses to run on a schema that is behind; the embedded SQLite default migrates itself."""
    ok, detail = await schema_status(engine)
    if ok:
        return
    if auto_migrate:
        log.info("bringing the embedded SQLite database up to date")
        # Alembic's env runs its own event loop: give it a thread of its own.
        await asyncio.to_thread(upgrade, url)
        return
    raise SchemaBehind(detail)
