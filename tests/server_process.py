"""Starts a real `leakdesk serve` process on a free loopback port for tests (and stops it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    env: dict[str, str], *, cwd: Path, port: int | None = None, log: Path | None = None
) -> Iterator[str]:
    """Yields the base URL once /healthz answers; kills the process on exit."""
    port = port or free_port()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LEAKDESK_", "SLACK_", "DATABASE_URL"))
    }
    out = open(log or cwd / f"serve-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env={**clean, **env},
        cwd=cwd,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"leakdesk serve exited: {(cwd / out.name).read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("leakdesk serve did not become healthy in 30 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        out.close()
