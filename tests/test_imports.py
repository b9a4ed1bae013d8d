"""The import contract (docs/architecture.md): imports flow one way — the adapters (slack/, teams/,
ops/, cli, main) → rooms/ → incidents/, work/ → pure triage/, statements/ — and one platform never
imports another. Every import in app/ is read with `ast`, lazy ones inside functions included."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
ADAPTERS = ("app.slack", "app.teams", "app.ops", "app.webhooks", "app.cli", "app.main")
PLATFORM_LIBRARIES = ("slack_sdk", "slack_bolt", "microsoft_teams", "httpx", "aiohttp", "fastapi")

# package → what it must never import (a name or any module under it)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "app.slack": ("app.teams", "app.ops", "app.cli", "app.main"),
    "app.teams": ("app.slack", "app.ops", "app.cli", "app.main"),
    "app.ops": ("app.slack", "app.teams", "app.cli", "app.main"),
    # Outgoing webhooks: an adapter of their own, beside the chat platforms.
    "app.webhooks": ("app.slack", "app.teams", "app.ops", "app.rooms", "app.cli", "app.main"),
    "app.rooms": (*ADAPTERS, "app.runtime", *PLATFORM_LIBRARIES),
    "app.incidents": (*ADAPTERS, "app.rooms", "app.runtime"),
    "app.work": (*ADAPTERS, "app.rooms", "app.runtime"),
    "app.models": (*ADAPTERS, "app.rooms", "app.runtime"),
    "app.db": (*ADAPTERS, "app.rooms", "app.runtime"),
    "app.settings": (*ADAPTERS, "app.rooms", "app.runtime"),
    "app.i18n": ("app",),
    "app.vocabulary": ("app",),
    "app.sealed": ("app",),
    "app.identity": ("app",),
    # What a room tells its people (changes, 今やること, plain reasons): pure, with the catalogue.
    "app.briefing": (
        *ADAPTERS,
        "app.rooms",
        "app.runtime",
        "app.incidents",
        "app.work",
        "app.models",
        "app.db",
        "app.settings",
        *PLATFORM_LIBRARIES,
    ),
}
# The pure packages: values in, values out — only each other, the named vocabularies and the
# standard libraries.
PURE = ("app.triage", "app.statements")
PURE_MAY_IMPORT = ("app.triage", "app.statements", "app.vocabulary")

# Known arrows against the contract, each with the work that removes it. The test fails when one
# is no longer there, so the list only shrinks.
KNOWN: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[str]:
    """Every module a file imports, relative imports resolved."""
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from app import rooms` imports the module app.rooms
            yield from (f"{base}.{alias.name}" for alias in node.names if base == "app")


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def arrows() -> list[tuple[str, str]]:
    return sorted(
        {(module_name(path), target) for path in APP.rglob("*.py") for target in imports(path)}
    )


def rule_for(module: str) -> tuple[str, ...]:
    for package, forbidden in FORBIDDEN.items():
        if under(module, package):
            return forbidden
    return ()


def test_no_import_goes_against_the_flow() -> None:
    wrong = [
        f"{source} imports {target}"
        for source, target in arrows()
        if any(under(target, f) for f in rule_for(source))
        and not under(target, source.split(".")[0] + "." + source.split(".")[1])
        and (source, target) not in KNOWN
    ]
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(wrong)


def test_the_pure_packages_import_only_each_other_and_the_standard_library() -> None:
    wrong = [
        f"{source} imports {target}"
        for source, target in arrows()
        if any(under(source, p) for p in PURE)
        and (
            (target.startswith("app") and not any(under(target, p) for p in PURE_MAY_IMPORT))
            or target.split(".")[0] in ("sqlalchemy", *PLATFORM_LIBRARIES)
        )
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("known", sorted(KNOWN))
def test_each_known_exception_is_still_needed(known: tuple[str, str]) -> None:
    assert known in arrows(), f"{known} is gone: remove it from KNOWN ({KNOWN[known]})"


def test_the_contract_catches_a_wrong_way_import(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The check itself can fail: a Slack module that imports Teams is reported."""
    fake = tmp_path / "app" / "slack"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text("from app.teams import cards\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["APP"]), "APP", tmp_path / "app")
    with pytest.raises(AssertionError, match="app.slack.bad imports app.teams"):
        test_no_import_goes_against_the_flow()
