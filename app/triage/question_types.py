"""The shape of a triage question: its section, the kind of answer it takes, its options, and the
rule that says when it needs asking."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from app.triage.assess import PERSONAL, SECRETS, decisive
from app.triage.labels import VALUE_LABELS
from app.triage.models import Answers, Text
from app.triage.policy import Policy

Section = Literal["when", "what", "how", "controls", "context"]
# datetime: a date and time with the configured offset; period: {"from", "to"} dates; text: one
# short line of free text (masked like every free text before it is stored).
Kind = Literal["single", "multi", "number", "bool", "datetime", "period", "text"]
SECTIONS: dict[Section, Text] = {
    "when": Text(ja="発覚日時", en="When the company knew"),
    "what": Text(ja="何が漏えいしたか", en="What leaked"),
    "how": Text(ja="どのように漏えいしたか", en="How it leaked"),
    "controls": Text(ja="安全管理措置の状況", en="State of security controls"),
    "context": Text(ja="会社の状況", en="Context"),
}


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: Text


def options_of(values: Iterable[enum.StrEnum]) -> tuple[Option, ...]:
    return tuple(Option(value=v.value, label=VALUE_LABELS[(type(v), v.value)]) for v in values)


Need = Callable[[Answers, Policy | None], bool]
Decides = Callable[[str], bool]  # whether a field is decisive, for given answers (`deciding`)


def always(answers: Answers, policy: Policy | None) -> bool:
    return True


def something_at_stake(answers: Answers, policy: Policy | None) -> bool:
    # Control gaps and media attention shape reasons and the statement, whenever data is at stake.
    cats = answers.data_categories
    return cats is None or bool(set(cats) & (PERSONAL | SECRETS))


def personal_at_stake(answers: Answers, policy: Policy | None) -> bool:
    cats = answers.data_categories
    return cats is None or bool(set(cats) & PERSONAL)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: Section
    kind: Kind
    text: Text
    help: Text
    options: tuple[Option, ...] = ()
    rule: Need | None = None  # None: asked while its answer could change the verdict

    def needed(
        self, answers: Answers, policy: Policy | None = None, decides: Decides | None = None
    ) -> bool:
        """Whether asking could change the verdict, given the answers so far (`decides`: the
        answers' `deciding`, read once for a walk over every question)."""
        if self.rule is not None:
            return self.rule(answers, policy)
        return decisive(answers, self.id, policy) if decides is None else decides(self.id)
