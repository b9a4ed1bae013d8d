"""The assess benchmark runs and reports its two numbers."""

from __future__ import annotations

from bench.assess import main, random_answers


def test_bench_reports_median_and_p99(capsys) -> None:  # type: ignore[no-untyped-def]
    result = main(quick=True)
    assert set(result) == {"assess_p50_ms", "assess_p99_ms"}
    assert 0 < result["assess_p50_ms"] <= result["assess_p99_ms"]
    assert "median" in capsys.readouterr().out


def test_generated_answers_are_valid_and_varied() -> None:
    import random

    rng = random.Random(1)
    sets = [random_answers(rng) for _ in range(50)]
    assert len({a.leak_mode for a in sets}) > 5
