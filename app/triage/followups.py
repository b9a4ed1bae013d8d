"""Follow-up planning (pure): which prompts an incident should get when — its legal clocks'
reminders, status checks, the promised update, recommended actions — and the diff against what
is stored. The scheduler that applies it inside a change's transaction is
app/incidents/schedule.py."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.triage.clocks import legal_clocks
from app.triage.policy import Policy
from app.vocabulary import FollowupState

# How far ahead status checks are written; each one re-plans the window when it is posted.
STATUS_WINDOW = timedelta(days=3)
# A prompt "on the day" of a deadline comes at the start of the working day.
WORKDAY_START = time(9, 0)
# Recommended actions are prompted this long after awareness (at once when that has passed).
ACTION_DELAY = timedelta(hours=2)
QUIET_SEVERITIES = frozenset({"SEV3", "SEV4"})
# A SEV1/SEV2 room without an incident lead is asked for one this long after it opened.
LEAD_WAIT = timedelta(minutes=10)
LEAD_SEVERITIES = frozenset({"SEV1", "SEV2"})
# An action item still open after its prompt is prompted again this long after.
TASK_CHASE = timedelta(hours=2)
LIVE = frozenset({FollowupState.SCHEDULED, FollowupState.SNOOZED})


# ----- values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietHours:
    """Local hours when SEV3/SEV4 status checks wait (the span may cross midnight)."""

    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def defer(self, at: datetime, tz: str) -> datetime:
        """`at`, or the end of the quiet hours it falls in."""
        local = at.astimezone(ZoneInfo(tz))
        if not self.contains(local.time().replace(tzinfo=None)):
            return at
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end


def parse_quiet_hours(text: str | None) -> QuietHours | None:
    """`20:00-08:00` → QuietHours; empty → None."""
    if not text or not text.strip():
        return None
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if match is None:
        raise ValueError(f"{text!r} is not HH:MM-HH:MM (e.g. 20:00-08:00)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        raise ValueError(f"{text!r} is not a span of the day (e.g. 20:00-08:00)")
    return QuietHours(time(h1, m1), time(h2, m2))


@dataclass(frozen=True)
class Planned:
    """One prompt the incident should get: `key` is stable across re-plans."""

    key: str
    kind: str
    due_at: datetime
    deadline_at: datetime | None = None


@dataclass(frozen=True)
class TaskDue:
    """An open action item with a due time, and how often its prompt was posted already."""

    id: int
    due_at: datetime
    prompted: int = 0
    last_prompted_at: datetime | None = None


@dataclass(frozen=True)
class Changes:
    add: tuple[Planned, ...]
    move: tuple[Planned, ...]
    cancel: tuple[str, ...]


@dataclass(frozen=True)
class Current:
    """What the diff needs to know about a stored follow-up."""

    kind: str
    state: str
    due_at: datetime


# ----- planning (pure) -------------------------------------------------------------------------


def plan(
    verdict: Mapping[str, Any],
    *,
    severity: str | None,
    discovered_at: datetime,
    next_update_at: datetime | None,
    actions_done: Iterable[str],
    policy: Policy,
    now: datetime,
    tz: str,
    quiet_hours: QuietHours | None = None,
    lead_missing_since: datetime | None = None,
    tasks: Sequence[TaskDue] = (),
) -> list[Planned]:
    """Every prompt due from `now` on for this verdict and promised update, ordered by time.

    `lead_missing_since`: when the room opened, if it has no incident lead; `tasks`: the open
    action items with a due time."""
    morning = quiet_hours.end if quiet_hours else WORKDAY_START
    planned = [
        *_legal_clocks(verdict, policy, discovered_at, now, tz, morning),
        *_status_checks(severity, discovered_at, policy, now, tz, quiet_hours),
        *_actions(verdict, set(actions_done), discovered_at, now),
        *[_task(task, now) for task in tasks],
    ]
    if lead_missing_since is not None and severity in LEAD_SEVERITIES:
        planned.append(Planned("role:lead", "role", max(now, lead_missing_since + LEAD_WAIT)))
    if next_update_at is not None and next_update_at > now:
        before = timedelta(minutes=policy.followups.next_update_reminder_minutes)
        planned.append(
            Planned(
                f"next_update:{_minute(next_update_at)}",
                "next_update",
                max(now, next_update_at - before),
                next_update_at,
            )
        )
    return sorted(planned, key=lambda p: (p.due_at, p.key))


def _legal_clocks(
    verdict: Mapping[str, Any],
    policy: Policy,
    discovered_at: datetime,
    now: datetime,
    tz: str,
    morning: time,
) -> list[Planned]:
    reminders = policy.followups.reminders
    out: list[Planned] = []
    for clock in legal_clocks(verdict):
        if clock.name in ("appi_preliminary", "principal"):
            marks = {"target": clock.target, "due": clock.due}
            steps = [
                (name, _on_day(marks[name], tz, morning), marks[name])
                for name in reminders.appi_preliminary
                if marks[name] is not None
            ]
        elif clock.name == "appi_final":
            steps = [
                (f"-{days}d" if days else "due", _on_day(clock.due, tz, morning, days), clock.due)
                for days in reminders.appi_final_days_before
            ]
        else:  # gdpr: reminders count hours from awareness
            steps = [
                (f"{hours}h", discovered_at + timedelta(hours=hours), clock.due)
                for hours in reminders.gdpr_hours_after_awareness
            ]
        out += _clock(clock.name, steps, now)
    return out


def _clock(
    kind: str, marks: Sequence[tuple[str, datetime | None, datetime | None]], now: datetime
) -> list[Planned]:
    """The reminders of one clock still ahead; of those already passed, only the latest (now),
    so a verdict issued late prompts once instead of replaying every missed reminder."""
    live = [
        (name, at, deadline) for name, at, deadline in marks if at and deadline and deadline >= now
    ]
    ahead = [
        Planned(f"{kind}:{name}", kind, at, deadline) for name, at, deadline in live if at > now
    ]
    passed = [(at, name, deadline) for name, at, deadline in live if at <= now]
    if passed:
        _, name, deadline = max(passed)
        ahead.append(Planned(f"{kind}:{name}", kind, now, deadline))
    return ahead


def _status_checks(
    severity: str | None,
    discovered_at: datetime,
    policy: Policy,
    now: datetime,
    tz: str,
    quiet_hours: QuietHours | None,
) -> list[Planned]:
    cadence = policy.followups.status_checks.get(severity) if severity else None  # type: ignore[call-overload]
    if cadence is None:
        return []
    every = timedelta(hours=cadence.every_hours)
    until = now + STATUS_WINDOW
    if cadence.for_hours is not None and cadence.then_every_hours is not None:
        switch = discovered_at + timedelta(hours=cadence.for_hours)
        slots = _series(discovered_at + every, every, switch, now, until)
        slots += _series(switch, timedelta(hours=cadence.then_every_hours), None, now, until)
    else:
        slots = _series(discovered_at + every, every, None, now, until)
    wait = quiet_hours is not None and severity in QUIET_SEVERITIES
    out: dict[datetime, Planned] = {}
    for slot in slots:
        due = quiet_hours.defer(slot, tz) if wait and quiet_hours else slot
        # Two slots deferred to the same morning make one prompt.
        out.setdefault(due, Planned(f"status:{_minute(slot)}", "status", due))
    return list(out.values())


def _series(
    start: datetime, step: timedelta, end: datetime | None, after: datetime, until: datetime
) -> list[datetime]:
    """start + k·step (k ≥ 0) before `end`, within (after, until]."""
    skip = max(0, math.floor((after - start) / step)) if after > start else 0
    out, at = [], start + skip * step
    while at <= until and (end is None or at < end):
        if at > after:
            out.append(at)
        at += step
    return out


ACTIONS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "police": lambda v: (
        (v.get("actions") or {}).get("coordinate_with_police") in ("yes", "consult")
    ),
    "card_issuers": lambda v: "C2" in ((v.get("appi") or {}).get("categories") or ()),
    "timely_disclosure": lambda v: bool((v.get("actions") or {}).get("timely_disclosure_review")),
    "press_conference": lambda v: bool((v.get("actions") or {}).get("press_conference")),
}


def _actions(
    verdict: Mapping[str, Any], done: set[str], discovered_at: datetime, now: datetime
) -> list[Planned]:
    due = max(now, discovered_at + ACTION_DELAY)
    return [
        Planned(f"action:{name}", "action", due)
        for name, applies in ACTIONS.items()
        if name not in done and applies(verdict)
    ]


def _task(task: TaskDue, now: datetime) -> Planned:
    """An item's prompt at its due time; once posted and still open, again every TASK_CHASE."""
    if task.prompted == 0 or task.last_prompted_at is None:
        return Planned(f"task:{task.id}", "task", max(now, task.due_at), task.due_at)
    again = max(now, max(task.last_prompted_at, task.due_at) + TASK_CHASE)
    return Planned(f"task:{task.id}:{task.prompted + 1}", "task", again, task.due_at)


