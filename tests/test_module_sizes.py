"""No module in app/ is over 400 lines unless its first lines say why ("long because …"): past
that a module is usually two concerns, or data that belongs in a table of its own (issue 16;
docs/architecture.md says where each part went)."""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
LIMIT = 400
FIRST_LINES = 10  # where a module says why it is long: its docstring's opening lines


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def says_why(text: list[str]) -> bool:
    return any("long because" in line.lower() for line in text[:FIRST_LINES])


def too_long(root: Path) -> list[str]:
    """Each module over the limit that does not say why, with its length, longest first."""
    found = [(len(text), path) for path in root.rglob("*.py") if not says_why(text := lines(path))]
    return [
        f"{path.relative_to(root.parent)}: {count} lines"
        for count, path in sorted(found, reverse=True)
        if count > LIMIT
    ]


def test_no_module_in_app_is_over_400_lines_without_saying_why() -> None:
    long = too_long(APP)
    assert not long, (
        f"split these along their seams, or say in their first {FIRST_LINES} lines why they are "
        "long ('long because …'):\n" + "\n".join(long)
    )


def test_the_check_catches_a_long_module_and_accepts_one_that_says_why(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "rooms").mkdir(parents=True)
    body = "x = 1\n" * LIMIT
    (app / "rooms" / "fits.py").write_text('"""Fits."""\n' + "x = 1\n" * (LIMIT - 1))
    (app / "rooms" / "big.py").write_text('"""Big."""\n' + body)
    (app / "rooms" / "bank.py").write_text('"""A bank.\n\nLong because it is data."""\n' + body)
    assert too_long(app) == [f"app/rooms/big.py: {LIMIT + 1} lines"]


def test_no_module_says_it_is_long_when_it_is_not() -> None:
    """A "long because" left after a split would let the module's next growth pass unseen."""
    stale = [
        f"{path.relative_to(APP.parent)}: {len(text)} lines"
        for path in sorted(APP.rglob("*.py"))
        if says_why(text := lines(path)) and len(text) <= LIMIT
    ]
    assert not stale, "drop their 'long because':\n" + "\n".join(stale)
