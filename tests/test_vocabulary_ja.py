"""One vocabulary in Japanese: the room, the question bank, the verdict texts and the statement
texts call each thing by one name (docs/vocabulary.md says which and why)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

import app.triage.questions as question_bank
import app.triage.render as verdict_text
from app.i18n import catalogue, t
from app.statements.checker import MESSAGES_JA
from app.triage.models import Text

APP = Path(question_bank.__file__).parents[1]

# Each variant, and the word used instead. `第1報` in a statement's own title (「お詫びとお知らせ
# （第1報）」) is an edition number, not a name for the statement, and stays.
BANNED = {
    "流出": "漏えい",
    "漏洩": "漏えい",
    "覚知": "発覚",
    "セキュリティ体制": "安全管理措置",
    "声明": "お知らせ文",
    "第一報": "お知らせ文",
    "ホールディング": "お知らせ文",
    "公表文": "お知らせ文",
    "厳しい側": "より深刻な場合を想定",
}


def _ja_values(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every Japanese text in a loaded YAML tree: values under a `ja` key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ja" and isinstance(value, str):
                yield where, value
            else:
                yield from _ja_values(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _ja_values(value, f"{where}[{n}]")


def _module_texts(module: Any) -> Iterator[tuple[str, str]]:
    """The `ja` side of every Text a module holds (directly, in dicts, tuples and dataclasses)."""

    def walk(value: Any, where: str, depth: int = 0) -> Iterator[tuple[str, str]]:
        if depth > 4:
            return
        if isinstance(value, Text):
            yield where, value.ja
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{where}[{key!r}]", depth + 1)
        elif isinstance(value, (tuple, list)):
            for n, item in enumerate(value):
                yield from walk(item, f"{where}[{n}]", depth + 1)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                yield from walk(getattr(value, field.name), f"{where}.{field.name}", depth + 1)

    for name, value in vars(module).items():
        if not name.startswith("__"):
            yield from walk(value, f"{module.__name__}.{name}")


def japanese_texts() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = [(f"ja.yaml {k}", v) for k, v in catalogue("ja").items()]
    found += _module_texts(question_bank)
    found += _module_texts(verdict_text)
    policy = yaml.safe_load((APP / "triage" / "default.yaml").read_text(encoding="utf-8"))
    found += _ja_values(policy, "default.yaml")
    for scenario in sorted((APP / "drills" / "scenarios").glob("*.yaml")):
        found += _ja_values(yaml.safe_load(scenario.read_text(encoding="utf-8")), scenario.name)
    for template in sorted((APP / "statements" / "templates" / "ja").glob("*.j2")):
        found.append((f"templates/ja/{template.name}", template.read_text(encoding="utf-8")))
    found += [(f"checker {code}", text) for code, text in MESSAGES_JA.items()]
    return found


def test_the_sources_are_all_read() -> None:
    sources = {where.split(" ")[0].split(".")[0] for where, _ in japanese_texts()}
    assert len(japanese_texts()) > 400, "a source of Japanese texts went missing"
    assert {"ja", "app", "default", "templates/ja/holding", "checker"} <= sources


@pytest.mark.parametrize("variant", sorted(BANNED))
def test_no_banned_variant(variant: str) -> None:
    hits = [
        f"{where}: …{text[max(0, m.start() - 12) : m.end() + 12]}…"
        for where, text in japanese_texts()
        for m in re.finditer(variant, text)
    ]
    assert not hits, f"「{variant}」 → 「{BANNED[variant]}」:\n" + "\n".join(hits)


def test_the_statement_has_one_name_in_the_room() -> None:
    ja = catalogue("ja")
    for key in (
        "statement.title",
        "statement.published",
        "error.not_pr_lead",
        "verdict.redraft",
    ):
        assert "お知らせ文" in ja[key], key


def test_yes_and_no_are_words_not_booleans() -> None:
    # YAML 1.1 reads an unquoted `yes:`/`no:`/`on:`/`off:` key as a boolean: t("yes") found no
    # text and Japanese buttons said "yes".
    for lang in ("ja", "en"):
        raw = yaml.safe_load(files("app.locales").joinpath(f"{lang}.yaml").read_text("utf-8"))
        assert all(isinstance(key, str) for key in raw), [k for k in raw if not isinstance(k, str)]
    assert (t("yes", "ja"), t("no", "ja")) == ("はい", "いいえ")
    assert (t("yes", "en"), t("no", "en")) == ("Yes", "No")


def test_a_banned_variant_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: a catalogue with 「流出」 in it is refused."""
    patched = {**catalogue("ja"), "room.welcome": "情報が流出しました"}
    monkeypatch.setattr("tests.test_vocabulary_ja.catalogue", lambda lang: patched)
    with pytest.raises(AssertionError, match="漏えい"):
        test_no_banned_variant("流出")
