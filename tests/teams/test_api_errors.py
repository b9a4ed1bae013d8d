"""Failed Teams calls (Graph, Bot Connector) are counted on /metrics by operation and error."""

from __future__ import annotations

import httpx

from app.main import create_app
from app.runtime import build_runtime
from tests.fakes.teams_activities import Activities
from tests.fakes.teams_services import FakeTeams
from tests.slack.test_api_errors import TOKEN, errors
from tests.teams.conftest import TENANT, Teams, teams_settings


async def test_failed_graph_calls_are_counted_by_operation_and_error(
    database_url: str, fake_teams: FakeTeams
) -> None:
    settings = teams_settings(database_url, fake_teams, ops_token=TOKEN)
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        activities = Activities(fake_teams.service_url, TENANT, fake_teams.team)
        teams = Teams(fake_teams, activities, http, runtime)
        fake_teams.fail(r"/teams/[^/]+/channels$", 403, code="Forbidden")
        await teams.say("leak payroll file on a public share")
        await teams.work()
        response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    await runtime.close()
    counted = errors(response.text)
    assert counted[("teams", "POST v1.0/teams/{id}/channels", "Forbidden")] == 1
