"""`/leak` → first triage question posted in the new room, one report at a time.

A real `leakdesk serve` (worker on) and the tests' fake Slack in this process; the clock runs
from sending the signed `/leak` until the fake has accepted the chat.postMessage whose metadata
ref is `triage` (the one triage card, asking its first question). Measured with the fake answering at once
and with 100 ms added to every Slack call, on SQLite (and on PostgreSQL in a full run).

Reports are sent one every 3.1 s: leakdesk paces conversations.create to Slack's Tier 2 limit
(a burst of 5, then 20 a minute), so faster reports would measure that pacing, not the path.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

import httpx

from bench import server
from bench.ack import distinct_summary
from bench.stats import summary
from tests.fakes.slack_api import Call, FakeSlack
from tests.fakes.slack_requests import SlackRequests

FIRST_REF = "triage"
SPACING = 3.1


def _is_first_question(call: Call) -> bool:
    metadata = call.params.get("metadata") or {}
    payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
    return (
        call.method == "chat.postMessage"
        and call.outcome == "ok"
        and isinstance(payload, dict)
        and payload.get("ref") == FIRST_REF
    )


def _first_questions(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if _is_first_question(c)]


def run(fake: FakeSlack, url: str, count: int, tag: str) -> dict[str, Any]:
    requests = SlackRequests(server.SIGNING_SECRET, response_url=fake.response_url)
    rng = random.Random(tag)
    timings: list[float] = []
    calls_before: list[int] = []
    with httpx.Client(base_url=url, timeout=30) as http:
        for i in range(count + 1):  # the first one warms up and is not counted
            seen = len(_first_questions(fake))
            calls = len(fake.calls)
            body, headers = requests.slash(distinct_summary(rng, tag))
            begin = time.perf_counter()
            response = http.post("/slack/events", content=body, headers=headers)
            response.raise_for_status()
            fake.wait_for(lambda seen=seen: len(_first_questions(fake)) > seen, within=60)
            elapsed = (time.perf_counter() - begin) * 1000
            if i:
                timings.append(elapsed)
                calls_before.append(len(fake.calls) - calls)
            # One report every SPACING s: the rest of the room's work finishes, and the worker's
            # pacing of conversations.create (Slack's Tier 2, 20 a minute) never holds one back.
            time.sleep(max(0.2, SPACING - (time.perf_counter() - begin)))
    stats = summary(timings)
    stats["slack_calls"] = max(calls_before) if calls_before else 0
    return stats


def measure(database_url: str, label: str, counts: tuple[int, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with server.workdir() as cwd, FakeSlack(trigger_ttl=None) as fake:
        url = database_url.format(cwd=cwd)
        with server.leakdesk(url, fake.url, cwd=cwd) as proc:
            out["fast"] = run(fake, proc.url, counts[0], "fast")
            fake.latency = 0.1
            out["slow"] = run(fake, proc.url, counts[1], "slow")
            fake.latency = 0.0
    print(
        f"/leak → first question on {label}: fake Slack at once: p50 {out['fast']['p50']:.1f} ms, "
        f"p99 {out['fast']['p99']:.1f} ms (n={out['fast']['n']}); with 100 ms per Slack call: "
        f"p50 {out['slow']['p50']:.1f} ms, p99 {out['slow']['p99']:.1f} ms "
        f"(n={out['slow']['n']}; about {out['slow']['slack_calls']} Slack calls per report)"
    )
    return out


def figures(out: dict[str, Any], suffix: str) -> dict[str, float]:
    return {
        f"leak_to_first_question_p50_ms{suffix}": out["fast"]["p50"],
        f"leak_to_first_question_p99_ms{suffix}": out["fast"]["p99"],
        f"leak_to_first_question_slow_slack_p50_ms{suffix}": out["slow"]["p50"],
        f"leak_to_first_question_slow_slack_p99_ms{suffix}": out["slow"]["p99"],
        f"leak_to_first_question_slack_calls{suffix}": out["slow"]["slack_calls"],
    }


def main(quick: bool = False, *, postgres: bool = True) -> dict[str, float]:
    counts = (3, 2) if quick else (10, 5)
    result = figures(measure("sqlite+aiosqlite:///{cwd}/leakdesk.db", "SQLite", counts), "")
    if quick:
        print("  (PostgreSQL: full run only)")
    elif postgres and server.postgres_available():
        url = server.reset_postgres()
        result.update(figures(measure(url, "PostgreSQL", counts), "_pg"))
    elif postgres:
        print("  PostgreSQL not reachable: skipped")
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
