"""The severity policy as data: thresholds, rules, texts and clocks, loaded from YAML."""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from app.triage.models import AppiCategory, Severity
from app.triage.policy_ids import ANNOUNCEMENT_REASONS as ANNOUNCEMENT_REASONS
from app.triage.policy_ids import ASSUMPTION_IDS, OPEN_QUESTION_IDS, REASON_IDS, RuleId
from app.triage.policy_ids import CONTROL_REASONS as CONTROL_REASONS
from app.triage.policy_ids import RULE_IDS as RULE_IDS
from app.triage.policy_yaml import dotted, duplicate_keys, line_of, problem_line

DEFAULT_FILE = "default.yaml"
T = TypeVar("T")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the file, the line and the problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Strict):
    en: Annotated[str, Field(min_length=1)]
    ja: Annotated[str, Field(min_length=1)]


class RuleText(Bilingual):
    id: RuleId


class Level(_Strict):
    label: Bilingual
    rules: list[RuleText]


class LegalThresholds(_Strict):
    # Upper bounds are the law's numbers: a policy may be stricter, never laxer.
    c4_more_than: Annotated[int, Field(ge=0, le=1000)]
    c4_public_body_more_than: Annotated[int, Field(ge=0, le=100)]
    my_number_more_than: Annotated[int, Field(ge=0, le=100)]


class SeverityThresholds(_Strict):
    s1_people_at_least: PositiveInt
    s1c_people_at_least: PositiveInt
    s2c_people_more_than: NonNegativeInt
    s2d_people_at_least: PositiveInt
    s4b_people_at_most: NonNegativeInt


class ActionRules(_Strict):
    press_conference_rules: list[RuleId]
    rapid_disclosure_categories: list[AppiCategory]
    rapid_disclosure_severities: list[Severity]
    timely_disclosure_severities: list[Severity]
    # How the company speaks (actions.announcement): a public notice rather than letters to the
    # people concerned above this count, and factor 3 raising the posture from this many gaps.
    website_people_more_than: NonNegativeInt
    posture_controls_at_least: PositiveInt


class Clocks(_Strict):
    calendar: str
    deadline_time: time
    # The law's outer limits: 速報 "概ね3～5日", 確報 30/60 days, GDPR 72 hours.
    preliminary_target_days: Annotated[int, Field(ge=0, le=5)]
    preliminary_due_days: Annotated[int, Field(ge=0, le=5)]
    final_days: Annotated[int, Field(ge=1, le=30)]
    final_days_wrongful: Annotated[int, Field(ge=1, le=60)]
    gdpr_authority_hours: Annotated[int, Field(ge=1, le=72)]
    holidays_country: Literal["JP"]
    closed_days: list[Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]]

    @field_validator("calendar")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Asia/Tokyo)") from None
        return value

    @model_validator(mode="after")
    def _target_before_due(self) -> Self:
        if self.preliminary_target_days > self.preliminary_due_days:
            raise ValueError("preliminary_target_days must not exceed preliminary_due_days")
        return self


class StatusCheck(_Strict):
    every_hours: PositiveInt
    for_hours: PositiveInt | None = None
    then_every_hours: PositiveInt | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.for_hours is None) != (self.then_every_hours is None):
            raise ValueError("for_hours and then_every_hours go together")
        return self


class Reminders(_Strict):
    appi_preliminary: list[Literal["target", "due"]]
    appi_final_days_before: list[NonNegativeInt]
    gdpr_hours_after_awareness: list[PositiveInt]


class Followups(_Strict):
    status_checks: dict[Severity, StatusCheck]
    reminders: Reminders
    next_update_reminder_minutes: PositiveInt

    @field_validator("status_checks")
    @classmethod
    def _every_level(cls, value: dict[Severity, StatusCheck]) -> dict[Severity, StatusCheck]:
        missing = [s.value for s in Severity if s not in value]
        if missing:
            raise ValueError(
                f"a cadence is needed for every severity; missing {', '.join(missing)}"
            )
        return value