def diff(current: Mapping[str, Current], planned: Sequence[Planned], now: datetime) -> Changes:
    """What to add, move and cancel so that the stored follow-ups match the plan.

    Prompts already posted, done, snoozed or ruled not needed are the room's: a re-plan leaves
    them alone. A status check already due is left to fire (it may be in a worker's hands)."""
    wanted = {p.key: p for p in planned}
    add, move = [], []
    for key, p in wanted.items():
        have = current.get(key)
        if have is None or have.state == FollowupState.CANCELLED:
            add.append(p)
        elif have.state == FollowupState.SCHEDULED and have.due_at != p.due_at:
            if not (have.due_at <= now and p.due_at <= now):
                move.append(p)
    cancel = [
        key
        for key, have in current.items()
        if key not in wanted
        and have.state in LIVE
        and not (have.kind == "status" and have.due_at <= now)
    ]
    return Changes(tuple(add), tuple(move), tuple(sorted(cancel)))


def deadlines_within(
    verdict: Mapping[str, Any] | None, now: datetime, horizon: timedelta
) -> list[tuple[str, datetime]]:
    """The legal deadlines of a verdict that fall in [now, now + horizon], earliest first."""
    return [(c.name, c.due) for c in legal_clocks(verdict) if now <= c.due <= now + horizon]


def _on_day(
    deadline: datetime | None, tz: str, morning: time, days_before: int = 0
) -> datetime | None:
    """The start of the working day `days_before` days before a deadline, in the local zone."""
    if deadline is None:
        return None
    local = deadline.astimezone(ZoneInfo(tz)) - timedelta(days=days_before)
    return local.replace(hour=morning.hour, minute=morning.minute, second=0, microsecond=0)


def _minute(at: datetime) -> str:
    return at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M")
