"""Where a room's messages are: a reserved ref reads as not posted until its post is saved, and
once saved it reads the same from then on (each process remembers found refs, never a miss)."""

from __future__ import annotations

import asyncio
import gc

from app.runtime import Runtime
from tests.incidents.test_timeline import open_one


async def test_a_ref_reads_as_reserved_then_posted_never_as_it_was_before(
    runtime: Runtime,
) -> None:
    service = runtime.service
    incident_id = await open_one(service)
    assert await service.message_ref(incident_id, "triage") is None
    assert await service.claim_message(incident_id, "triage", "C0ROOM", work_id=7) is None
    reserved = await service.message_ref(incident_id, "triage")
    assert reserved is not None and reserved.ts is None  # being posted: not remembered
    await service.save_message_ref(incident_id, "triage", "C0ROOM", "1700000000.000100")
    posted = await service.message_ref(incident_id, "triage")
    assert posted is not None and (posted.channel_id, posted.ts) == ("C0ROOM", "1700000000.000100")
    again = await service.message_ref(incident_id, "triage")
    assert again is not None and again.ts == "1700000000.000100"
    assert await service.message_ref(incident_id, "summary") is None  # other refs still read


async def test_what_a_process_remembers_is_nothing_the_garbage_collector_walks(
    runtime: Runtime,
) -> None:
    # Up to 10,000 remembered messages: kept as ORM instances they were about 60,000 objects
    # that every full collection walked, a pause of the event loop growing with the traffic.
    service = runtime.service
    incident_id = await open_one(service)
    await service.save_message_ref(incident_id, "summary", "C0ROOM", "1700000000.000200", "T1")
    remembered = service.message_ref.__self__._posted[(incident_id, "summary")]
    gc.collect()
    assert not gc.is_tracked(remembered)
    posted = await service.message_ref(incident_id, "summary")
    assert posted is not None and (posted.ref, posted.ts, posted.thread_ts) == (
        "summary",
        "1700000000.000200",
        "T1",
    )


async def test_of_rows_claiming_one_ref_at_once_one_posts_and_the_others_are_told_so(
    runtime: Runtime,
) -> None:
    """A reservation is its one INSERT (on PostgreSQL in autocommit, `Ledger.write_alone`): of
    rows racing for a ref exactly one may post; the others, and each row asking again before
    the post is saved, get the answer that keeps a post from doubling."""
    service = runtime.service
    incident_id = await open_one(service)
    claims = await asyncio.gather(
        *(service.claim_message(incident_id, "verdict", "C0ROOM", work_id=w) for w in range(1, 9))
    )
    winners = [w for w, held in zip(range(1, 9), claims, strict=True) if held is None]
    assert len(winners) == 1
    assert all(held.work_id == winners[0] and held.ts is None for held in claims if held)
    assert await service.claim_message(incident_id, "verdict", "C0ROOM", winners[0]) is None
    await service.save_message_ref(incident_id, "verdict", "C0ROOM", "1700000000.000200")
    posted = await service.claim_message(incident_id, "verdict", "C0ROOM", winners[0])
    assert posted is not None and posted.ts == "1700000000.000200"  # posted: never again
    # A message posted with no reservation (an interaction's) gets its row when saved.
    await service.save_message_ref(incident_id, "reply", "C0ROOM", "1700000000.000300")
    assert (await service.message_ref(incident_id, "reply")).ts == "1700000000.000300"


async def test_the_snapshot_holds_the_hand_off_and_the_last_approved_notice(
    runtime: Runtime,
) -> None:
    service = runtime.service
    incident_id = await open_one(service)
    snap = await service.snapshot(incident_id)
    assert (snap.handed, snap.handed_to, snap.approved, snap.verdict) == ((), (), None, None)
    fields = await service.hand_off(incident_id, "U0LEAD1", ["U0SEC1", "U0SEC2"])
    snap = await service.snapshot(incident_id)
    assert snap.handed == tuple(fields) and snap.handed_to == ("U0SEC1", "U0SEC2")


async def test_refs_reserved_together_hold_as_each_reserved_alone(runtime: Runtime) -> None:
    """`claim_messages` answers for each ref as `claim_message` would: post now (reserved now,
    or by this row and not posted yet), or not (posted; or another row holds it)."""
    service = runtime.service
    incident_id = await open_one(service)
    assert await service.claim_message(incident_id, "triage", "C0ROOM", work_id=7) is None
    await service.save_message_ref(incident_id, "triage", "C0ROOM", "1700000000.000100")
    assert await service.claim_message(incident_id, "summary", "C0ROOM", work_id=8) is None
    assert await service.claim_message(incident_id, "note", "C0ROOM", work_id=7) is None

    refs = dict.fromkeys(("triage", "summary", "welcome", "note"))
    claims = await service.claim_messages(incident_id, refs, "C0ROOM", work_id=7)
    assert list(claims) == ["triage", "summary", "welcome", "note"]
    posted, held = claims["triage"], claims["summary"]
    assert posted is not None and posted.ts == "1700000000.000100"  # posted: never again
    assert held is not None and (held.work_id, held.ts) == (8, None)  # row 8's to post
    assert claims["welcome"] is None and claims["note"] is None  # row 7's: post them now
    again = await service.claim_messages(incident_id, {"welcome": None}, "C0ROOM", work_id=7)
    assert again == {"welcome": None}  # reserved by this row, not posted yet
    other = await service.claim_message(incident_id, "welcome", "C0ROOM", work_id=9)
    assert other is not None and other.work_id == 7
