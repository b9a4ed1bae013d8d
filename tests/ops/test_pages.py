"""The ops pages: the incidents list and one incident's verdict, clocks, statements and timeline."""

from __future__ import annotations

import httpx

from app.incidents import schedule as followups
from app.models import Incident
from app.runtime import Runtime
from tests.ops.conftest import form_csrf, seed_incident, sign_in


async def test_a_note_with_a_script_tag_shows_as_text(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    incident = await seed_incident(
        runtime, note="<script>alert(1)</script>", title="<img src=x onerror=alert(2)>"
    )
    await sign_in(client)
    page = await client.get(f"/incidents/{incident.id}")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<img src=x" not in page.text
    listing = await client.get("/")
    assert "<img src=x" not in listing.text and "&lt;img src=x" in listing.text


async def test_incident_page_shows_verdict_clocks_statements_and_timeline(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await runtime.service.approve(incident.id, 1, "U0LEAD1")
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.id}?lang=en")).text
    assert f'<span class="badge {incident.severity}">{incident.severity} ' in page  # SEV2 high
    assert "Hash chain verifies" in page
    assert "APPI final report" in page
    assert "Version 1" in page and "U0LEAD1" in page
    events = await runtime.service.timeline(incident.id)
    assert page.count("<tr><td>") >= len(events)
    for event in events:
        assert f"<code>{event.kind}</code>" in page
    assert f"/api/v1/incidents/{incident.key}/export?format=ppc" in page


async def test_the_chosen_language_is_remembered(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    await sign_in(client)
    assert "インシデント一覧" in (await client.get("/")).text
    assert "Next deadline" in (await client.get("/?lang=en")).text
    assert "Next deadline" in (await client.get("/")).text


async def test_incidents_list_filters_and_pages(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    real = await seed_incident(runtime)
    drill = await seed_incident(runtime, is_drill=True)
    await sign_in(client)
    drills = (await client.get("/?drill=yes")).text
    assert drill.key in drills and real.key not in drills
    real_only = (await client.get("/?drill=no&status=open")).text
    assert real.key in real_only and drill.key not in real_only
    assert real.key not in (await client.get(f"/?cursor={real.id}")).text
    nonsense = await client.get("/?status=<b>&severity=x&cursor=abc")
    assert nonsense.status_code == 200 and "<b>" not in nonsense.text


async def test_unknown_incident_page_is_404(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    response = await client.get("/incidents/424242")
    assert response.status_code == 404
    assert "該当するインシデントはありません" in response.text


async def test_incident_page_draws_events_against_the_deadlines(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.id}?lang=en")).text
    svg = page[page.index('<svg id="deadline-chart"') : page.index("</svg>")]
    assert svg.count('<circle class="event"') == len(await runtime.service.timeline(incident.id))
    assert svg.count('<path class="clock') == 4  # APPI target, latest, final; GDPR
    assert "APPI final report" in svg


async def test_an_edited_statement_shows_what_changed(
    client: httpx.AsyncClient, runtime: Runtime, incident: Incident
) -> None:
    first = await runtime.service.latest_statement(incident.id)
    assert first is not None
    lines = first.texts["en"].splitlines()
    edited = "\n".join([lines[0], "We are <very> sorry.", *lines[1:]])
    await runtime.service.edit_statement(incident.id, {"en": edited}, "U0LEAD1")
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.id}?lang=en")).text
    assert "Changes since version 1 (en)" in page
    assert '<span class="add">+We are &lt;very&gt; sorry.</span>' in page


async def test_incident_page_lists_the_follow_ups(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    followups.register(
        runtime.reactions, policy=lambda: runtime.service.policy, tz=runtime.settings.timezone
    )
    incident = await seed_incident(runtime)
    planned = await runtime.service.followups(incident.id)
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.id}")).text
    for row in planned:  # what each prompt is about, in words; the internal key only on hover
        assert f'<td title="{row.key}">' in page
    assert "状況確認" in page and "status:" not in page.split('<td title="')[1].split("</td>")[0]


async def test_the_login_page_language_carries_into_the_session(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    login = await client.get("/login?lang=en")
    assert "Ops token" in login.text
    await client.post(
        "/login", data={"token": "test-ops-token", "csrf": form_csrf(login.text), "next": "/"}
    )
    assert "Next deadline" in (await client.get("/")).text
