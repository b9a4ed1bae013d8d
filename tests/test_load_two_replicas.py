"""Two `leakdesk serve` replicas on one PostgreSQL take a storm of reports and answers (a reduced
bench/load.py, 50 ms per Slack call): nothing lost, nothing posted twice, both replicas working.
No timing is asserted here: speed is measured by `python -m bench --only load`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import Plan, run

PLAN = Plan(reports=20, spread_s=4, think_s=0.3, per_incident=10, wait_s=60)


def test_two_replicas_answer_every_report_and_record_every_answer_once(
    database_url: str, is_postgres: bool, tmp_path: Path
) -> None:
    if not is_postgres:
        pytest.skip("two processes share one database on PostgreSQL (set TEST_DATABASE_URL)")
    outcome = run(database_url, PLAN, cwd=tmp_path, seed="ci")
    driver = outcome.driver
    reports = driver.reports

    assert driver.errors == []  # every request acknowledged with a 200
    assert outcome.stalled == [], outcome.explain_stalls()
    assert len(reports) == PLAN.reports and all(r.key for r in reports)
    assert outcome.incidents == PLAN.reports
    assert outcome.with_room == PLAN.reports
    assert outcome.rooms_created == PLAN.reports
    assert len(outcome.first_question()) == PLAN.reports
    assert len(outcome.posted("verdict:1")) == PLAN.reports
    assert outcome.with_verdict == PLAN.reports

    assert outcome.answers_sent == PLAN.reports * PLAN.per_incident
    assert outcome.answers_recorded == outcome.answers_sent
    assert outcome.answer_events == outcome.answers_sent

    assert outcome.duplicate_posts == 0
    assert outcome.dead_rows == 0
    assert dict(outcome.slack_failures) == {}
    assert all(share > 0 for share in outcome.work_split), outcome.work_split
