"""A timeline keyed with LEAKDESK_CHAIN_KEY: database write access alone cannot rewrite it."""

from __future__ import annotations

from sqlalchemy import select

from app.incidents.timeline import data_hash, rechain
from app.models import Incident, TimelineEvent
from app.runtime import Runtime, build_runtime
from tests.conftest import make_settings


async def seeded(runtime: Runtime) -> int:
    incident, _ = await runtime.service.open_incident(
        title="Payroll file on a public share", reporter_id="U1", platform="cli"
    )
    await runtime.service.add_note(incident.id, "the share was open since March", "U1")
    await runtime.service.add_note(incident.id, "logs show two downloads", "U1")
    return incident.id


async def rewrite_without_the_key(runtime: Runtime, incident_id: int) -> None:
    """What someone with write access to the database can do: change a note and recompute
    every hash of the chain the way the code does without a key."""
    async with runtime.sessions() as session, session.begin():
        incident = await session.get(Incident, incident_id)
        assert incident is not None
        events = list(
            (
                await session.execute(
                    select(TimelineEvent)
                    .where(TimelineEvent.incident_id == incident_id)
                    .order_by(TimelineEvent.seq)
                )
            ).scalars()
        )
        events[1].data = {"text": "the share was never open"}
        events[1].data_hash = data_hash(events[1].data)
        incident.timeline_head = rechain(incident.key, events, key=None)


async def test_a_chain_recomputed_without_the_key_fails_verification(database_url: str) -> None:
    runtime = build_runtime(make_settings(database_url, chain_key="k-" + "s" * 40))
    try:
        incident_id = await seeded(runtime)
        assert await runtime.service.verify(incident_id) is None
        await rewrite_without_the_key(runtime, incident_id)
        broken = await runtime.service.verify(incident_id)
        assert broken is not None and broken.seq == 1
    finally:
        await runtime.close()


async def test_keys_rotate_and_old_chains_move_to_the_key(database_url: str) -> None:
    plain = build_runtime(make_settings(database_url))
    try:
        before = await seeded(plain)  # written before any key existed
    finally:
        await plain.close()
    old = build_runtime(make_settings(database_url, chain_key="old-" + "o" * 40))
    try:
        assert "rekey" in (await old.service.verify(before)).reason  # type: ignore[union-attr]
        assert await old.service.rekey_chains() == (1, [])
        assert await old.service.verify(before) is None
        keyed_by_old = await seeded(old)
    finally:
        await old.close()
    rotated = build_runtime(make_settings(database_url, chain_key=f"new-{'n' * 40},old-{'o' * 40}"))
    try:
        assert await rotated.service.verify(keyed_by_old) is None  # the old key still verifies
        await rotated.service.add_note(keyed_by_old, "a note under the new key", "U2")
        assert await rotated.service.verify(keyed_by_old) is None  # mixed during a rotation
        assert (await rotated.service.rekey_chains())[0] == 2
    finally:
        await rotated.close()
    new_only = build_runtime(make_settings(database_url, chain_key="new-" + "n" * 40))
    try:
        assert await new_only.service.verify(before) is None
        assert await new_only.service.verify(keyed_by_old) is None
    finally:
        await new_only.close()


async def test_a_broken_chain_is_not_keyed_over(database_url: str) -> None:
    plain = build_runtime(make_settings(database_url))
    try:
        incident_id = await seeded(plain)
        async with plain.sessions() as session, session.begin():
            event = (
                await session.execute(
                    select(TimelineEvent).where(
                        TimelineEvent.incident_id == incident_id, TimelineEvent.seq == 2
                    )
                )
            ).scalar_one()
            event.data = {"text": "changed"}
    finally:
        await plain.close()
    keyed = build_runtime(make_settings(database_url, chain_key="k-" + "s" * 40))
    try:
        done, refused = await keyed.service.rekey_chains()
        assert done == 0 and len(refused) == 1
        assert await keyed.service.verify(incident_id) is not None
    finally:
        await keyed.close()
