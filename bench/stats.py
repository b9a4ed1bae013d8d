"""Percentiles as every benchmark reports them (nearest rank, milliseconds rounded to 0.01)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(samples: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50": round(statistics.median(samples), 2) if samples else float("nan"),
        "p99": round(percentile(samples, 0.99), 2),
        "max": round(max(samples), 2) if samples else float("nan"),
    }
