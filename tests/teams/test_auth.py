"""Inbound activities are accepted only with a Bot Framework token the SDK validates."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.teams.conftest import APP_ID, REPORTER, Teams


async def nothing_stored(teams: Teams) -> bool:
    return await teams.runtime.service.open_incidents() == [] and await teams.work() == 0


async def test_a_valid_token_is_accepted_and_the_report_recorded(teams: Teams) -> None:
    response = await teams.send(teams.activities.message("leak laptop stolen", REPORTER))
    assert response.status_code == 200
    ((incident, _),) = await teams.runtime.service.open_incidents()
    assert incident.platform == "teams" and incident.reporter_id == REPORTER.aad
    # The JWKS came from the OpenID metadata host in the settings, not Microsoft's.
    assert teams.fake.calls_to(r"/.well-known/keys$", "GET")


def forged(teams: Teams, activity: dict[str, object]) -> dict[str, str | None]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    service_url = str(activity["serviceUrl"])
    return {
        "missing": None,
        "expired": teams.fake.token(APP_ID, service_url=service_url, expires_in=-3600),
        "wrong audience": teams.fake.token("someone-elses-bot", service_url=service_url),
        "wrong issuer": teams.fake.token(
            APP_ID, service_url=service_url, issuer="https://evil.example"
        ),
        "serviceurl mismatch": teams.fake.token(
            APP_ID, service_url="https://attacker.example/connector/"
        ),
        "signed by another key": teams.fake.token(APP_ID, service_url=service_url, key=other_key),
        "not a jwt": "not-a-token",
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "expired",
        "wrong audience",
        "wrong issuer",
        "serviceurl mismatch",
        "signed by another key",
        "not a jwt",
    ],
)
async def test_bad_tokens_are_refused_before_anything_is_stored(teams: Teams, case: str) -> None:
    activity = teams.activities.message("leak customer list on a USB stick", REPORTER)
    token = forged(teams, activity)[case]
    response = await teams.send(activity, token=token or False)
    assert response.status_code == 401
    assert await nothing_stored(teams)
    assert not teams.fake.calls_to(r"/connector/")


@pytest.mark.parametrize("tenant", ["another-tenant", None])
async def test_an_activity_from_another_or_no_tenant_is_refused(
    teams: Teams, tenant: str | None
) -> None:
    activity = teams.activities.message("leak laptop stolen", REPORTER)
    activity["channelData"] = {"tenant": {"id": tenant}} if tenant else {}
    activity["conversation"].pop("tenantId", None)
    response = await teams.send(activity)
    assert response.status_code == 403
    assert await nothing_stored(teams)


async def test_a_body_that_is_not_an_activity_is_refused(teams: Teams) -> None:
    token = teams.fake.token(APP_ID)
    headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    for body in (b"{not json", b"[1, 2]", b'"text"'):
        response = await teams.http.post("/api/messages", content=body, headers=headers)
        assert response.status_code == 400
    huge = b'{"type": "message", "text": "' + b"x" * 300_000 + b'"}'
    response = await teams.http.post("/api/messages", content=huge, headers=headers)
    assert response.status_code == 413
    assert await nothing_stored(teams)


async def test_slack_and_teams_are_served_by_one_app(database_url: str, fake_teams: object) -> None:
    import httpx

    from app.main import create_app
    from app.runtime import build_runtime
    from tests.conftest import BOT_TOKEN, SIGNING_SECRET
    from tests.fakes.teams_services import FakeTeams
    from tests.teams.conftest import teams_settings

    assert isinstance(fake_teams, FakeTeams)
    settings = teams_settings(
        database_url,
        fake_teams,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
    )
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
            assert (await http.post("/api/messages", json={"type": "message"})).status_code == 401
            assert (await http.post("/slack/events", content=b"x")).status_code in (400, 401)
            assert (await http.get("/healthz")).status_code == 200


async def test_a_slow_key_fetch_does_not_stall_other_requests(teams: Teams) -> None:
    import asyncio
    import time

    teams.fake.keys_delay = 1.5
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    response = await teams.send(teams.activities.message("leak laptop stolen", REPORTER))
    ticking.cancel()
    assert response.status_code == 200
    # The event loop kept serving while the keys were fetched: a blocking fetch would show one
    # gap of at least 1.5 s (the margin absorbs a busy CI machine running two suites at once).
    assert sum(gaps) > 1.4 and max(gaps) < 1.0
