"""What the `/leak` acknowledgement spends in the database, in-process, on SQLite.

The ack of a new report does two things in the database: the storm check
(`IncidentService.similar_open_incident`: the open incidents of the last 2 hours, at most 200,
compared with the new summary) and `open_incident` (the incident, its first timeline event and
its work rows, one transaction). Each is timed alone, one call at a time, with no open incident
and with 200 open incidents of the last 2 hours, with and without an encryption key
(LEAKDESK_ENCRYPTION_KEY seals titles at rest, so the storm check unseals each candidate's).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from typing import Any

from bench import server
from bench.ack import distinct_summary

OPEN = 200


async def _timed(calls: int, make: Any) -> float:
    samples = []
    for _ in range(calls):
        begin = time.perf_counter()
        await make()
        samples.append((time.perf_counter() - begin) * 1000)
    return round(statistics.median(samples), 2)


async def _measure(url: str, key: str | None, calls: int) -> dict[str, float]:
    from app.migrate import upgrade
    from app.runtime import build_runtime
    from app.settings import Settings

    await asyncio.to_thread(upgrade, url)
    settings = Settings(_env_file=None, database_url=url, worker_enabled=False, encryption_key=key)
    runtime = build_runtime(settings)
    service, rng = runtime.service, random.Random(7)
    out: dict[str, float] = {}
    try:

        def check() -> Any:
            return service.similar_open_incident(distinct_summary(rng, "check"), None, None)

        def open_one() -> Any:
            return service.open_incident(
                title=distinct_summary(rng, "open"), reporter_id="U0REPORTER", platform="bench"
            )

        out["check_0"] = await _timed(calls, check)
        out["open_0"] = await _timed(20, open_one)
        for _ in range(OPEN - 20):  # 20 were opened by the timing above
            await open_one()
        out["check_200"] = await _timed(calls, check)
        out["open_200"] = await _timed(20, open_one)
    finally:
        await runtime.close()
    return out


def main(quick: bool = False) -> dict[str, float]:
    from cryptography.fernet import Fernet

    calls = 30 if quick else 100
    result: dict[str, float] = {}
    for label, key in (("", None), ("_sealed", Fernet.generate_key().decode())):
        with server.workdir() as cwd:
            got = asyncio.run(_measure(f"sqlite+aiosqlite:///{cwd}/leakdesk.db", key, calls))
        result.update(
            {
                f"storm_check_p50_ms_0_open{label}": got["check_0"],
                f"storm_check_p50_ms_{OPEN}_open{label}": got["check_200"],
                f"open_incident_p50_ms{label}": got["open_0"],
                f"open_incident_p50_ms_{OPEN}_open{label}": got["open_200"],
            }
        )
        print(
            f"ack path on SQLite{' with titles sealed' if key else ''}: storm check "
            f"{got['check_0']} ms with no open incident, {got['check_200']} ms with {OPEN}; "
            f"open_incident {got['open_0']} ms ({got['open_200']} ms with {OPEN} open)"
        )
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
