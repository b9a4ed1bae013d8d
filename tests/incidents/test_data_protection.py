"""Free text is encrypted at rest when a key is set, keys rotate, and retention purges text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from app.incidents.crypto import reseal_all, vault
from app.models import utcnow
from app.runtime import build_runtime
from app.settings import SettingsError, load_settings
from tests.conftest import make_settings


async def raw(runtime, sql: str) -> str:  # type: ignore[no-untyped-def]
    async with runtime.engine.connect() as connection:
        return " ".join(str(row) for row in (await connection.execute(text(sql))).all())


async def test_free_text_is_sealed_at_rest_and_reads_back(database_url: str) -> None:
    runtime = build_runtime(
        make_settings(database_url, encryption_key=Fernet.generate_key().decode())
    )
    try:
        incident, _ = await runtime.service.open_incident(
            title="Payroll file on a public share", reporter_id="U1", platform="cli"
        )
        await runtime.service.add_note(incident.id, "the share was open since March", "U1")
        stored = await raw(runtime, "SELECT title FROM incidents") + await raw(
            runtime, "SELECT data FROM timeline_events"
        )
        assert "Payroll" not in stored and "March" not in stored
        assert (await runtime.service.get(incident.id)).title == "Payroll file on a public share"
        assert (await runtime.service.timeline(incident.id))[-1].data == {
            "text": "the share was open since March"
        }
        assert await runtime.service.verify(incident.id) is None
    finally:
        await runtime.close()
        vault.configure(None)


async def test_sealed_answers_read_back_in_the_snapshot_as_answered(database_url: str) -> None:
    """An answer's value is sealed at rest; the snapshot gives it back as answered, with who
    answered and when (on PostgreSQL the answers come aggregated as JSON with the incident)."""
    runtime = build_runtime(
        make_settings(database_url, encryption_key=Fernet.generate_key().decode())
    )
    try:
        incident, _ = await runtime.service.open_incident(
            title="Mail to the wrong list", reporter_id="U1", platform="cli"
        )
        service = runtime.service
        await service.record_answer(incident.id, "cause", "a mistyped list", "U2")
        await service.record_answer(incident.id, "affected_count", 1200, "U3")
        await service.record_answer(incident.id, "cause", "a mistyped address", "U2")
        assert "mistyped" not in await raw(runtime, "SELECT value FROM answers")
        snap = await service.snapshot(incident.id)
        assert snap.values == {"cause": "a mistyped address", "affected_count": 1200}
        assert snap.answers["affected_count"].actor == "U3"
        events = [e for e in await service.timeline(incident.id) if e.kind == "answer.recorded"]
        assert [e.at for e in events][1:] == [
            snap.answers[f].at for f in ("affected_count", "cause")
        ]
        assert events[-1].data["previous"] == "a mistyped list"
        assert await service.verify(incident.id) is None
    finally:
        await runtime.close()
        vault.configure(None)


async def test_keys_rotate_without_losing_anything(database_url: str) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    runtime = build_runtime(make_settings(database_url, encryption_key=old))
    incident, _ = await runtime.service.open_incident(
        title="Lost tablet", reporter_id="U1", platform="cli"
    )
    await runtime.close()
    runtime = build_runtime(make_settings(database_url, encryption_key=f"{new},{old}"))
    assert await reseal_all(runtime.sessions) > 0
    await runtime.close()
    runtime = build_runtime(make_settings(database_url, encryption_key=new))
    try:
        assert (await runtime.service.get(incident.id)).title == "Lost tablet"
        assert await runtime.service.verify(incident.id) is None
    finally:
        await runtime.close()
        vault.configure(None)


def test_a_bad_key_is_a_clear_settings_error() -> None:
    with pytest.raises(SettingsError, match="LEAKDESK_ENCRYPTION_KEY: .*Fernet keys"):
        load_settings(_env_file=None, encryption_key="not-a-key")


async def test_retention_purges_closed_incidents_text_and_the_chain_still_verifies(runtime) -> None:  # type: ignore[no-untyped-def]
    incident, _ = await runtime.service.open_incident(
        title="Misdirected fax", reporter_id="U1", platform="cli"
    )
    await runtime.service.add_note(incident.id, "recipient shredded it", "U1")
    await runtime.service.close(incident.id, "U1", "recovered")
    still_open, _ = await runtime.service.open_incident(
        title="Still open", reporter_id="U1", platform="cli"
    )
    runtime.service.clock = lambda: utcnow() + timedelta(days=31)
    assert await runtime.service.purge_closed(timedelta(days=30)) == 1
    assert await runtime.service.purge_closed(timedelta(days=30)) == 0
    stored = await raw(runtime, "SELECT title FROM incidents") + await raw(
        runtime, "SELECT data FROM timeline_events"
    )
    assert "Misdirected" not in stored and "shredded" not in stored and "Still open" in stored
    events = await runtime.service.timeline(incident.id)
    assert events[-1].kind == "incident.purged"
    assert await runtime.service.verify(incident.id) is None
