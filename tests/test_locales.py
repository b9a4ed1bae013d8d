"""The text system's key parity: ja and en have the same keys, each a non-empty text with the same
placeholders, and every key the code or a template asks for — literally or as a family such as
`severity.{level}` or `room.status.{status}` — is in both, so no person reads a raw key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.i18n import LANGUAGES, catalogue
from app.triage.clocks import legal_clocks
from app.vocabulary import FollowupState, IncidentStatus

APP = Path(__file__).resolve().parents[1] / "app"
# t("key" …) in Python (`t(`, `_t(`, `t_(`…) and {{ t("key") }} in Jinja templates.
LITERAL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
# t(f"prefix.{…}" …): a family of keys, of which each member must exist in both languages.
FAMILY = re.compile(r"""\bt\(\s*f["']([a-z0-9_]+(?:\.[a-z0-9_]+)*\.)\{""")
PLACEHOLDER = re.compile(r"{(\w+)}")


def sources() -> list[Path]:
    return [
        path
        for path in sorted(APP.rglob("*"))
        if path.suffix in (".py", ".html", ".j2") and "__pycache__" not in path.parts
    ]


def asked(pattern: re.Pattern[str]) -> dict[str, str]:
    """Key (or family prefix) → the first file that asks for it."""
    found: dict[str, str] = {}
    for path in sources():
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, str(path.relative_to(APP.parent)))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_is_a_string(lang: str) -> None:
    """YAML reads a bare `yes:` or `no:` as a boolean: t("yes") then showed the raw key."""
    assert all(isinstance(key, str) for key in catalogue(lang))


def test_both_languages_have_the_same_keys() -> None:
    ja, en = set(catalogue("ja")), set(catalogue("en"))
    assert not ja - en, f"only in ja.yaml: {sorted(ja - en)}"
    assert not en - ja, f"only in en.yaml: {sorted(en - ja)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_a_non_empty_string(lang: str) -> None:
    empty = [k for k, v in catalogue(lang).items() if not isinstance(v, str) or not v.strip()]
    assert not empty, f"{lang}: {empty}"


def test_both_languages_fill_in_the_same_values() -> None:
    differ = [
        key
        for key, text in catalogue("en").items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(catalogue("ja")[key]))
    ]
    assert not differ, differ


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_the_code_asks_for_is_there(lang: str) -> None:
    missing = [f"{key} ({where})" for key, where in asked(LITERAL).items()]
    missing = [m for m in missing if m.split(" ", 1)[0] not in catalogue(lang)]
    assert not missing, f"{lang}.yaml lacks:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_family_the_code_asks_for_has_members(lang: str) -> None:
    keys = catalogue(lang)
    empty = [
        f"{p}… ({where})"
        for p, where in asked(FAMILY).items()
        if not any(k.startswith(p) for k in keys)
    ]
    assert not empty, f"{lang}.yaml has no key for:\n" + "\n".join(empty)


VERDICT = {  # every legal clock at once, so each clock's label is asked for
    "appi": {
        "report_required": True,
        "preliminary_due": "2026-12-01T00:00:00+09:00",
        "final_due": "2026-12-28T00:00:00+09:00",
    },
    "gdpr": {"relevant": True, "authority_due": "2026-11-30T00:00:00+09:00"},
    "actions": {},
}
PRINCIPAL = {**VERDICT, "actions": {"notify_principal": True}}
FAMILIES = {
    "severity": ["SEV1", "SEV2", "SEV3", "SEV4", "none"],
    "room.status": list(IncidentStatus),
    "followup.deadline": sorted({c.name for v in (VERDICT, PRINCIPAL) for c in legal_clocks(v)}),
    "followup.state": [
        FollowupState.DONE,
        FollowupState.NOT_NEEDED,
        FollowupState.SNOOZED,
    ],
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_member_of_a_named_vocabulary_has_its_text(family: str, lang: str) -> None:
    missing = [f"{family}.{m}" for m in FAMILIES[family] if f"{family}.{m}" not in catalogue(lang)]
    assert not missing, f"{lang}.yaml lacks {missing}"


def test_the_parity_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key only one language has is reported."""
    real = catalogue
    only_en = {**real("en"), "test.only_in_en": "x"}
    monkeypatch.setattr(
        "tests.test_locales.catalogue", lambda lang: only_en if lang == "en" else real(lang)
    )
    with pytest.raises(AssertionError, match="only in en.yaml"):
        test_both_languages_have_the_same_keys()
