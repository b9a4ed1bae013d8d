"""Acknowledgement of `/leak` at 20 concurrent clients: leakdesk against two bare slack-bolt apps.

For each database (a SQLite file, then the PostgreSQL `bench` database) three real server
processes are measured one after the other, in the same run, with the same signed requests:

- `bare`: slack-bolt that only acks (bench/baselines.py);
- `durable`: slack-bolt that acks after one committed INSERT into the same database;
- `leakdesk serve` as deployed (worker on, fake Slack answering at once in its own process), so
  the incident, its timeline event and its work rows are written, and the worker's room
  creation runs alongside the acks;
- `leakdesk serve` with `LEAKDESK_WORKER=false` and a `leakdesk worker` process beside it (the
  topology docs/operations.md recommends at scale): the same acks, the room work in another
  process (its CPU figure is the web process's alone).

Latency is measured by the client (httpx, keep-alive, 20 connections) from sending the request
to reading the whole response, after a warm-up that is not counted.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench import server
from bench.stats import summary
from tests.fakes.slack_requests import SlackRequests

CONCURRENCY = 20


def distinct_summary(rng: random.Random, tag: str) -> str:
    """A summary unlike any other, so that storm grouping (similar summaries within 2 h are
    offered the open incident's room) does not apply: every report opens an incident."""
    words = " ".join(f"{rng.getrandbits(32):08x}" for _ in range(4))
    return f"{tag} {words}"


def signed_reports(
    count: int, response_urls: Sequence[str], tag: str, *, similar: bool = False
) -> list[Any]:
    """`count` signed `/leak` commands, signed now; distinct summaries unless `similar`."""
    requests = SlackRequests(server.SIGNING_SECRET)
    rng = random.Random(f"{tag}-{count}")
    out = []
    for i in range(count):
        url = response_urls[i % len(response_urls)] if response_urls else None
        text = (
            f"customer list {i} emailed to the wrong address"
            if similar
            else distinct_summary(rng, tag)
        )
        out.append(
            requests.slash(text, user_id="U0REPORTER", channel_id="C0GENERAL", response_url=url)
        )
    return out


async def _drive(url: str, signed: Sequence[Any], concurrency: int) -> dict[str, Any]:
    timings: list[float] = []
    errors: list[str] = []
    cursor = iter(range(len(signed)))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for i in cursor:
                body, headers = signed[i]
                begin = time.perf_counter()
                try:
                    response = await client.post("/slack/events", content=body, headers=headers)
                    await response.aread()
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    continue
                timings.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")

        begin = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - begin
    return {"timings": timings, "errors": errors, "elapsed": elapsed}


async def _drive_paced(
    url: str, signed: Sequence[Any], clients: int, interval: float
) -> dict[str, Any]:
    """`clients` clients, each sending one request every `interval` s (staggered): an offered
    load of clients/interval requests a second, below saturation, whatever the server does."""
    timings: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def one(share: Sequence[Any], offset: float) -> None:
            start = time.perf_counter() + offset
            for k, (body, headers) in enumerate(share):
                await asyncio.sleep(max(0.0, start + k * interval - time.perf_counter()))
                begin = time.perf_counter()
                try:
                    response = await client.post("/slack/events", content=body, headers=headers)
                    await response.aread()
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    continue
                timings.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")

        await asyncio.gather(
            *(one(signed[i::clients], interval * i / clients) for i in range(clients))
        )
    return {"timings": timings, "errors": errors}


def drive_paced(
    url: str, signed: Sequence[Any], *, clients: int = CONCURRENCY, interval: float = 1.0
) -> dict[str, Any]:
    run = asyncio.run(_drive_paced(url, signed, clients, interval))
    stats = summary(run["timings"])
    stats["errors"] = len(run["errors"])
    return stats


def drive(
    url: str,
    signed: Sequence[Any],
    *,
    concurrency: int = CONCURRENCY,
    warmup: int = 40,
    pid: int | None = None,
) -> dict[str, Any]:
    """Sends the warm-up (not counted), then `signed` with `concurrency` clients; with `pid`,
    also the server's CPU time per counted request."""
    if warmup:
        asyncio.run(_drive(url, signed[:warmup], min(concurrency, warmup)))
    cpu = server.cpu_seconds(pid) if pid else 0.0
    run = asyncio.run(_drive(url, signed[warmup:], concurrency))
    stats = summary(run["timings"])
    tenth = max(1, len(run["timings"]) // 10)
    stats["p50_first_tenth"] = summary(run["timings"][:tenth])["p50"]
    stats["p50_last_tenth"] = summary(run["timings"][-tenth:])["p50"]
    if pid:
        used = server.cpu_seconds(pid) - cpu
        stats["cpu_ms_per_request"] = round(used * 1000 / max(1, len(run["timings"])), 2)
    stats["errors"] = len(run["errors"])
    stats["rps"] = round(len(run["timings"]) / run["elapsed"], 1)
    if run["errors"]:
        stats["first_error"] = run["errors"][0]
    return stats


def _line(name: str, stats: dict[str, Any]) -> str:
    return (
        f"  {name:<26} p50 {stats['p50']:7.2f} ms  p99 {stats['p99']:7.2f} ms  "
        f"max {stats['max']:7.2f} ms  {stats['rps']:5.0f} req/s  "
        f"server CPU {stats.get('cpu_ms_per_request', 0):5.2f} ms/req  errors {stats['errors']}"
    )


def fresh(database_url: str, cwd: Path, name: str) -> str:
    """An empty database: a new SQLite file, or the PostgreSQL bench database emptied."""
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{cwd}/{name}.db"
    return server.reset_postgres(database_url)


def _target(kind: str, database_url: str, api: str, cwd: Path) -> Any:
    if kind == "leakdesk":
        return server.leakdesk(database_url, api, cwd=cwd)
    if kind == "leakdesk_split":
        return server.leakdesk_split(database_url, api, cwd=cwd)
    return server.baseline(kind, database_url, api, cwd=cwd)


def measure_database(
    label: str,
    database_url: str,
    fake: server.Process,
    cwd: Path,
    count: int,
    *,
    with_worker_off: bool = False,
) -> dict[str, dict[str, Any]]:
    """The three targets on one database, in the order bare, durable, leakdesk."""
    out: dict[str, dict[str, Any]] = {}
    hooks: list[str] = fake.response_urls  # type: ignore[attr-defined]
    paced = 60 if count < 1000 else 200
    api: str = fake.api_url  # type: ignore[attr-defined]
    warmup = 40
    print(f"ack of /leak at {CONCURRENCY} concurrent clients, {count} requests, on {label}:")
    for kind in ("bare", "durable", "leakdesk", "leakdesk_split"):
        signed = signed_reports(count + 2 * warmup + paced, hooks, kind)
        # Each phase on an empty database and a new server: the paced figure is 20 reports a
        # second as such, not 20 a second while a worker works off the storm before it (nor
        # does the split worker start with the all-in-one server's backlog).
        with _target(kind, fresh(database_url, cwd, f"{kind}-storm"), api, cwd) as proc:
            out[kind] = drive(proc.url, signed[: count + warmup], warmup=warmup, pid=proc.pid)
        with _target(kind, fresh(database_url, cwd, f"{kind}-paced"), api, cwd) as proc:
            asyncio.run(_drive(proc.url, signed[count + warmup : count + 2 * warmup], 4))
            time.sleep(3)  # warmed up, and the warm-up's rooms made
            out[kind]["paced"] = drive_paced(proc.url, signed[count + 2 * warmup :])
        name = {
            "leakdesk": "leakdesk serve",
            "leakdesk_split": "serve + worker process",
        }.get(kind, f"{kind} slack-bolt")
        print(_line(name, out[kind]))
        p = out[kind]["paced"]
        print(
            f"  {'  paced, 20 req/s':<26} p50 {p['p50']:7.2f} ms  p99 {p['p99']:7.2f} ms  "
            f"max {p['max']:7.2f} ms  errors {p['errors']}"
        )
    if with_worker_off:
        # The same, worker off: what the acknowledgement path alone costs (diagnostic).
        with server.leakdesk(database_url, api, cwd=cwd, LEAKDESK_WORKER="false") as proc:
            signed = signed_reports(count + warmup, hooks, "ackonly")
            out["leakdesk_no_worker"] = drive(proc.url, signed, warmup=warmup, pid=proc.pid)
        print(_line("leakdesk serve, worker off", out["leakdesk_no_worker"]))
    return out


def figures(results: dict[str, dict[str, Any]], suffix: str) -> dict[str, float]:
    bare, durable, ours = results["bare"], results["durable"], results["leakdesk"]
    out = {
        f"ack_p50_ms{suffix}": ours["p50"],
        f"ack_p99_ms{suffix}": ours["p99"],
        f"ack_errors{suffix}": ours["errors"],
        f"ack_p50_first_tenth_ms{suffix}": ours["p50_first_tenth"],
        f"ack_p50_last_tenth_ms{suffix}": ours["p50_last_tenth"],
        f"ack_rps{suffix}": ours["rps"],
        f"bare_bolt_ack_p50_ms{suffix}": bare["p50"],
        f"bare_bolt_ack_p99_ms{suffix}": bare["p99"],
        f"durable_bolt_ack_p50_ms{suffix}": durable["p50"],
        f"durable_bolt_ack_p99_ms{suffix}": durable["p99"],
        f"ack_p50_ratio_vs_bare_bolt{suffix}": round(ours["p50"] / bare["p50"], 2),
        f"ack_p99_ratio_vs_bare_bolt{suffix}": round(ours["p99"] / bare["p99"], 2),
        f"ack_p50_ratio_vs_durable_bolt{suffix}": round(ours["p50"] / durable["p50"], 2),
        f"ack_p99_ratio_vs_durable_bolt{suffix}": round(ours["p99"] / durable["p99"], 2),
        f"ack_cpu_ms_per_request{suffix}": ours["cpu_ms_per_request"],
        f"bare_bolt_ack_cpu_ms_per_request{suffix}": bare["cpu_ms_per_request"],
        f"durable_bolt_ack_cpu_ms_per_request{suffix}": durable["cpu_ms_per_request"],
    }
    for name, key in (("bare_bolt_", "bare"), ("durable_bolt_", "durable"), ("", "leakdesk")):
        paced = results[key]["paced"]
        out[f"{name}ack_paced_p50_ms{suffix}"] = paced["p50"]
        out[f"{name}ack_paced_p99_ms{suffix}"] = paced["p99"]
    out[f"ack_paced_p99_ratio_vs_durable_bolt{suffix}"] = round(
        results["leakdesk"]["paced"]["p99"] / results["durable"]["paced"]["p99"], 2
    )
    if split := results.get("leakdesk_split"):
        out[f"ack_split_p50_ms{suffix}"] = split["p50"]
        out[f"ack_split_p99_ms{suffix}"] = split["p99"]
        out[f"ack_split_p99_ratio_vs_durable_bolt{suffix}"] = round(
            split["p99"] / durable["p99"], 2
        )
        out[f"ack_split_cpu_ms_per_request{suffix}"] = split["cpu_ms_per_request"]
        out[f"ack_split_paced_p50_ms{suffix}"] = split["paced"]["p50"]
        out[f"ack_split_paced_p99_ms{suffix}"] = split["paced"]["p99"]
        out[f"ack_split_paced_p99_ratio_vs_durable_bolt{suffix}"] = round(
            split["paced"]["p99"] / results["durable"]["paced"]["p99"], 2
        )
    if alone := results.get("leakdesk_no_worker"):
        out[f"ack_no_worker_p50_ms{suffix}"] = alone["p50"]
        out[f"ack_no_worker_p99_ms{suffix}"] = alone["p99"]
        out[f"ack_no_worker_cpu_ms_per_request{suffix}"] = alone["cpu_ms_per_request"]
    return out


def main(quick: bool = False, *, postgres: bool = True) -> dict[str, float]:
    count = 300 if quick else 1200
    result: dict[str, float] = {"ack_requests": count, "ack_concurrency": CONCURRENCY}
    with server.workdir() as cwd, server.fake_slack_process(cwd=cwd, hooks=600) as fake:
        sqlite = measure_database(
            "SQLite",
            f"sqlite+aiosqlite:///{cwd}/leakdesk.db",
            fake,
            cwd,
            count,
        )
        result.update(figures(sqlite, ""))
        if postgres and server.postgres_available():
            url = server.reset_postgres()
            pg = measure_database("PostgreSQL", url, fake, cwd, count)
            result.update(figures(pg, "_pg"))
        elif postgres:
            print("  PostgreSQL not reachable: skipped")
    for suffix in ("", "_pg"):
        if f"ack_p99_ms{suffix}" in result:
            print(
                f"  leakdesk/durable p99 ratio{suffix or ' (SQLite)'}: "
                f"{result[f'ack_p99_ratio_vs_durable_bolt{suffix}']}  "
                f"(target <= 1.5, and p99 < 50 ms)"
            )
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
