"""`/leak` → the first triage question posted in the new room, one report at a time, in Slack
and in Teams, against the floor measured in the same run.

A real `leakdesk serve` (worker on) and the tests' fakes in this process (fake Slack, fake
Microsoft); the clock runs from sending the report (a signed `/leak`, or a Teams message "leak
…") until the fake has accepted the post of the triage card asking its first question. Measured
with the fakes answering at once, and with 100 ms added to every Slack / Graph / Bot Connector
call (issue 24's setting).

**The floor** is the dependent calls no room can skip, timed from this process with one
keep-alive HTTP client against the same fake, interleaved with the reports (floor, report,
floor, report, …): in Slack two round trips (conversations.create, then chat.postMessage in the
new channel); in a Teams private channel three (create the channel, add the app to it —
Microsoft lets a bot post in a private channel only after that — then post). Each report's
ratio is taken against the floor measured just before it; the figures are the p50 of all
reports, the median and range of the p50s of five consecutive blocks, and the same for the
ratio (a target whose range crosses it is not met).

Channel-creation pacing is off (`LEAKDESK_SLACK_PACING=false`): with Slack's Tier 2 limit the
sixth report of a burst waits for its turn, which measures the pacing, not the path.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import httpx

from bench import server
from bench.ack import distinct_summary
from bench.stats import blocks, spread, summary
from tests.fakes.slack_api import Call, FakeSlack
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.teams_activities import Activities, User
from tests.fakes.teams_services import FakeTeams

FIRST_REF = "triage"
LATENCY = 0.1  # seconds per platform call in the "slow" runs (issue 24)
SPACING = 0.8  # seconds between reports: the previous room's set-up has finished
SLACK_ROUND_TRIPS, TEAMS_ROUND_TRIPS = 2, 3
TEAMS_APP = "5f3c1e2a-0b7d-4c55-9a0e-1d2c3b4a5f60"
TEAMS_TENANT = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
TEAMS_REPORTER = User("0e3c6a4e-1111-4a1a-9d1d-000000000001", "Rei Reporter")
TEAMS_PEOPLE = "0e3c6a4e-2222-4a1a-9d1d-000000000002"


# ----- Slack --------------------------------------------------------------------------------


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


def slack_floor(http: httpx.Client, fake: FakeSlack, n: int) -> float:
    """conversations.create, then the first post in it: the two calls a room cannot skip."""
    headers = {"Authorization": f"Bearer {server.BOT_TOKEN}"}
    begin = time.perf_counter()
    made = http.post(
        f"{fake.url}conversations.create",
        data={"name": f"floor-{n}-{random.getrandbits(24):06x}", "is_private": "true"},
        headers=headers,
    ).json()
    http.post(
        f"{fake.url}chat.postMessage",
        data={"channel": made["channel"]["id"], "text": "question"},
        headers=headers,
    ).raise_for_status()
    return (time.perf_counter() - begin) * 1000


def run_slack(fake: FakeSlack, url: str, count: int, tag: str, floor: bool) -> dict[str, Any]:
    requests = SlackRequests(server.SIGNING_SECRET, response_url=fake.response_url)
    rng = random.Random(tag)
    timings: list[float] = []
    floors: list[float] = []
    calls_before: list[int] = []
    with httpx.Client(base_url=url, timeout=30) as http, httpx.Client(timeout=30) as bare:
        for i in range(count + 1):  # the first one warms up and is not counted
            begin = time.perf_counter()
            floor_ms = slack_floor(bare, fake, i) if floor else None
            seen = len(_first_questions(fake))
            calls = len(fake.calls)
            body, headers = requests.slash(distinct_summary(rng, tag))
            start = time.perf_counter()
            response = http.post("/slack/events", content=body, headers=headers)
            response.raise_for_status()
            fake.wait_for(lambda seen=seen: len(_first_questions(fake)) > seen, within=60)
            elapsed = (time.perf_counter() - start) * 1000
            if i:
                timings.append(elapsed)
                calls_before.append(len(fake.calls) - calls)
                if floor_ms is not None:
                    floors.append(floor_ms)
            time.sleep(max(0.2, SPACING - (time.perf_counter() - begin)))
    return _stats(timings, floors) | {"slack_calls": max(calls_before) if calls_before else 0}


def _stats(timings: list[float], floors: list[float]) -> dict[str, Any]:
    stats: dict[str, Any] = summary(timings)
    stats["blocks"] = spread([summary(b)["p50"] for b in blocks(timings)])
    if floors:
        stats["floor"] = summary(floors)
        ratios = [t / f for t, f in zip(timings, floors, strict=True)]
        stats["ratio"] = spread([summary(b)["p50"] for b in blocks(ratios)])
    return stats


def measure_slack(database_url: str, label: str, counts: tuple[int, int]) -> dict[str, Any]:
    with server.workdir() as cwd, FakeSlack(trigger_ttl=None) as fake:
        url = database_url.format(cwd=cwd)
        with server.leakdesk(url, fake.url, cwd=cwd, LEAKDESK_SLACK_PACING="false") as proc:
            out = _fast_then_slow(run_slack, fake, proc.url, counts)
    _show(f"/leak → first question, Slack, {label}", out, "create + post")
    return out


def _fast_then_slow(run: Any, fake: Any, url: str, counts: tuple[int, int]) -> dict[str, Any]:
    """Reports with the fake answering at once, then with LATENCY per call (and the floor)."""
    out = {"fast": run(fake, url, counts[0], "fast", floor=False)}
    fake.latency = LATENCY
    try:
        out["slow"] = run(fake, url, counts[1], "slow", floor=True)
    finally:
        fake.latency = 0.0
    return out


def _show(title: str, out: dict[str, Any], floor: str) -> None:
    fast, slow = out["fast"], out["slow"]
    calls = f", {slow['slack_calls']} Slack calls a report" if "slack_calls" in slow else ""
    print(
        f"{title}: fake at once p50 {fast['p50']:.1f} ms (n={fast['n']}); "
        f"+{LATENCY * 1000:.0f} ms a call: p50 {slow['p50']:.1f} ms, blocks "
        f"{_range(slow['blocks'])}, p99 {slow['p99']:.1f} ms (n={slow['n']}{calls}); floor "
        f"({floor}) p50 {slow['floor']['p50']:.1f} ms; ratio {_range(slow['ratio'])}"
    )


# ----- Teams --------------------------------------------------------------------------------


def teams_floor(http: httpx.Client, fake: FakeTeams, n: int) -> float:
    """A private channel, the app added to it, then the first post: the three calls a Teams
    room cannot skip (tokens are cached, as leakdesk's are)."""
    graph = {"Authorization": "Bearer fake-graph-floor"}
    begin = time.perf_counter()
    channel = http.post(
        f"{fake.graph_url}teams/{fake.team}/channels",
        json={
            "displayName": f"floor-{n}-{random.getrandbits(24):06x}",
            "membershipType": "private",
        },
        headers=graph,
    ).json()["id"]
    beta = fake.graph_url.replace("/v1.0/", "/beta/")
    http.post(
        f"{beta}teams/{fake.team}/channels/{channel}/enabledApps/$ref",
        json={"@odata.id": "https://graph.microsoft.com/beta/appCatalogs/teamsApps/catalog-bench"},
        headers=graph,
    ).raise_for_status()
    http.post(
        f"{fake.service_url}v3/conversations/{channel}/activities",
        json={"type": "message", "text": "question"},
        headers={"Authorization": "Bearer fake-bot-floor"},
    ).raise_for_status()
    return (time.perf_counter() - begin) * 1000


def _teams_questions(fake: FakeTeams) -> list[Any]:
    return [
        a
        for a in list(fake.activities)
        if a.conversation.startswith("19:")
        and a.reply_to is None
        and '"verb": "answer"' in json.dumps(a.body)
    ]


def run_teams(fake: FakeTeams, url: str, count: int, tag: str, floor: bool) -> dict[str, Any]:
    activities = Activities(fake.service_url, TEAMS_TENANT, fake.team)
    rng = random.Random(tag)
    timings: list[float] = []
    floors: list[float] = []
    with httpx.Client(base_url=url, timeout=30) as http, httpx.Client(timeout=30) as bare:
        for i in range(count + 1):
            begin = time.perf_counter()
            floor_ms = teams_floor(bare, fake, i) if floor else None
            seen = len(_teams_questions(fake))
            activity = activities.message(f"leak {distinct_summary(rng, tag)}", TEAMS_REPORTER)
            token = fake.token(TEAMS_APP, service_url=activity["serviceUrl"])
            start, wall = time.perf_counter(), time.time()
            response = http.post(
                "/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"}
            )
            response.raise_for_status()
            deadline = time.monotonic() + 60
            while len(found := _teams_questions(fake)) <= seen:
                if time.monotonic() > deadline:
                    raise TimeoutError("no first question in Teams within 60 s")
                time.sleep(0.002)
            elapsed = (found[seen].at - wall) * 1000 if found[seen].at >= wall else 0.0
            elapsed = elapsed or (time.perf_counter() - start) * 1000
            if i:
                timings.append(elapsed)
                if floor_ms is not None:
                    floors.append(floor_ms)
            time.sleep(max(0.2, SPACING - (time.perf_counter() - begin)))
    return _stats(timings, floors)