class Policy(_Strict):
    """A validated policy; `version` is recorded in every verdict."""

    version: Annotated[str, Field(min_length=1)]
    legal: LegalThresholds
    thresholds: SeverityThresholds
    order: list[Severity]
    default_severity: Severity
    severities: dict[Severity, Level]
    actions: ActionRules
    clocks: Clocks
    followups: Followups
    reasons: dict[str, Bilingual]
    open_questions: dict[str, Bilingual]
    assumptions: dict[str, Bilingual]

    _texts: dict[str, Bilingual] = PrivateAttr(default_factory=dict)
    _plan: tuple[tuple[Severity, tuple[str, ...]], ...] = PrivateAttr(default=())
    _memo: dict[str, Any] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        texts = dict(self.reasons)
        for level in self.severities.values():
            texts.update({rule.id: Bilingual(en=rule.en, ja=rule.ja) for rule in level.rules})
        self._texts = texts
        self._plan = tuple(
            (severity, tuple(rule.id for rule in self.severities[severity].rules))
            for severity in self.order
        )

    @property
    def plan(self) -> tuple[tuple[Severity, tuple[str, ...]], ...]:
        """(severity, rule ids) in checking order."""
        return self._plan

    def text(self, key: str) -> Bilingual:
        """The reason text of a rule or reason id."""
        return self._texts[key]

    def memo(self, key: str, build: Callable[[Policy], T]) -> T:
        """A value derived from this immutable policy, built on first use (e.g. compiled rules)."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return self._memo[key]  # type: ignore[no-any-return]

    def label(self, severity: Severity) -> Bilingual:
        return self.severities[severity].label

    def placeholders(self) -> dict[str, int]:
        """Numbers the texts may quote, e.g. {s1_people_at_least}."""
        return {
            **self.legal.model_dump(),
            **self.thresholds.model_dump(),
            "final_days": self.clocks.final_days,
            "final_days_wrongful": self.clocks.final_days_wrongful,
            "gdpr_authority_hours": self.clocks.gdpr_authority_hours,
            "c4_threshold": self.legal.c4_more_than,
        }


# ----- loading ------------------------------------------------------------------------------------


def default_policy() -> Policy:
    """The packaged policy, "default-1"."""
    return _default()


@functools.cache
def _default() -> Policy:
    source = resources.files("app.triage").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return _build(source, DEFAULT_FILE, base=None)


def load_policy(path: str | Path) -> Policy:
    """Loads a company policy: its keys override the default's (mappings merge, lists replace)."""
    try:
        source = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError([f"{path}: cannot read the policy file: {exc.strerror}"]) from None
    return _build(source, str(path), base=_default_raw())


def resolve_policy(path: str | Path | None) -> Policy:
    """The policy in force: LEAKDESK_POLICY_FILE's when set, else the default."""
    return load_policy(path) if path else default_policy()


@functools.cache
def _default_raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("app.triage").joinpath(DEFAULT_FILE).read_text("utf-8")
    )
    return raw


def _build(source: str, name: str, base: dict[str, Any] | None) -> Policy:
    root = _compose(source, name)
    problems = [f"{name}:{line}: {path}: {msg}" for path, line, msg in duplicate_keys(root)]
    if problems:
        raise PolicyError(problems)
    data = yaml.safe_load(source)
    if not isinstance(data, dict):
        raise PolicyError(
            [f"{name}:1: the policy must be a YAML mapping (version:, thresholds:, …)"]
        )
    if base is not None and "version" not in data:
        raise PolicyError(
            [f"{name}:1: version: required: name your policy (every verdict records it)"]
        )
    merged = _merge(base, data) if base is not None else data
    try:
        policy = Policy.model_validate(merged)
    except ValidationError as exc:
        raise PolicyError([problem_line(name, root, err) for err in exc.errors()]) from None
    problems = [
        f"{name}:{line_of(root, path)}: {dotted(path)}: {msg}" for path, msg in _check(policy)
    ]
    if problems:
        raise PolicyError(problems)
    return policy


def _compose(source: str, name: str) -> yaml.Node | None:
    try:
        return yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise PolicyError([f"{name}:{line}: not valid YAML: {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        raise PolicyError([f"{name}:1: not valid YAML: {exc}"]) from None


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in override.items()}}
    return override


def _check(policy: Policy) -> list[tuple[tuple[str | int, ...], str]]:
    """Rules that span fields: every level labelled, each rule once, texts complete."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if sorted(policy.order) != sorted(Severity):
        found.append((("order",), "must list SEV1, SEV2, SEV3 and SEV4 once each"))
    for severity in Severity:
        if severity not in policy.severities:
            found.append((("severities",), f"{severity.value} is missing"))
    seen: set[str] = set()
    for severity, level in policy.severities.items():
        for index, rule in enumerate(level.rules):
            if rule.id in seen:
                found.append(
                    (
                        ("severities", severity.value, "rules", index, "id"),
                        f"{rule.id} is listed twice",
                    )
                )
            seen.add(rule.id)
    sections = (
        ("reasons", REASON_IDS),
        ("open_questions", OPEN_QUESTION_IDS),
        ("assumptions", ASSUMPTION_IDS),
    )
    for section, keys in sections:
        for key in keys:
            if key not in getattr(policy, section):
                found.append(((section,), f"text for {key!r} is missing"))
    found.extend(_bad_placeholders(policy))
    return found


def _bad_placeholders(policy: Policy) -> list[tuple[tuple[str | int, ...], str]]:
    known: dict[str, int] = {**policy.placeholders(), "assumed": 0}
    texts: list[tuple[tuple[str | int, ...], str]] = [
        ((section, key, lang), getattr(text, lang))
        for section in ("reasons", "assumptions")
        for key, text in getattr(policy, section).items()
        for lang in ("en", "ja")
    ]
    texts += [
        (("severities", sev.value, "rules", i, lang), getattr(rule, lang))
        for sev, level in policy.severities.items()
        for i, rule in enumerate(level.rules)
        for lang in ("en", "ja")
    ]
    found = []
    for path, text in texts:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            found.append((path, f"broken {{placeholder}}: {exc}"))
            continue
        for unknown in sorted(names - known.keys()):
            found.append(
                (path, f"unknown placeholder {{{unknown}}}; known: {', '.join(sorted(known))}")
            )
    return found
