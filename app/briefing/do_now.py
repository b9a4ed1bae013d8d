"""「今やること」: the two or three next actions a verdict calls for, each with its deadline,
soonest first, and a slot for its owner once the room has roles."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.i18n import format_time, t
from app.triage.clocks import legal_clocks

Verdict = Mapping[str, Any]

LIMIT = 3


class When(enum.IntEnum):
    """How soon, for actions the law gives no date: the order a room should take them in."""

    OVERDUE = 0  # a dated action whose deadline has passed
    NOW = 1  # 直ちに: people can protect themselves only once they know
    SOON = 2  # 速やかに: "without undue delay"
    DATED = 3  # a legal deadline, sorted by its date
    BEFORE_CLOSE = 4


@dataclass(frozen=True, slots=True)
class NextAction:
    """One thing to do: `kind` names its text (`todo.action.<kind>`), `role` who usually owns it
    (`pr`, `legal`, `security`, `lead`), `owner` the person once roles are assigned."""

    kind: str
    when: When
    role: str
    due: datetime | None = None
    target: datetime | None = None  # an earlier day to aim for (速報: 3 days, latest 5)
    owner: str | None = None
    values: tuple[tuple[str, Any], ...] = ()  # for the text (approvals 1/2)

    @property
    def sort_key(self) -> tuple[int, datetime | None]:
        return self.when, self.target or self.due


@dataclass(frozen=True, slots=True)
class Plan:
    """`now` is what a room shows first; `later` the rest, in the same order."""

    now: tuple[NextAction, ...]
    later: tuple[NextAction, ...]


@dataclass(frozen=True, slots=True)
class StatementState:
    """Where the statement stands: `draft`, `approved` (not yet published) or `published`."""

    status: str
    approvals: int = 0
    needed: int = 1


def do_now(
    verdict: Verdict | None,
    now: datetime,
    *,
    answers: Mapping[str, Any] | None = None,
    statement: StatementState | None = None,
    done: Collection[str] = (),
    owners: Mapping[str, str] | None = None,
    limit: int = LIMIT,
) -> Plan:
    """The actions `verdict` calls for, soonest first; at most `limit` in `Plan.now`, and always
    the nearest legal deadline among them when there is one (a room of 'at once' items must not
    hide the 72 hours). `done` names kinds already settled (follow-ups marked done)."""
    if verdict is None:
        return Plan((), ())
    answers = answers or {}
    found = [
        _dated(action, now)
        for action in (*_immediate(verdict, answers, statement), *_clocks(verdict))
        if action.kind not in done
    ]
    if owners:
        found = [replace(a, owner=owners.get(a.role)) for a in found]
    ordered = sorted(found, key=lambda a: a.sort_key)
    first = ordered[:limit]
    dated = [a for a in ordered if a.due is not None]
    if dated and not any(a.due is not None for a in first):
        first = [*ordered[: limit - 1], dated[0]]
    return Plan(tuple(first), tuple(a for a in ordered if a not in first))


def _dated(action: NextAction, now: datetime) -> NextAction:
    if action.due is not None and action.due < now:
        return replace(action, when=When.OVERDUE)
    return action


def _immediate(
    verdict: Verdict, answers: Mapping[str, Any], statement: StatementState | None
) -> list[NextAction]:
    """What the law gives no date for, in the order the article and the APPI ask for it."""
    actions, appi = verdict.get("actions") or {}, verdict.get("appi") or {}
    found: list[NextAction] = []
    if answers.get("contained") is False:
        found.append(NextAction("contain", When.NOW, "security"))
    misdelivery = answers.get("leak_mode") == "misdelivery"
    if misdelivery and answers.get("contained") is not True:
        found.append(NextAction("recipients", When.NOW, "lead"))
    if publishes(verdict) and (statement is None or statement.status != "published"):
        found.append(_publish(actions, statement))
    if "C2" in (appi.get("categories") or ()):
        found.append(NextAction("card_issuers", When.NOW, "lead"))
    press = actions.get("press_conference")
    if press is True:
        found.append(NextAction("press_conference", When.NOW, "pr"))
    elif press == "conditional":
        found.append(NextAction("press_conference_conditional", When.SOON, "pr"))
    police = actions.get("coordinate_with_police")
    if police in ("yes", "consult"):
        found.append(NextAction(f"police_{police}", When.SOON, "lead"))
    if actions.get("timely_disclosure_review") is True:
        found.append(NextAction("timely_disclosure", When.SOON, "legal"))
    individuals = appi.get("notify_individuals")
    if individuals == "required" and not actions.get("notify_principal"):
        found.append(NextAction("individuals", When.SOON, "pr"))
    elif individuals == "recommended" or (misdelivery and appi.get("report_required") is False):
        found.append(NextAction("apologise", When.SOON, "pr"))
    if appi.get("report_required") is False:
        # Not reportable still means recorded: the PPC asks for a record of every leak.
        found.append(NextAction("record", When.BEFORE_CLOSE, "lead"))
    return found


def publishes(verdict: Verdict) -> bool:
    """Whether the company speaks publicly (website, press), not to the people one by one."""
    actions = verdict.get("actions") or {}
    announcement = actions.get("announcement")
    if announcement is not None:
        return announcement in ("press_and_website", "website")
    return actions.get("rapid_public_disclosure") is True or actions.get("press_conference") is True


def _publish(actions: Mapping[str, Any], statement: StatementState | None) -> NextAction:
    when = When.NOW if actions.get("rapid_public_disclosure") is True else When.SOON
    if statement is not None and statement.status == "draft":
        values = (("count", statement.approvals), ("needed", statement.needed))
        return NextAction("publish_pending", when, "pr", values=values)
    return NextAction("publish", when, "pr")


def _clocks(verdict: Verdict) -> list[NextAction]:
    """The legal deadlines, each as the action that meets it."""
    conditional = (verdict.get("appi") or {}).get("report_required") == "conditional"
    relevant = (verdict.get("gdpr") or {}).get("relevant")
    found = []
    for clock in legal_clocks(verdict):
        kind = clock.name
        if kind == "appi_preliminary" and conditional:
            kind = "appi_preliminary_conditional"
        elif kind == "gdpr" and relevant is not True:  # "unknown": the clock may be running
            kind = "gdpr_check"
        role = "lead" if kind == "gdpr_check" else "legal"
        found.append(NextAction(kind, When.DATED, role, due=clock.due, target=clock.target))
    return found


# ----- text ----------------------------------------------------------------------------------


def do_now_lines(actions: Sequence[NextAction], lang: str, tz: str) -> list[str]:
    """「• 個人情報保護委員会に速報する — 目安 12月7日(月) 23:59（遅くとも 12月9日(水) 23:59）」"""
    return [
        t(
            "todo.row",
            lang,
            action=t(f"todo.action.{a.kind}", lang, **dict(a.values)),
            when=_when(a, lang, tz),
            owner=t("todo.owner", lang, user=a.owner) if a.owner else "",
        )
        for a in actions
    ]


def _when(action: NextAction, lang: str, tz: str) -> str:
    due = format_time(action.due, lang, tz)
    if action.when == When.OVERDUE:
        return t("todo.when.overdue", lang, due=due)
    if action.due is None:
        return t(f"todo.when.{action.when.name.lower()}", lang)
    if action.target is not None and action.target != action.due:
        return t("todo.when.target", lang, target=format_time(action.target, lang, tz), due=due)
    return t("todo.when.due", lang, due=due)