def measure_teams(database_url: str, label: str, counts: tuple[int, int]) -> dict[str, Any]:
    with (
        server.workdir() as cwd,
        FakeSlack(trigger_ttl=None) as slack,
        FakeTeams(tenant=TEAMS_TENANT) as fake,
    ):
        fake.catalog.append({"id": "catalog-bench", "externalId": TEAMS_APP})
        fake.team_apps.append("catalog-bench")  # the floor's channels take the app too
        env = {
            "TEAMS_APP_ID": TEAMS_APP,
            "TEAMS_APP_PASSWORD": "bench-app-password",
            "TEAMS_TENANT_ID": TEAMS_TENANT,
            "TEAMS_TEAM_ID": fake.team,
            "GRAPH_API_URL": fake.graph_url,
            "TEAMS_OPENID_METADATA_URL": fake.openid_url,
            "TEAMS_LOGIN_URL": fake.login_url,
            "LEAKDESK_RESPONDERS": TEAMS_PEOPLE,
            "LEAKDESK_PR_LEADS": "",
        }
        url = database_url.format(cwd=cwd)
        with server.leakdesk(url, slack.url, cwd=cwd, **env) as proc:
            out = _fast_then_slow(run_teams, fake, proc.url, counts)
    _show(f"report → first question, Teams private channel, {label}", out, "channel + app + post")
    return out


