"""A snapshot gives an incident's statements (with their approvals), action items and follow-ups
as queries of their own load them, sealed text opened: on PostgreSQL they come with the incident
as JSON in one statement (app.incidents.snapshot_row), and are rebuilt from it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import inspect

from app.incidents import schedule
from app.incidents.crypto import vault
from app.incidents.reads import action_items, current_statements
from app.incidents.schedule import followups_of
from app.models import utcnow
from app.runtime import build_runtime
from tests.conftest import make_settings
from tests.incidents.test_data_protection import raw
from tests.incidents.test_statement_gate import open_misdelivery


def columns(instance: Any) -> dict[str, Any]:
    return {a.key: getattr(instance, a.key) for a in inspect(type(instance)).column_attrs}


def same(snapped: Any, loaded: Any) -> None:
    """The same row, every column as loaded, and detached as a closed session's objects are."""
    assert columns(snapped) == columns(loaded)
    assert inspect(snapped).detached and inspect(snapped).identity == inspect(loaded).identity


async def test_the_snapshot_gives_statements_items_and_prompts_as_loaded(database_url: str) -> None:
    runtime = build_runtime(
        make_settings(database_url, encryption_key=Fernet.generate_key().decode())
    )
    schedule.register(runtime.reactions, policy=lambda: runtime.service.policy, tz="Asia/Tokyo")
    try:
        service = runtime.service
        incident = await open_misdelivery(runtime)
        await service.approve(incident.id, 1, "U0LEAD1")  # approved: the pack, a series of two
        await service.redraft(incident.id, "U0LEAD1")
        await service.add_task(
            incident.id, "call the bank", "U1", owner="U2", due_at=utcnow() + timedelta(hours=2)
        )
        assert "call the bank" not in await raw(runtime, "SELECT title FROM action_items")
        snap = await service.snapshot(incident.id, followups=True)
        async with runtime.sessions() as session:
            notice, approved, pieces = await current_statements(session, incident.id)
            items = await action_items(session, incident.id)
            prompts = await followups_of(session, incident.id)
        assert notice is not None and approved is not None and approved.approvals
        assert pieces and len(snap.pieces) == len(pieces)  # the approval drafted the pack
        assert snap.approved.version == 1 and snap.statement.version == 2
        shown = (snap.statement, snap.approved, *snap.pieces)
        for snapped, loaded in zip(shown, (notice, approved, *pieces), strict=True):
            same(snapped, loaded)
            assert [columns(a) for a in snapped.approvals] == [columns(a) for a in loaded.approvals]
        assert "call the bank" in [i.title for i in snap.tasks] and len(snap.tasks) == len(items)
        for snapped, loaded in zip(snap.tasks, items, strict=True):
            same(snapped, loaded)
        assert prompts and len(snap.followups) == len(prompts)
        for snapped, loaded in zip(snap.followups, prompts, strict=True):
            same(snapped, loaded)
        bare = await service.snapshot(incident.id, tasks=False)
        assert bare.action_items is None and bare.followups == () and bare.approved is not None
    finally:
        await runtime.close()
        vault.configure(None)
