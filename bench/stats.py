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


def blocks(samples: Sequence[float], count: int = 5) -> list[list[float]]:
    """`samples` in `count` consecutive blocks (as even as the count allows)."""
    size = max(1, len(samples) // count)
    out = [list(samples[i * size : (i + 1) * size]) for i in range(count - 1)]
    out.append(list(samples[(count - 1) * size :]))
    return [b for b in out if b]


def spread(values: Sequence[float]) -> dict[str, float]:
    """The median of repeated figures (ratios of interleaved pairs, block medians) and their
    range: a target is met only when the whole range is on its side of it."""
    if not values:
        return {"median": float("nan"), "low": float("nan"), "high": float("nan"), "n": 0}
    return {
        "median": round(statistics.median(values), 2),
        "low": round(min(values), 2),
        "high": round(max(values), 2),
        "n": len(values),
    }
