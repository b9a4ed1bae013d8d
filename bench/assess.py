"""Times `assess` per call over generated answer sets; prints median and p99 in milliseconds."""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from app.triage import (
    Access,
    Answers,
    Control,
    DataCategory,
    Encryption,
    LeakMode,
    Region,
    Role,
    assess,
    default_policy,
    parse_answers,
)

SEED = 20240401
BOOL_FIELDS = ("wrongful_act", "key_compromised", "published", "secondary_damage", "contained",
               "police_involved", "listed_company", "public_body", "media_aware")  # fmt: skip
ENUM_FIELDS = {"leak_mode": LeakMode, "encryption": Encryption, "access": Access, "role": Role}
LIST_FIELDS = {
    "data_categories": DataCategory,
    "subject_regions": Region,
    "controls_missing": Control,
}
COUNTS = (None, 1, 85, 100, 101, 780, 1000, 1001, 5000, 99_999, 100_000, 2_150_000, 35_000_000)


def _maybe(rng: random.Random, value: Any) -> Any:
    # About a third of the facts unknown, as in the first hours of an incident.
    return None if rng.random() < 0.35 else value


def random_answers(rng: random.Random) -> Answers:
    """One valid answer set, as JSON would bring it (validated by parse_answers)."""
    start = datetime(2022, 4, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 365 * 6))
    data: dict[str, Any] = {"discovered_at": start.isoformat()}
    data["affected_count"] = rng.choice(COUNTS)
    for name in BOOL_FIELDS:
        data[name] = _maybe(rng, rng.random() < 0.5)
    for name, values in ENUM_FIELDS.items():
        data[name] = _maybe(rng, rng.choice(list(values)).value)
    for name, values in LIST_FIELDS.items():
        data[name] = _maybe(rng, [v.value for v in rng.sample(list(values), rng.randint(1, 3))])
    return parse_answers(data)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(quick: bool = False) -> dict[str, float]:
    rng = random.Random(SEED)
    answer_sets = [random_answers(rng) for _ in range(500 if quick else 5000)]
    policy = default_policy()
    for answers in answer_sets[:200]:  # warm caches: compiled policy, holiday years, zones
        assess(answers, policy)
    timings = []
    for answers in answer_sets:
        begin = time.perf_counter_ns()
        assess(answers, policy)
        timings.append((time.perf_counter_ns() - begin) / 1e6)
    result = {
        "assess_p50_ms": round(statistics.median(timings), 4),
        "assess_p99_ms": round(_percentile(timings, 0.99), 4),
    }
    print(f"assess over {len(timings)} answer sets: median {result['assess_p50_ms']} ms, "
          f"p99 {result['assess_p99_ms']} ms")  # fmt: skip
    return result


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
