"""Every Block Kit payload the bot sends in the test run, type-checked against `@slack/types`.

The fake Slack hands each message's blocks and each view to `collect`; at the end of the session
`check` writes them as TypeScript literals typed `KnownBlock[]`, `ModalView` or `HomeView` (with
`KnownBlock[]` blocks, so an unknown block type cannot pass as the generic `Block`) and runs
`tsc --noEmit --strict`. Object literals are checked for excess properties, so a misspelt field, a
wrong enum value or a missing required field fails. Each literal carries the test that sent it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TYPES = ROOT / "node_modules" / "@slack" / "types"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
KINDS = {"blocks": "KnownBlock[]", "modal": "Modal", "home": "Home"}

_lock = threading.Lock()
_seen: dict[str, tuple[str, str]] = {}


def collect(kind: str, payload: Any) -> None:
    """Keep one payload (`kind`: blocks, modal or home), once per distinct content."""
    if kind not in KINDS or payload is None:
        return
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    with _lock:
        _seen.setdefault(f"{kind}:{text}", (kind, test))


def collected() -> int:
    return len(_seen)


def unavailable() -> str | None:
    """Why the check cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (TYPES.is_dir() and TSC.exists()):
        return "node_modules/@slack/types or typescript is missing: run `npm ci`"
    return None


def source(items: list[tuple[str, str, str]]) -> str:
    """The TypeScript file: one typed constant per (kind, test, JSON) payload, after its test."""
    lines = [
        f'import type {{ KnownBlock, ModalView, HomeView }} from "{TYPES.as_posix()}";',
        "type Modal = ModalView & { blocks: KnownBlock[] };",
        "type Home = HomeView & { blocks: KnownBlock[] };",
    ]
    for n, (kind, test, body) in enumerate(items):
        lines.append(f"// {test}")
        lines.append(f"export const p{n}: {KINDS[kind]} = {body};")
    return "\n".join(lines) + "\n"


def check(folder: Path, items: list[tuple[str, str, str]] | None = None) -> tuple[bool, str]:
    """Write the payloads (default: all collected) to `folder`/payloads.ts and type-check them;
    return (passed, tsc's output with the test that sent each refused payload)."""
    if items is None:
        with _lock:
            items = [(kind, test, key.split(":", 1)[1]) for key, (kind, test) in _seen.items()]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "payloads.ts"
    path.write_text(source(items), encoding="utf-8")
    command = [str(TSC), "--noEmit", "--strict", "--skipLibCheck", "--target", "es2020"]
    done = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, timeout=600, check=False
    )
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 0:
        return True, output
    lines = path.read_text(encoding="utf-8").splitlines()
    explained = []
    for line in output.splitlines():
        explained.append(line)
        head = line.split("(", 1)
        if len(head) == 2 and head[1].split(",", 1)[0].isdigit():
            number = int(head[1].split(",", 1)[0])
            if number >= 2 and lines[number - 2].startswith("//"):
                explained.append(f"    sent by {lines[number - 2][3:]}")
    return False, "\n".join(explained)
