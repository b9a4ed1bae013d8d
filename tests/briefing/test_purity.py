"""The briefing package is pure: no database, chat or clock."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import app.briefing

PACKAGE = Path(app.briefing.__file__).parent
ALLOWED = ("app.briefing", "app.i18n", "app.triage")


def test_imports_only_pure_code_and_reads_no_clock() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\.(now|today|utcnow)\(|time\.time\(|monotonic\(", source), path
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app"):
                assert (node.module or "").startswith(ALLOWED), f"{path.name}: {node.module}"
