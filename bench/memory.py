"""Start-up time and memory of `leakdesk serve` (SQLite, worker on, Slack on the fake).

- `startup_fresh_s`: process start → /healthz 200 on a new SQLite file (migrates it first);
- `startup_s`: the same on the migrated file (a restart), the median of three starts (one in a quick run);
- `idle_rss_mb`: resident memory 5 s (3 s in a quick run) after start-up, nothing sent;
- `loaded_rss_mb`: the peak after a burst of `/leak` reports at 20 concurrent clients, while
  the worker opens their rooms for LOADED_WATCH seconds more (a storm's backlog: room creation
  is paced to Slack's 20 channels a minute, so most rooms are still pending).
"""

from __future__ import annotations

import statistics
import sys
import time

from bench import server
from bench.ack import drive, signed_reports
from bench.first_question import _first_questions
from tests.fakes.slack_api import FakeSlack

LOADED_WATCH = 10


def main(quick: bool = False) -> dict[str, float]:
    reports = 100 if quick else 1000
    with server.workdir() as cwd, FakeSlack(trigger_ttl=None) as fake:
        url = f"sqlite+aiosqlite:///{cwd}/leakdesk.db"
        with server.leakdesk(url, fake.url, cwd=cwd) as proc:
            fresh = proc.startup_s  # type: ignore[attr-defined]
        starts = []
        for _ in range(1 if quick else 3):
            with server.leakdesk(url, fake.url, cwd=cwd) as proc:
                starts.append(proc.startup_s)  # type: ignore[attr-defined]
        with server.leakdesk(url, fake.url, cwd=cwd) as proc:
            time.sleep(3 if quick else 5)
            idle = proc.rss_mb()
            hooks = [fake.response_url("C0GENERAL", "U0REPORTER") for _ in range(reports // 5 + 20)]
            stats = drive(proc.url, signed_reports(reports, hooks, "memory"), warmup=0)
            loaded = proc.rss_mb()
            # The worker keeps opening rooms (paced to Slack's 20 channels a minute): the peak
            # over the next seconds, while it works through the backlog, counts as loaded.
            for _ in range(LOADED_WATCH * 2):
                time.sleep(0.5)
                loaded = max(loaded, proc.rss_mb())
            rooms = len(_first_questions(fake))
    result = {
        "startup_fresh_s": round(fresh, 2),
        "startup_s": round(statistics.median(starts), 2),
        "idle_rss_mb": round(idle, 1),
        "loaded_rss_mb": round(loaded, 1),
        "loaded_reports": reports,
    }
    print(
        f"leakdesk serve (SQLite): start-up {result['startup_s']} s "
        f"({result['startup_fresh_s']} s on a new database, migrating it); "
        f"RSS idle {result['idle_rss_mb']} MB; peak {result['loaded_rss_mb']} MB after {reports} "
        f"reports at 20 concurrent clients (ack errors {stats['errors']}) and {LOADED_WATCH} s "
        f"of the worker opening rooms ({rooms} opened)"
    )
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
