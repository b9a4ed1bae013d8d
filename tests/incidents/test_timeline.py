"""The timeline's hash chain: every change is an event, and tampering is found."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from sqlalchemy import text

from app.incidents.service import IncidentService
from app.runtime import Runtime


async def open_one(service: IncidentService, title: str = "Laptop lost on a train") -> int:
    incident, _ = await service.open_incident(
        title=title, reporter_id="U0REPORTER", platform="slack", workspace_id="T0001"
    )
    return incident.id


async def test_opening_an_incident_starts_an_intact_chain(runtime: Runtime) -> None:
    incident_id = await open_one(runtime.service)
    await runtime.service.add_note(incident_id, "called the train company", "U0RESP1")
    events = await runtime.service.timeline(incident_id)
    assert [e.kind for e in events] == ["incident.opened", "note.added"]
    assert events[1].prev_hash == events[0].hash
    assert await runtime.service.verify(incident_id) is None


async def test_incident_keys_count_up_per_year(runtime: Runtime) -> None:
    first, _ = await runtime.service.open_incident(title="a", reporter_id="U1", platform="cli")
    second, _ = await runtime.service.open_incident(title="b", reporter_id="U1", platform="cli")
    drill, _ = await runtime.service.open_incident(
        title="c", reporter_id="U1", platform="cli", is_drill=True
    )
    year = first.created_at.year
    assert (first.key, second.key) == (f"LEAK-{year}-0001", f"LEAK-{year}-0002")
    assert drill.key == f"DRILL-{year}-0001"


async def test_concurrent_notes_all_land_in_order_with_an_unbroken_chain(runtime: Runtime) -> None:
    incident_id = await open_one(runtime.service)
    await asyncio.gather(
        *(runtime.service.add_note(incident_id, f"note {n}", f"U{n}") for n in range(20))
    )
    events = await runtime.service.timeline(incident_id)
    assert [e.seq for e in events] == list(range(1, 22))
    assert sorted(e.data["text"] for e in events[1:]) == sorted(f"note {n}" for n in range(20))
    assert await runtime.service.verify(incident_id) is None


async def test_a_note_is_masked_before_it_is_stored(runtime: Runtime) -> None:
    incident_id = await open_one(runtime.service)
    masked = await runtime.service.add_note(incident_id, "card 4111 1111 1111 1111 leaked", "U1")
    assert masked.kinds == ("card_number",)
    events = await runtime.service.timeline(incident_id)
    assert "4111" not in str(events[-1].data)


@pytest.mark.parametrize(
    "column,value", [("data", '{"text": "nothing happened"}'), ("actor", "'U0MALLORY'")]
)
async def test_editing_a_row_breaks_the_chain_and_verify_names_the_event(
    runtime: Runtime,
    settings,
    column: str,
    value: str,  # type: ignore[no-untyped-def]
) -> None:
    incident_id = await open_one(runtime.service)
    for n in range(3):
        await runtime.service.add_note(incident_id, f"note {n}", "U1")
    async with runtime.engine.begin() as connection:
        cast = "::jsonb" if column == "data" and runtime.engine.dialect.name == "postgresql" else ""
        quoted = f"'{value}'{cast}" if column == "data" else value
        await connection.execute(
            text(
                f"UPDATE timeline_events SET {column} = {quoted} WHERE incident_id = :i AND seq = 3"
            ),
            {"i": incident_id},
        )
    broken = await runtime.service.verify(incident_id)
    assert broken is not None and broken.seq == 3

    env = {"DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "verify", str(incident_id)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "BROKEN at event #3" in result.stdout


async def test_verify_cli_says_intact(runtime: Runtime, settings) -> None:  # type: ignore[no-untyped-def]
    incident_id = await open_one(runtime.service)
    incident = await runtime.service.get(incident_id)
    env = {"DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "verify", incident.key],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "chain intact (1 events)" in result.stdout


def test_the_masker_keeps_prose_about_passwords_and_masks_given_ones() -> None:
    from app.incidents.masking import mask

    advice = "We will never ask for your password or card number. パスワードやカード番号をお尋ねすることはありません。"
    assert mask(advice).text == advice
    assert mask("the admin password is hunter2").text == "the admin password is ▇▇▇▇"
    assert mask("パスワードはabc123です").kinds == ("password",)
    assert mask("my number 1234-5678-9018, card 4111111111111111").kinds == (
        "card_number",
        "my_number",
    )


async def test_answers_given_at_once_are_all_recorded_on_one_unbroken_chain(
    runtime: Runtime,
) -> None:
    """An answer takes the incident's row with its answers and verdict in one statement on
    PostgreSQL: answers to different questions arriving together still wait for each other."""
    incident_id = await open_one(runtime.service)
    given = {
        "data_categories": ["contact"],
        "data_subjects": ["customers"],
        "affected_count": 300,
        "subject_regions": ["JP"],
        "encryption": "none",
        "leak_mode": "unauthorized_access",
    }
    await asyncio.gather(
        *(runtime.service.record_answer(incident_id, f, v, "U1") for f, v in given.items())
    )
    snapshot = await runtime.service.snapshot(incident_id)
    assert {f: snapshot.answers[f].value for f in given} == given
    events = await runtime.service.timeline(incident_id)
    assert [e.kind for e in events].count("answer.recorded") == len(given)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert await runtime.service.verify(incident_id) is None
