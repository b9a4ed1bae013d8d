"""Built-in drill scenarios: facts that unfold over time, in Japanese and English."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from app.triage import AnswersError, parse_answers


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    after_minutes: int = 0
    narrative: Bilingual
    answers: dict[str, Any]

    @field_validator("answers")
    @classmethod
    def _contract(cls, answers: dict[str, Any]) -> dict[str, Any]:
        for lang in ("ja", "en"):
            try:
                parse_answers(
                    {"discovered_at": "2026-01-01T00:00:00+09:00", **_localized(answers, lang)}
                )
            except AnswersError as exc:
                raise ValueError("; ".join(exc.errors)) from None
        return answers

    def answers_in(self, lang: str) -> dict[str, Any]:
        """The step's answers in the drill's language (free text such as `cause` is bilingual)."""
        return _localized(self.answers, lang)


def _localized(answers: dict[str, Any], lang: str) -> dict[str, Any]:
    # Free-text answers may be given as {ja, en}; facts of closed sets are language-neutral.
    return {
        key: value[lang] if isinstance(value, dict) and set(value) == {"ja", "en"} else value
        for key, value in answers.items()
    }


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: Bilingual
    narrative: Bilingual
    steps: tuple[Step, ...]


class UnknownScenario(LookupError):
    pass


@cache
def list_scenarios() -> tuple[Scenario, ...]:
    folder = files("app.drills.scenarios")
    found = [
        Scenario.model_validate(yaml.safe_load(entry.read_text(encoding="utf-8")))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    return tuple(found)


def load_scenario(scenario_id: str) -> Scenario:
    for scenario in list_scenarios():
        if scenario.id == scenario_id:
            return scenario
    known = ", ".join(s.id for s in list_scenarios())
    raise UnknownScenario(f"no scenario {scenario_id!r} (built-in: {known})")
