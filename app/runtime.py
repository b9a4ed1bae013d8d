"""Builds the long-lived objects (engine, service, queue) from the settings, once per process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.db import create_engine, foreground, read_engine, read_session_factory, session_factory
from app.incidents.crypto import vault
from app.incidents.reactions import Reactions
from app.incidents.service import Authority, Config, IncidentService
from app.incidents.timeline import chain_keys
from app.incidents.webhooks import Webhooks, register_webhooks
from app.postgres import Lane
from app.settings import Settings, company_facts_of
from app.statements import Company
from app.tally import ApiErrors
from app.triage import load_policy
from app.webhooks import Deliverer, attach_webhooks
from app.work.queue import WorkQueue


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    reactions: Reactions
    service: IncidentService
    queue: WorkQueue
    reader: AsyncEngine | None = None  # the engine of service.reads (its own pool on SQLite)
    lane: Lane | None = None  # PostgreSQL: the hottest statements on asyncpg directly
    api_errors: ApiErrors = field(default_factory=ApiErrors)  # the chat platforms' failed calls
    # What the chat platforms opened (HTTP sessions, clients), closed with the runtime.
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def closing(self, close: Callable[[], Awaitable[None]]) -> None:
        """Registers a platform's clean-up; `close()` runs it after the queue has stopped."""
        self.closers.append(close)

    async def close(self) -> None:
        await self.queue.close()
        for close in reversed(self.closers):
            await close()
        self.closers.clear()
        if self.lane is not None:
            await self.lane.close()
        if (
            self.reader is not None
            and self.reader.sync_engine.pool is not self.engine.sync_engine.pool
        ):
            await self.reader.dispose()
        await self.engine.dispose()


def build_runtime(settings: Settings, *, worker_id: str | None = None) -> Runtime:
    key = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    vault.configure(key)  # one vault per process: the column types read it
    engine = create_engine(settings.database_url)
    foreground.every_step = engine.dialect.name == "sqlite"
    sessions = session_factory(engine)
    reader = read_engine(engine)
    reads = read_session_factory(reader)
    lane = Lane(engine) if engine.dialect.name == "postgresql" else None
    reactions = Reactions()
    policy = load_policy(settings.policy_file) if settings.policy_file else None
    config = Config(
        tz=settings.timezone,
        language=settings.language,
        policy=policy,
        company=Company(name=settings.company_name, contact=settings.contact_point),
        templates_dir=settings.templates_dir,
        max_attempts=settings.work_max_attempts,
        chain_keys=chain_keys(
            settings.chain_key.get_secret_value() if settings.chain_key else None
        ),
        company_facts=company_facts_of(settings),
    )
    service = IncidentService(
        sessions,
        config=config,
        authority=lambda: Authority(frozenset(settings.pr_leads)),
        reactions=reactions,
        reads=reads,
        lane=lane,
    )
    queue = WorkQueue(
        sessions,
        worker_id=worker_id,
        lease=timedelta(seconds=settings.work_lease_seconds),
        on_dead=service.on_work_dead,
        backoff_cap=settings.work_backoff_cap,
        reads=reads,
        lane=lane,
    )
    runtime = Runtime(
        settings, engine, sessions, reactions, service, queue, reader=reader, lane=lane
    )
    if settings.webhook_urls and settings.webhook_secret is not None:
        webhooks = Webhooks(
            tuple(settings.webhook_urls), settings.webhook_drills, settings.public_url
        )
        register_webhooks(reactions, webhooks)
        deliverer = Deliverer(service, settings.webhook_secret.get_secret_value())
        attach_webhooks(queue, deliverer)
        runtime.closing(deliverer.close)
    return runtime
