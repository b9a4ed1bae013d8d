"""A NUL character in an activity is a 400, never a database error (PostgreSQL stores none)."""

from __future__ import annotations

from tests.teams.conftest import REPORTER, Teams


async def test_an_activity_carrying_a_nul_character_is_refused(teams: Teams) -> None:
    response = await teams.send(teams.activities.message("leak payroll\x00file", REPORTER))
    assert response.status_code == 400
    assert await teams.runtime.service.open_incidents() == []
