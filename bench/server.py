"""Real server processes for the benchmarks: `leakdesk serve`, the baselines and a fake Slack.

Every process listens on a free 127.0.0.1 port, is started with an explicit environment (never
the caller's SLACK_*/LEAKDESK_*/DATABASE_URL, never a `.env` file: each runs in its own working
directory) and is stopped by the context manager that started it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
HOOKS_FILE = "response_urls.txt"
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without leakdesk's settings, plus `extra` and the repo on the path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LEAKDESK_", "SLACK_", "DATABASE_URL", "TEAMS_"))
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


class Process:
    """One child process serving HTTP on `port`; its output goes to a log file in `workdir`."""

    def __init__(self, args: list[str], env: dict[str, str], *, workdir: Path, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = workdir / f"{Path(args[2] if len(args) > 2 else 'proc').name}-{port}.log"
        self._out = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            args, env=clean_env(env), cwd=workdir, stdout=self._out, stderr=subprocess.STDOUT
        )
        self.pid = self.process.pid

    def wait_healthy(self, path: str = "/healthz", within: float = 60) -> float:
        """Waits for `path` to answer 200; returns the seconds since the process was started."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.log.name} exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}{path}", timeout=1).status_code == 200:
                    return time.perf_counter() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"{self.log.name} did not answer {path} within {within}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)


def rss_mb(pid: int) -> float:
    """Resident set size from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its reaped children) from /proc/PID/stat."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process and its reaped children (procfs's stat of the
    process): the system part is the kernel's work for it, sockets above all."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    tick = os.sysconf("SC_CLK_TCK")
    return (utime + cutime) / tick, (stime + cstime) / tick


@contextmanager
def workdir(prefix: str = "leakdesk-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        yield Path(d)


def leakdesk_env(database_url: str, slack_api_url: str, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack_api_url,
        "LEAKDESK_LANGUAGE": "en",
        "LEAKDESK_RESPONDERS": "U0RESP1",
        "LEAKDESK_PR_LEADS": "U0LEAD1,U0LEAD2",
        "LEAKDESK_LOG_FORMAT": "text",
        **extra,
    }


@contextmanager
def leakdesk(
    database_url: str, slack_api_url: str, *, cwd: Path, **extra: str
) -> Iterator[Process]:
    """A `leakdesk serve` process (worker on, as deployed); yields it once /healthz answers."""
    port = free_port()
    proc = Process(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        leakdesk_env(database_url, slack_api_url, **extra),
        workdir=cwd,
        port=port,
    )
    try:
        proc.startup_s = proc.wait_healthy()  # type: ignore[attr-defined]
        yield proc
    finally:
        proc.stop()


@contextmanager
def leakdesk_split(
    database_url: str, slack_api_url: str, *, cwd: Path, **extra: str
) -> Iterator[Process]:
    """A web-only `leakdesk serve` (LEAKDESK_WORKER=false) and, once it is up (it migrates a new
    SQLite file), a `leakdesk worker` process beside it; yields the web process, the worker
    as its `.worker` attribute."""
    with leakdesk(database_url, slack_api_url, cwd=cwd, LEAKDESK_WORKER="false", **extra) as web:
        worker = Process(
            [sys.executable, "-m", "app.cli", "worker"],
            leakdesk_env(database_url, slack_api_url, **extra),
            workdir=cwd,
            port=free_port(),
        )
        try:
            web.worker = worker  # type: ignore[attr-defined]
            yield web
        finally:
            worker.stop()


@contextmanager
def baseline(kind: str, database_url: str, slack_api_url: str, *, cwd: Path) -> Iterator[Process]:
    """One of the bare slack-bolt baselines of bench/baselines.py (bolt's one auth.test, like
    leakdesk's, goes to the same fake Slack)."""
    port = free_port()
    proc = Process(
        [sys.executable, "-m", "bench.baselines", kind, "--port", str(port)],
        {
            "DATABASE_URL": database_url,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": slack_api_url,
        },
        workdir=cwd,
        port=port,
    )
    try:
        proc.wait_healthy()
        yield proc
    finally:
        proc.stop()


@contextmanager
def fake_slack_process(*, cwd: Path, hooks: int = 0) -> Iterator[Process]:
    """The tests' fake Slack Web API in a process of its own (so it takes no CPU from the
    load generator's event loop); yields it once it answers api.test, with `.api_url` and
    `.response_urls` (`hooks` response_urls it accepts, for the /leak requests to carry)."""
    port = free_port()
    proc = Process(
        [sys.executable, "-m", "bench.server", "fake-slack", str(port), str(hooks)],
        {},
        workdir=cwd,
        port=port,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(f"{proc.url}/api/api.test", timeout=1)
                if (cwd / HOOKS_FILE).exists():
                    break
                time.sleep(0.05)
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.process.poll() is not None:
                    raise RuntimeError(
                        f"fake Slack did not start: {proc.log.read_text()}"
                    ) from None
                time.sleep(0.05)
        proc.api_url = f"{proc.url}/api/"  # type: ignore[attr-defined]
        urls = (cwd / HOOKS_FILE).read_text().split()
        proc.response_urls = urls  # type: ignore[attr-defined]
        yield proc
    finally:
        proc.stop()


def reset_postgres(url: str = PG_URL) -> str:
    """Empties the bench database and migrates it with `leakdesk migrate`; returns its URL."""
    from sqlalchemy import create_engine, text

    from app.db import normalize_database_url, sync_url

    engine = create_engine(sync_url(normalize_database_url(url)))
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    with workdir() as cwd:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"],
            env=clean_env({"DATABASE_URL": url}),
            cwd=cwd,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return url


def admin_engine():  # type: ignore[no-untyped-def]
    """An AUTOCOMMIT engine on the admin database, for CREATE and DROP DATABASE."""
    from sqlalchemy import create_engine

    from app.db import normalize_database_url, sync_url

    return create_engine(
        sync_url(normalize_database_url(PG_ADMIN_URL)), isolation_level="AUTOCOMMIT"
    )


def postgres_available(url: str = PG_URL) -> bool:
    """True when PostgreSQL answers at `url`; creates its database first if the server answers
    but the database does not exist yet (a fresh machine has no `bench` database)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = admin_engine()
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        return True
    except Exception:
        return False
    finally:
        admin.dispose()


def _serve_fake_slack(port: int, hooks: int) -> None:
    from tests.fakes.slack_api import FakeSlack

    fake = FakeSlack(port=port, trigger_ttl=None)
    # response_urls the fake will accept; the parent waits for this file
    fake.start()
    urls = [fake.response_url("C0GENERAL", "U0REPORTER") for _ in range(hooks)]
    Path(HOOKS_FILE + ".tmp").write_text("\n".join(urls))
    os.replace(HOOKS_FILE + ".tmp", HOOKS_FILE)
    signal.signal(signal.SIGTERM, lambda *_: (fake.stop(), sys.exit(0)))
    deadline = time.monotonic() + 3600  # never outlives a forgotten parent by more than an hour
    while time.monotonic() < deadline:
        time.sleep(1)
        if os.getppid() == 1:
            break
    fake.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["fake-slack"]:
        _serve_fake_slack(int(sys.argv[2]), int(sys.argv[3]))
