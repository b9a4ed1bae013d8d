"""Follow-up prompts: what is due when (pure `plan`), and the hooks that keep the schedule current."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.reactions import Event, Reactions
from app.incidents.reads import latest_verdict
from app.models import (
    Followup,
    FollowupState,
    Incident,
    IncidentStatus,
    Statement,
    WorkItem,
    WorkStatus,
)
from app.triage import Policy
from app.triage.clocks import legal_clocks
from app.work.queue import WorkSpec, add_work


def prompt_kind(platform: str) -> str:
    """The work kind that posts an incident's prompts: each chat platform handles its own."""
    return f"{platform}.followup.prompt"


DIGEST = "followup.digest"
# How far ahead status checks are written; each one re-plans the window when it is posted.
STATUS_WINDOW = timedelta(days=3)
# A prompt "on the day" of a deadline comes at the start of the working day.
WORKDAY_START = time(9, 0)
# Recommended actions are prompted this long after awareness (at once when that has passed).
ACTION_DELAY = timedelta(hours=2)
QUIET_SEVERITIES = frozenset({"SEV3", "SEV4"})
LIVE = frozenset({FollowupState.SCHEDULED, FollowupState.SNOOZED})
REPLAN_ON = (
    "verdict.issued",
    "statement.published",
    "incident.discovered_at_changed",
    "followup.posted",
)


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
) -> list[Planned]:
    """Every prompt due from `now` on for this verdict and promised update, ordered by time."""
    morning = quiet_hours.end if quiet_hours else WORKDAY_START
    planned = [
        *_legal_clocks(verdict, policy, discovered_at, now, tz, morning),
        *_status_checks(severity, discovered_at, policy, now, tz, quiet_hours),
        *_actions(verdict, set(actions_done), discovered_at, now),
    ]
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


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


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


# ----- scheduling (inside the event's transaction) ---------------------------------------------


@dataclass(frozen=True)
class Scheduler:
    """Keeps an incident's follow-ups matching its plan; runs in the transaction of the change."""

    policy: Callable[[], Policy]
    tz: str
    quiet_hours: QuietHours | None = None
    max_attempts: int = 8
    # Chat platforms whose adapter posts prompts (None: all); others' incidents get none.
    platforms: frozenset[str] | None = None

    def register(self, reactions: Reactions) -> None:
        reactions.within(*REPLAN_ON)(self._replan)
        reactions.within("incident.closed")(self._closed)

    async def _replan(self, session: AsyncSession, event: Event) -> None:
        if event.kind == "followup.posted" and event.data.get("kind") != "status":
            return  # only a status check moves the rolling window on
        if self.platforms is not None and event.incident.platform not in self.platforms:
            return
        await self.reschedule(session, event.incident, event.at)

    async def _closed(self, session: AsyncSession, event: Event) -> None:
        await cancel_all(session, event.incident.id, event.at)

    async def reschedule(self, session: AsyncSession, incident: Incident, now: datetime) -> Changes:
        if incident.status != IncidentStatus.OPEN:
            return Changes((), (), ())
        verdict = await latest_verdict(session, incident.id)
        if verdict is None:
            return Changes((), (), ())
        published = (
            await session.execute(
                select(Statement)
                .where(Statement.incident_id == incident.id, Statement.status == "approved")
                .order_by(Statement.version.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        rows = {f.key: f for f in await followups_of(session, incident.id)}
        planned = plan(
            verdict.data,
            severity=verdict.severity,
            discovered_at=incident.discovered_at,
            next_update_at=published.next_update_at if published else None,
            actions_done=[
                k.split(":", 1)[1]
                for k, f in rows.items()
                if f.kind == "action" and f.state == FollowupState.DONE
            ],
            policy=self.policy(),
            now=now,
            tz=self.tz,
            quiet_hours=self.quiet_hours,
        )
        changes = diff(
            {k: Current(f.kind, f.state, f.due_at) for k, f in rows.items()}, planned, now
        )
        for p in (*changes.add, *changes.move):
            row = rows.get(p.key)
            if row is None:
                row = Followup(incident_id=incident.id, key=p.key, kind=p.kind, created_at=now)
                session.add(row)
            else:
                await cancel_work(session, row)
            row.due_at, row.deadline_at = p.due_at, p.deadline_at
            row.state, row.updated_at = FollowupState.SCHEDULED, now
            await session.flush()
            await enqueue_prompt(
                session,
                row,
                platform=incident.platform,
                due_at=p.due_at,
                now=now,
                max_attempts=self.max_attempts,
            )
        for key in changes.cancel:
            await _cancel(session, rows[key], now)
        return changes


async def enqueue_prompt(
    session: AsyncSession,
    row: Followup,
    *,
    platform: str,
    due_at: datetime,
    now: datetime,
    max_attempts: int,
) -> None:
    """The work row that will post `row` (as its current `prompt_ref`) at `due_at`."""
    work = add_work(
        session,
        WorkSpec(prompt_kind(platform), {"followup_id": row.id, "ref": prompt_ref(row)}, due_at),
        incident_id=row.incident_id,
        now=now,
        max_attempts=max_attempts,
    )
    await session.flush()
    row.work_id = work.id


def prompt_ref(row: Followup) -> str:
    """The message ref of the prompt's current posting (each snooze posts a new message)."""
    return f"followup:{row.id}" + (f":{row.snoozes}" if row.snoozes else "")


async def followups_of(session: AsyncSession, incident_id: int) -> list[Followup]:
    rows = await session.execute(
        select(Followup).where(Followup.incident_id == incident_id).order_by(Followup.id)
    )
    return list(rows.scalars())


async def cancel_all(session: AsyncSession, incident_id: int, now: datetime) -> int:
    live = [f for f in await followups_of(session, incident_id) if f.state in LIVE]
    for row in live:
        await _cancel(session, row, now)
    return len(live)


async def _cancel(session: AsyncSession, row: Followup, now: datetime) -> None:
    await cancel_work(session, row)
    row.state, row.updated_at = FollowupState.CANCELLED, now


async def cancel_work(session: AsyncSession, row: Followup) -> None:
    """Cancels the pending work row; one already claimed sees `work_id` moved on and stands down."""
    if row.work_id is not None:
        await session.execute(
            update(WorkItem)
            .where(WorkItem.id == row.work_id, WorkItem.status == WorkStatus.PENDING)
            .values(status=WorkStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
    row.work_id = None


def register(
    reactions: Reactions,
    *,
    policy: Callable[[], Policy],
    tz: str,
    quiet_hours: QuietHours | None = None,
    max_attempts: int = 8,
    platforms: frozenset[str] | None = None,
) -> Scheduler:
    scheduler = Scheduler(policy, tz, quiet_hours, max_attempts, platforms)
    scheduler.register(reactions)
    return scheduler
