"""Where a server's CPU goes, per layer: py-spy samples a running process (`--format raw`:
collapsed stacks, one line per distinct stack with its sample count) and each sample is given to
the layer of the innermost frame that belongs to one.

py-spy (`pip install py-spy`) samples from outside the process without pausing it
(`--nonblocking`), so the process runs as measured; idle threads are not sampled, so the shares
are of CPU time. A machine where py-spy cannot attach (no ptrace) gets no profile, not an error.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from pathlib import Path

# (layer, path fragments of its frames), tried from the innermost frame outwards; the first
# frame that matches decides. Order matters only within one frame.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("crypto", ("cryptography/", "app/sealed.py", "hashlib", "hmac.py", "/secrets.py")),
    ("JSON", ("json/", "orjson", "ujson")),
    ("Slack client", ("slack_sdk/", "aiohttp/", "yarl/", "multidict/")),
    ("ORM and driver", ("sqlalchemy/", "asyncpg/", "aiosqlite/", "sqlite3/", "psycopg")),
    (
        "bolt / FastAPI / uvicorn",
        ("slack_bolt/", "fastapi/", "starlette/", "uvicorn/", "httptools", "h11/", "pydantic"),
    ),
    ("templates and texts", ("jinja2/", "yaml/", "babel/")),
    ("our code", ("(app/",)),
    ("event loop", ("asyncio/", "uvloop/", "selectors.py", "threading.py", "concurrent/")),
]
OTHER = "other (stdlib, logging, …)"


def available() -> bool:
    return shutil.which("py-spy") is not None


def attach(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    """Starts sampling `pid` into `out` (collapsed stacks); None when py-spy is missing."""
    exe = shutil.which("py-spy")
    if exe is None:
        return None
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--format", "raw", "--nonblocking", "--rate", "100"]
        + ["--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def detach(proc: subprocess.Popen[bytes] | None) -> None:
    """Stops sampling (py-spy writes its file on SIGINT)."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def layer_of(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):  # innermost first
        for layer, marks in LAYERS:
            if any(mark in frame for mark in marks):
                return layer
    return OTHER


def layers(files: list[Path]) -> dict[str, float]:
    """Each layer's share of the samples in `files` (0–1), largest first."""
    counts: Counter[str] = Counter()
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit():
                counts[layer_of(stack)] += int(count)
    total = sum(counts.values())
    if not total:
        return {}
    return {k: round(v / total, 3) for k, v in counts.most_common()}


def top_functions(files: list[Path], n: int = 25, *, ours: bool = False) -> list[tuple[str, float]]:
    """The functions with the most samples on the stack (inclusive), or with `ours` only our
    own (app/) frames, innermost of each sample."""
    counts: Counter[str] = Counter()
    total = 0
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not (stack and count.isdigit()):
                continue
            total += int(count)
            frames = stack.split(";")
            if ours:
                mine = [f for f in frames if "(app/" in f]
                if mine:
                    counts[mine[-1]] += int(count)
            else:
                for frame in set(frames):
                    counts[frame] += int(count)
    return [(f, round(c / max(1, total), 3)) for f, c in counts.most_common(n)]
