"""The ops list sorted by each incident's earliest legal clock not yet met (`deadline_at`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from app.incidents.deadlines import met_at
from app.models import Incident, TimelineEvent
from app.ops import queries
from app.runtime import Runtime
from app.triage.clocks import legal_clocks
from tests.ops.conftest import AUTH, seed_incident, sign_in


async def test_the_deadline_follows_the_clocks_the_room_has_not_met(runtime: Runtime) -> None:
    service = runtime.service
    incident = await seed_incident(runtime)
    verdict = (await service.snapshot(incident.id)).verdict
    assert verdict is not None
    clocks = legal_clocks(verdict.data)
    assert [c.name for c in clocks] == ["gdpr", "appi_preliminary", "appi_final"]  # regions unknown
    assert incident.deadline_at == clocks[0].due

    # A note that names the clock meets it (as the after-action report counts it).
    await service.add_note(incident.id, "GDPR authority notice: not needed, JP only", "U1")
    assert (await service.get(incident.id)).deadline_at == clocks[1].due
    await service.add_note(incident.id, "APPI preliminary report sent to the PPC today", "U1")
    assert (await service.get(incident.id)).deadline_at == clocks[2].due
    # A note about something else changes nothing.
    await service.add_note(incident.id, "Called the customer back", "U1")
    assert (await service.get(incident.id)).deadline_at == clocks[2].due

    await service.close(incident.id, "U1", "contained")
    assert (await service.get(incident.id)).deadline_at is None


async def test_an_earlier_awareness_time_moves_the_deadline(runtime: Runtime) -> None:
    incident = await seed_incident(runtime)
    before = incident.deadline_at
    assert before is not None
    await runtime.service.set_discovered_at(
        incident.id, incident.discovered_at - timedelta(days=20), "U1"
    )
    after = (await runtime.service.get(incident.id)).deadline_at
    assert after is not None and after < before


async def test_an_incident_without_a_verdict_has_no_deadline(runtime: Runtime) -> None:
    incident, _ = await runtime.service.open_incident(
        title="Odd e-mail", reporter_id="U1", platform="slack"
    )
    assert incident.deadline_at is None


def test_a_prompt_marked_done_meets_its_clock() -> None:
    at = datetime(2026, 11, 29, 9, tzinfo=UTC)
    events = [
        TimelineEvent(kind="followup.done", data={"kind": "gdpr"}, at=at),
        TimelineEvent(kind="note.added", data={"text": "個人情報保護委員会への確報を提出"}, at=at),
    ]
    assert met_at(events, "gdpr") == at
    assert met_at(events, "appi_final") == at
    assert met_at(events, "appi_preliminary") is None


async def open_with_awareness(runtime: Runtime, title: str, days_ago: int) -> Incident:
    incident = await seed_incident(runtime, title=title)
    await runtime.service.set_discovered_at(
        incident.id, incident.discovered_at - timedelta(days=days_ago), "U1"
    )
    return await runtime.service.get(incident.id)


async def test_the_list_sorts_by_deadline_across_pages(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    soon = await open_with_awareness(runtime, "Soon", 3)
    later = await open_with_awareness(runtime, "Later", 0)
    overdue = await open_with_awareness(runtime, "Overdue", 40)
    closed = await seed_incident(runtime, title="Closed")
    await runtime.service.close(closed.id, "U1")
    none, _ = await runtime.service.open_incident(
        title="No verdict yet", reporter_id="U1", platform="slack"
    )
    expected = [overdue.id, soon.id, later.id, none.id, closed.id]

    seen, cursor = [], None
    while True:
        page = await queries.list_incidents(
            runtime.service.sessions,
            queries.IncidentFilter(),
            cursor=cursor,
            limit=2,
            sort="deadline",
        )
        seen += [i.id for i, _ in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected

    await sign_in(client)
    html = (await client.get("/?sort=deadline&lang=en")).text
    positions = [html.index(f'/incidents/{i}"') for i in expected]
    assert positions == sorted(positions)
    assert "overdue" in html and "GDPR authority notice" in html
    newest = (await client.get("/?lang=en")).text
    assert newest.index(f'/incidents/{none.id}"') < newest.index(f'/incidents/{overdue.id}"')


async def test_odd_cursors_start_from_the_top(runtime: Runtime) -> None:
    await seed_incident(runtime)
    for cursor in ("", "x", "1.", ".1", "n.0", "１２.3", "-5.2", "n.x"):
        page = await queries.list_incidents(
            runtime.service.sessions, queries.IncidentFilter(), cursor=cursor, sort="deadline"
        )
        assert page.rows, cursor


async def test_the_api_sorts_by_deadline_and_refuses_a_foreign_cursor(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    soon = await open_with_awareness(runtime, "Soon", 3)
    later = await open_with_awareness(runtime, "Later", 0)
    overdue = await open_with_awareness(runtime, "Overdue", 40)
    keys, cursor = [], None
    while True:
        params = {"sort": "deadline", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/incidents", params=params, headers=AUTH)).json()
        keys += [item["key"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert keys == [overdue.key, soon.key, later.key]
    first = (await client.get("/api/v1/incidents?limit=1", headers=AUTH)).json()
    assert first["items"][0]["next_deadline"]["clock"] == "gdpr"  # 40 days ago: overdue, unmet
    for bad in ("x", first["next_cursor"]):  # garbage, or a cursor of the other sort
        response = await client.get(
            "/api/v1/incidents", params={"sort": "deadline", "cursor": bad}, headers=AUTH
        )
        assert response.status_code == 422, bad
