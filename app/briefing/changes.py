"""What materially changed between two versions of a verdict, one line per change
(「第2版：委員会への報告が『条件付き』→『必要』」), and whether every question that matters is
answered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.i18n import format_time, t
from app.triage import AFTER_ACTION, OUTSIDE_VERDICT, Answers, Policy, next_question
from app.triage.clocks import legal_clocks

Verdict = Mapping[str, Any]

# Outcomes compared as values, in the order a room reads them.
LEGAL = (
    ("severity", ("severity",)),
    ("report_required", ("appi", "report_required")),
    ("categories", ("appi", "categories")),
    ("notify_individuals", ("appi", "notify_individuals")),
    ("gdpr_relevant", ("gdpr", "relevant")),
    ("gdpr_notify_individuals", ("gdpr", "notify_individuals")),
)
ACTIONS = (
    "press_conference",
    "rapid_public_disclosure",
    "coordinate_with_police",
    "timely_disclosure_review",
    "notify_principal",
    "announcement",
)
# A clock that appears or goes with one of these outcomes is said by that outcome's line.
CLOCK_CAUSES = {
    "appi_preliminary": ("report_required", "notify_principal"),
    "appi_final": ("report_required", "notify_principal"),
    "principal": ("report_required", "notify_principal"),
    "gdpr": ("gdpr_relevant",),
}


@dataclass(frozen=True, slots=True)
class Change:
    """One material change: `what` is an outcome (`severity`, `report_required`, …), an action
    (`press_conference`, …) or a clock (`clock:appi_final`); `before`/`after` its values (None:
    absent)."""

    what: str
    before: Any
    after: Any


def _at(verdict: Verdict, path: Sequence[str]) -> Any:
    value: Any = verdict
    for key in path:
        value = (value or {}).get(key)
    return value


def material_changes(before: Verdict, after: Verdict) -> tuple[Change, ...]:
    """Severity, legal outcomes, clocks and recommended actions that differ, never a value that
    stayed the same ("SEV1 → SEV1"). Reworded reasons and narrower open questions are not
    material."""
    found = [
        Change(name, _at(before, path), _at(after, path))
        for name, path in LEGAL
        if _at(before, path) != _at(after, path)
    ]
    found += [
        Change(name, _at(before, ("actions", name)), _at(after, ("actions", name)))
        for name in ACTIONS
        if _at(before, ("actions", name)) != _at(after, ("actions", name))
    ]
    said = {change.what for change in found}
    old = {clock.name: clock.due for clock in legal_clocks(before)}
    new = {clock.name: clock.due for clock in legal_clocks(after)}
    for name in sorted(old.keys() | new.keys(), key=_clock_order):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        if (was is None or now is None) and said & set(CLOCK_CAUSES.get(name, ())):
            continue
        found.append(Change(f"clock:{name}", was, now))
    return tuple(found)


def _clock_order(name: str) -> int:
    order = ("gdpr", "principal", "appi_preliminary", "appi_final")
    return order.index(name) if name in order else len(order)


def questions_settled(
    verdict: Verdict | None, answers: Answers, policy: Policy | None = None
) -> bool:
    """True only when no open question remains in the verdict and no question that could still
    change it is unanswered (an answer of "unknown" leaves its question open)."""
    if verdict is None or verdict.get("open_questions"):
        return False
    # Awareness and the statement's facts (whose data, the period, the cause) settle no verdict
    # question.
    # The after-action review's questions are not the urgent triage's either.
    return next_question(answers, OUTSIDE_VERDICT | AFTER_ACTION, policy=policy) is None


# ----- text ----------------------------------------------------------------------------------


def change_lines(
    version: int,
    changes: Sequence[Change],
    lang: str,
    tz: str,
    *,
    settled: bool = False,
) -> list[str]:
    """One line per change, each naming the version (what a living verdict's thread shows).

    `settled` adds the line that every question that matters is answered (say it once: when
    `questions_settled` turns true). A new version with nothing material says its reasons moved."""
    lines = [
        t(
            "change.note",
            lang,
            version=version,
            what=_what(change.what, lang),
            before=_value(change, change.before, lang, tz),
            after=_value(change, change.after, lang, tz),
        )
        for change in changes
    ]
    if settled:
        lines.append(t("change.settled", lang, version=version))
    return lines or [t("change.reasons_only", lang, version=version)]


def _what(what: str, lang: str) -> str:
    if what.startswith("clock:"):
        clock = t(f"followup.deadline.{what.split(':', 1)[1]}", lang)
        return t("change.what.clock", lang, clock=clock)
    return t(f"change.what.{what}", lang)


def _value(change: Change, value: Any, lang: str, tz: str) -> str:
    if value is None:
        return t("change.value.none", lang)
    if change.what.startswith("clock:"):
        return format_time(value, lang, tz)
    if change.what == "severity":
        return t(f"severity.{value}", lang)
    if change.what == "categories":
        return ", ".join(value) or t("change.value.none", lang)
    if change.what == "gdpr_relevant" and isinstance(value, bool):
        return t("change.value.applies" if value else "change.value.not_applies", lang)
    if isinstance(value, bool):
        if change.what in ACTIONS:  # a recommended action: recommended, or not at all
            return t("change.value.recommended" if value else "change.value.none", lang)
        return t(f"change.value.{str(value).lower()}", lang)
    return t(f"change.value.{value}", lang)