# ----- figures ------------------------------------------------------------------------------


def _range(s: dict[str, float]) -> str:
    return f"{s['median']} [{s['low']}–{s['high']}]"


def figures(out: dict[str, Any], prefix: str, suffix: str) -> dict[str, Any]:
    fast, slow = out["fast"], out["slow"]
    result: dict[str, Any] = {
        f"{prefix}_p50_ms{suffix}": fast["p50"],
        f"{prefix}_p99_ms{suffix}": fast["p99"],
        f"{prefix}_slow_p50_ms{suffix}": slow["p50"],
        f"{prefix}_slow_p50_ms_range{suffix}": [slow["blocks"]["low"], slow["blocks"]["high"]],
        f"{prefix}_slow_p99_ms{suffix}": slow["p99"],
        f"{prefix}_floor_p50_ms{suffix}": slow["floor"]["p50"],
        f"{prefix}_ratio_vs_floor{suffix}": slow["ratio"]["median"],
        f"{prefix}_ratio_vs_floor_range{suffix}": [slow["ratio"]["low"], slow["ratio"]["high"]],
    }
    if "slack_calls" in slow:
        result[f"{prefix}_slack_calls{suffix}"] = slow["slack_calls"]
    return result


def main(quick: bool = False, *, postgres: bool = True) -> dict[str, Any]:
    counts = (5, 10) if quick else (10, 25)
    sqlite = "sqlite+aiosqlite:///{cwd}/leakdesk.db"
    result = figures(measure_slack(sqlite, "SQLite", counts), "leak_to_first_question", "")
    result.update(figures(measure_teams(sqlite, "SQLite", counts), "teams_first_question", ""))
    if quick:
        print("  (PostgreSQL: full run only)")
    elif postgres and server.postgres_available():
        url = server.reset_postgres()
        result.update(
            figures(measure_slack(url, "PostgreSQL", counts), "leak_to_first_question", "_pg")
        )
    elif postgres:
        print("  PostgreSQL not reachable: skipped")
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
