"""Ops pages and API with 100,000 incidents on PostgreSQL.

The `bench` database is filled in bulk with 100,000 incidents (20,000 in a quick run) over two years (one in ten open,
one in twenty a drill) and a verdict for four in five (real `assess` output), then a real
`leakdesk serve` answers, one request at a time, after a warm-up:

- `ops_list`: `GET /api/v1/incidents` (the newest 50, with their verdicts and next deadlines);
- `ops_list_filtered`: the same with `status=open&severity=SEV1`;
- `ops_list_deep`: a page in the middle (cursor = the middle id);
- `ops_list_days`: incidents opened in one week a year ago (`opened_from`/`opened_to`);
- `ops_incident`: `GET /api/v1/incidents/{id}`;
- `ops_page`: the HTML incidents page `/`, signed in.
"""

from __future__ import annotations

import asyncio
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench import server
from bench.stats import summary

INCIDENTS = 100_000
QUICK_INCIDENTS = 20_000  # seeding 100,000 takes most of a minute
OPS_TOKEN = "bench-ops-token"


def _verdicts() -> dict[str, dict[str, Any]]:
    """One real verdict per severity, from generated answers."""
    from app.triage import assess, default_policy
    from bench.assess import random_answers

    rng, policy, found = random.Random(11), default_policy(), {}
    for _ in range(2000):
        data = assess(random_answers(rng), policy).model_dump(mode="json")
        found.setdefault(data["severity"], data)
        if len(found) == 4:
            break
    return found


async def _seed(url: str, count: int) -> None:
    from sqlalchemy import insert, text

    from app.db import create_engine
    from app.models import Incident, Verdict

    verdicts = _verdicts()
    levels = sorted(verdicts)
    rng = random.Random(5)
    start = datetime.now(UTC) - timedelta(days=730)
    step = timedelta(days=730) / count
    engine = create_engine(url)
    try:
        for chunk in range(0, count, 10_000):
            rows, severities = [], []
            for i in range(chunk, min(count, chunk + 10_000)):
                at = start + step * i
                is_open = i % 10 == 0
                severity = levels[rng.randrange(len(levels))] if i % 5 else None
                severities.append(severity)
                rows.append(
                    {
                        "key": f"BENCH-{i:06d}",
                        "title": f"bench incident {i} {rng.getrandbits(32):08x}",
                        "status": "open" if is_open else "closed",
                        "severity": severity,
                        "platform": "slack",
                        "workspace_id": "T0001",
                        "channel_id": f"C{i:09d}",
                        "channel_name": f"leak-bench-{i:06d}",
                        "reporter_id": "U0REPORTER",
                        "discovered_at": at,
                        "is_drill": i % 20 == 0,
                        "language": "en",
                        "source": {},
                        "created_at": at,
                        "updated_at": at,
                        "closed_at": None if is_open else at + timedelta(days=3),
                        "timeline_seq": 0,
                        "timeline_head": "0" * 64,
                    }
                )
            async with engine.begin() as connection:
                ids = list(
                    (
                        await connection.execute(insert(Incident).returning(Incident.id), rows)
                    ).scalars()
                )
                verdict_rows = [
                    {
                        "incident_id": incident_id,
                        "version": 1,
                        "policy_version": verdicts[severity]["policy_version"],
                        "severity": severity,
                        "data": verdicts[severity],
                        "answers": {},
                        "created_at": row["created_at"],
                    }
                    for incident_id, severity, row in zip(ids, severities, rows, strict=True)
                    if severity
                ]
                await connection.execute(insert(Verdict), verdict_rows)
        async with engine.connect() as connection:
            await connection.execute(text("COMMIT"))
            await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


def _timed(http: httpx.Client, path: str, calls: int) -> dict[str, float]:
    for _ in range(3):
        http.get(path).raise_for_status()
    samples = []
    for _ in range(calls):
        begin = time.perf_counter()
        response = http.get(path)
        samples.append((time.perf_counter() - begin) * 1000)
        response.raise_for_status()
    return summary(samples)


def _sign_in(http: httpx.Client) -> None:
    page = http.get("/login")
    match = re.search(r'name="csrf"\s+value="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError("no csrf field on /login")
    response = http.post("/login", data={"token": OPS_TOKEN, "csrf": match.group(1), "next": "/"})
    if response.status_code not in (200, 303):
        raise RuntimeError(f"sign-in failed: {response.status_code}")


def main(quick: bool = False) -> dict[str, float]:
    if not server.postgres_available():
        print("PostgreSQL not reachable: ops pages skipped")
        return {}
    calls, count = (20, QUICK_INCIDENTS) if quick else (60, INCIDENTS)
    url = server.reset_postgres()
    began = time.monotonic()
    asyncio.run(_seed(url, count))
    seeded = time.monotonic() - began
    a_year_ago = (datetime.now(UTC) - timedelta(days=365)).date()
    week = f"opened_from={a_year_ago}&opened_to={a_year_ago + timedelta(days=6)}"
    paths = {
        "ops_list": "/api/v1/incidents",
        "ops_list_filtered": "/api/v1/incidents?status=open&severity=SEV1",
        "ops_list_deep": f"/api/v1/incidents?cursor={count // 2}",
        "ops_list_days": f"/api/v1/incidents?{week}",
        "ops_incident": f"/api/v1/incidents/{count // 2}",
    }
    out: dict[str, dict[str, float]] = {}
    with (
        server.workdir() as cwd,
        server.leakdesk(
            url,
            "http://127.0.0.1:9/api/",  # never called: no Slack request is sent
            cwd=cwd,
            LEAKDESK_OPS_TOKEN=OPS_TOKEN,
            LEAKDESK_SESSION_SECRET="bench-session-secret-0123456789abcdef",
        ) as proc,
    ):
        headers = {"Authorization": f"Bearer {OPS_TOKEN}"}
        with httpx.Client(base_url=proc.url, headers=headers, timeout=30) as http:
            for name, path in paths.items():
                out[name] = _timed(http, path, calls)
        with httpx.Client(base_url=proc.url, timeout=30, follow_redirects=False) as http:
            _sign_in(http)
            out["ops_page"] = _timed(http, "/", calls)
    result: dict[str, float] = {"ops_incidents": count}
    for name, stats in out.items():
        result[f"{name}_p50_ms"] = stats["p50"]
        result[f"{name}_p99_ms"] = stats["p99"]
    print(
        f"ops with {count:,} incidents on PostgreSQL (seeded in {seeded:.0f} s), "
        f"{calls} requests each, one at a time:"
    )
    for name, stats in out.items():
        print(f"  {name:<18} p50 {stats['p50']:7.2f} ms  p99 {stats['p99']:7.2f} ms")
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
