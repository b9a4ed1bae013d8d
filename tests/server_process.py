"""Starts real `leakdesk serve` processes on loopback ports for tests (and stops them)."""

from __future__ import annotations

import os
import signal
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


class Server:
    """One `leakdesk serve` process; `stop(hard=True)` kills it like a crash would."""

    def __init__(self, env: dict[str, str], *, cwd: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"serve-{self.port}-{time.monotonic_ns()}.log"
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LEAKDESK_", "SLACK_", "DATABASE_URL"))
        }
        self._out = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *self.command()],
            env={**clean, **env},
            cwd=cwd,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def command(self) -> list[str]:
        return ["serve", "--port", str(self.port)]

    def wait_healthy(self, within: float = 30) -> Server:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"leakdesk serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("leakdesk serve did not become healthy in time")

    def stop(self, *, hard: bool = False) -> None:
        if self.process.poll() is None:
            if hard:
                self.process.send_signal(signal.SIGKILL)
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()


@contextmanager
def serve(env: dict[str, str], *, cwd: Path, port: int | None = None) -> Iterator[str]:
    """Yields the base URL once /healthz answers; stops the process on exit."""
    server = Server(env, cwd=cwd, port=port)
    try:
        yield server.wait_healthy().url
    finally:
        server.stop()


class Worker(Server):
    """One `leakdesk worker` process (no HTTP): healthy once it logs that it is ready."""

    def command(self) -> list[str]:
        return ["worker"]

    def wait_healthy(self, within: float = 30) -> Worker:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"leakdesk worker exited: {self.log.read_text()[-2000:]}")
            if "leakdesk ready" in self.log.read_text():
                return self
            time.sleep(0.05)
        raise RuntimeError("leakdesk worker did not become ready in time")
