"""`python -m bench [--quick] [--only NAME ...]`: runs the benchmarks, prints a table of every
figure and writes them to bench/results.json (one key per figure, plus `machine`).

A run with --only keeps the other figures already in results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"
# name → module; each module has main(quick: bool) -> dict of figures
BENCHMARKS = {
    "assess": "bench.assess",
    "ack": "bench.ack",
    "ack_path": "bench.ack_path",
    "first_question": "bench.first_question",
    "followup_lag": "bench.followup_lag",
    "ops_list": "bench.ops_list",
    "memory": "bench.memory",
    "load": "bench.load",
    "statements": "bench.statements",
}
TARGETS = {
    "ack_p99_ms": ("<", 50),
    "ack_p99_ms_pg": ("<", 50),
    "ack_p99_ratio_vs_durable_bolt": ("<=", 1.5),
    "ack_p99_ratio_vs_durable_bolt_pg": ("<=", 1.5),
    # 20 reports a second: below saturation, where 50 ms is an absolute figure (saturated,
    # even the bare bolt app's p99 is ~200 ms on 2 shared cores), and issue 24's 1.5x of the
    # durable baseline measured in the same pairs.
    "ack_paced_p99_ms": ("<", 50),
    "ack_paced_p99_ms_pg": ("<", 50),
    "ack_paced_p99_ratio_vs_durable_bolt": ("<=", 1.5),
    "ack_paced_p99_ratio_vs_durable_bolt_pg": ("<=", 1.5),
    "ack_split_paced_p99_ms_pg": ("<", 50),
    # Issue 24: the first question at 100 ms per platform call within 1.3x the dependent round
    # trips a room cannot skip (Slack 2: 260 ms; a Teams private channel 3: 390 ms).
    "leak_to_first_question_slow_p50_ms": ("<=", 260),
    "leak_to_first_question_slow_p50_ms_pg": ("<=", 260),
    "teams_first_question_slow_p50_ms": ("<=", 390),
    "load_replicas_cpu_ms_per_incident": ("<=", 150),
    "idle_rss_mb": ("<", 150),
    "followup_lag_p99_ms": ("<", 1000),
    "followup_idle_cpu_percent": ("<", 2),
    "load_errors": ("<=", 0),
    "load_duplicate_posts": ("<=", 0),
}
# Targets held only in a full run (the quick load test has 60 reports, not 500).
FULL_ONLY = {"load_first_question_p99_ms": ("<=", 1000)}


def machine(quick: bool, started: float) -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "duration_s": round(time.monotonic() - started, 1),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        **_git(),
    }
    return info


def _git() -> dict[str, Any]:
    """The commit measured, and whether app/ had changes not yet committed."""
    root = RESULTS.parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "app", "migrations"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return {}
    return {"commit": commit, "app_uncommitted_files": len([x for x in dirty if x.strip()])}


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _postgres_version() -> str | None:
    from bench import server

    try:
        from sqlalchemy import create_engine, text

        from app.db import normalize_database_url, sync_url

        engine = create_engine(sync_url(normalize_database_url(server.PG_URL)))
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return str(version)
    except Exception:
        return None


def unit(key: str) -> str:
    for suffix, name in (("_ms", "ms"), ("_mb", "MB"), ("_s", "s"), ("_percent", "% of a core")):
        if key.endswith(suffix) or f"{suffix}_" in key:
            return name
    return "ratio" if "ratio" in key else ""


def range_key(key: str) -> str:
    """Where a figure's range is kept: `x_range`, or `x_range_pg` for `x_pg`."""
    return f"{key[:-3]}_range_pg" if key.endswith("_pg") else f"{key}_range"


def verdict(key: str, value: Any, figures: dict[str, Any], full: bool) -> str:
    """ok or MISS against the figure's target; a figure measured repeatedly (its `_range`: the
    lowest and highest of its pairs or blocks) meets it only if the whole range does."""
    targets = {**TARGETS, **(FULL_ONLY if full else {})}
    if key not in targets or not isinstance(value, int | float):
        return ""
    op, limit = targets[key]

    def meets(x: float) -> bool:
        return x < limit if op == "<" else x <= limit

    spread = figures.get(range_key(key))
    if isinstance(spread, list) and spread and meets(value) and not all(map(meets, spread)):
        return f"MISS target {op} {limit} (its range {spread[0]}–{spread[-1]} crosses it)"
    return f"{'ok  ' if meets(value) else 'MISS'} target {op} {limit}"


def table(figures: dict[str, Any], full: bool = True) -> str:
    width = max((len(k) for k in figures), default=10)
    lines = [f"{'figure':<{width}}  {'value':>12}  {'unit':<12} target", "-" * (width + 42)]
    for key, value in figures.items():
        if key == "machine":
            continue
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        lines.append(
            f"{key:<{width}}  {shown:>12}  {unit(key):<12} {verdict(key, value, figures, full)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run of a couple of minutes")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), metavar="NAME")
    parser.add_argument(
        "--full",
        action="append",
        choices=sorted(BENCHMARKS),
        metavar="NAME",
        help="with --quick: run these benchmarks in full all the same (e.g. --full load)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    started = time.monotonic()
    chosen = args.only or list(BENCHMARKS)
    load_start = [round(x, 2) for x in os.getloadavg()]
    figures: dict[str, Any] = {}
    failed: list[str] = []
    for name in chosen:
        print(f"\n== {name} ==", flush=True)
        begin = time.monotonic()
        try:
            module = importlib.import_module(BENCHMARKS[name])
            figures.update(module.main(args.quick and name not in (args.full or ())))
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"({name}: {time.monotonic() - begin:.0f} s)", flush=True)

    results: dict[str, Any] = {}
    if args.only and args.output.exists():
        results = json.loads(args.output.read_text())
    results.update(figures)
    results["machine"] = {**machine(args.quick, started), "load_average_start": load_start}
    if args.only:
        results["machine"]["partial_run"] = chosen
    if args.quick and args.full:
        results["machine"]["full_benchmarks"] = args.full
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print("\n" + table(figures, full=not args.quick or "load" in (args.full or ())))
    m = results["machine"]
    print(
        f"\nmachine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, SQLite {m['sqlite']}; load average "
        f"{load_start} → {m['load_average_end']}; {m['duration_s']} s"
    )
    print(f"written to {args.output}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
