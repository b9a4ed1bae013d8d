"""Benchmarks: one module per benchmark, each with main(quick: bool = False) -> dict."""
