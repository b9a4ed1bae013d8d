"""The follow-up scheduler: keeps an incident's stored follow-ups matching their plan
(app/triage/followups.py), inside the transaction of the change that moved it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents import prompt_rows, queries
from app.incidents.issued import current_verdict
from app.incidents.prompt_rows import new_followup
from app.incidents.reactions import Event, Reactions
from app.incidents.reads import items_kept, last_approved_notice
from app.incidents.rows import work_row, work_values
from app.incidents.standing import STANDING_EVENTS, effective_severity, holder
from app.models import ActionItem, Followup, Incident, WorkItem
from app.triage.followups import (
    LIVE,
    Changes,
    Current,
    QuietHours,
    TaskDue,
    deadlines_within,
    diff,
    parse_quiet_hours,
    plan,
)
from app.triage.policy import Policy
from app.vocabulary import (
    ActionState,
    EventKind,
    FollowupState,
    IncidentStatus,
    Role,
    WorkKind,
    WorkStatus,
)
from app.work.queue import WorkSpec

# What adapters reach through this module (schedule.LIVE, schedule.parse_quiet_hours, …).
__all__ = [
    "DIGEST",
    "LIVE",
    "Scheduler",
    "cancel_all",
    "cancel_work",
    "deadlines_within",
    "enqueue_prompt",
    "followups_of",
    "parse_quiet_hours",
    "prompt_kind",
    "prompt_ref",
    "register",
]

DIGEST = WorkKind.DIGEST  # the deployment's daily digest of deadlines
REPLAN_ON = (
    EventKind.VERDICT_ISSUED,
    EventKind.STATEMENT_PUBLISHED,
    EventKind.INCIDENT_DISCOVERED_AT_CHANGED,
    EventKind.FOLLOWUP_POSTED,
    *STANDING_EVENTS,
)
# Prompts that were shown in the room (posted, then perhaps settled).
SHOWN = (FollowupState.POSTED, FollowupState.DONE, FollowupState.NOT_NEEDED)
OWN = (
    "task:",
    "role:",
)  # prompts about the room's items and roles, planned with or without a verdict
# A posted prompt of these kinds moves the plan on (the next status check, an item's chase).
ROLLING = ("status", "task")


def prompt_kind(platform: str) -> str:
    """The work kind that posts an incident's prompts: each chat platform handles its own."""
    return WorkKind.FOLLOWUP_PROMPT.on(platform)


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
        reactions.within(EventKind.INCIDENT_CLOSED)(self._closed)

    async def _replan(self, session: AsyncSession, event: Event) -> None:
        if event.kind == EventKind.FOLLOWUP_POSTED and event.data.get("kind") not in ROLLING:
            return  # only a status check or an item's prompt moves the plan on
        if self.platforms is not None and event.incident.platform not in self.platforms:
            return
        # (the first verdict's: nothing was drafted before it, so nothing was published)
        first = event.kind == EventKind.VERDICT_ISSUED and event.data.get("version") == 1
        await self.reschedule(session, event.incident, event.at, first=first)

    async def _closed(self, session: AsyncSession, event: Event) -> None:
        await cancel_all(session, event.incident.id, event.at)

    async def reschedule(
        self, session: AsyncSession, incident: Incident, now: datetime, *, first: bool = False
    ) -> Changes:
        """Plans the incident's follow-ups anew (`first`: in its first verdict's transaction)."""
        if incident.status != IncidentStatus.OPEN:
            return Changes((), (), ())
        verdict = await current_verdict(session, incident.id)
        # (the notice as last approved: its next update is planned)
        published = None if first else await last_approved_notice(session, incident.id)
        rows = {f.key: f for f in await followups_of(session, incident.id)}
        tasks = await items_kept(session, incident.id)
        planned = plan(
            verdict.data if verdict else {},
            severity=effective_severity(incident),
            discovered_at=incident.discovered_at,
            next_update_at=published.next_update_at if published else None,
            actions_done=[
                *(
                    k.split(":", 1)[1]
                    for k, f in rows.items()
                    if f.kind == "action" and f.state == FollowupState.DONE
                ),
                *(
                    t.source.removeprefix("verdict:")
                    for t in tasks
                    if t.source and t.source.startswith("verdict:") and t.state != ActionState.OPEN
                ),
            ],
            lead_missing_since=None if holder(incident, Role.LEAD) else incident.created_at,
            tasks=[due for t in tasks if (due := task_due(t, rows.values())) is not None],
            policy=self.policy(),
            now=now,
            tz=self.tz,
            quiet_hours=self.quiet_hours,
        )
        # Before the first verdict only the room's own prompts (its items, its lead) are planned;
        # anything else stored is left as it is.
        planned_here = rows if verdict else {k: f for k, f in rows.items() if k.startswith(OWN)}
        changes = diff(
            {k: Current(f.kind, f.state, f.due_at) for k, f in planned_here.items()}, planned, now
        )
        scheduled: list[tuple[Followup, datetime]] = []
        for p in (*changes.add, *changes.move):
            row = rows.get(p.key)
            if row is None:
                row = new_followup(incident_id=incident.id, key=p.key, kind=p.kind, created_at=now)
            else:
                await cancel_work(session, row)
            row.due_at, row.deadline_at = p.due_at, p.deadline_at
            row.state, row.updated_at = FollowupState.SCHEDULED, now
            scheduled.append((row, p.due_at))
        await enqueue_prompts(
            session, scheduled, platform=incident.platform, now=now, max_attempts=self.max_attempts
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
    await enqueue_prompts(
        session, [(row, due_at)], platform=platform, now=now, max_attempts=max_attempts
    )


async def enqueue_prompts(
    session: AsyncSession,
    scheduled: Sequence[tuple[Followup, datetime]],
    *,
    platform: str,
    now: datetime,
    max_attempts: int,
) -> None:
    """The work rows that will post each (row, due_at) of `scheduled`, and the new rows among
    them (no id yet, from `prompt_rows.new_followup`), written with every id drawn first: a
    stored row gets its `work_id` before its own UPDATE, and no UPDATE follows the INSERTs."""
    if not scheduled:
        return
    new = [row for row, _ in scheduled if row.id is None]
    followup_ids, work_ids = await prompt_rows.draw(session, len(new), len(scheduled))
    for row, row_id in zip(new, followup_ids, strict=True):
        row.id = row_id
    works = []
    for (row, due), work_id in zip(scheduled, work_ids, strict=True):
        row.work_id = work_id
        spec = WorkSpec(prompt_kind(platform), {"followup_id": row.id, "ref": prompt_ref(row)}, due)
        works.append(work_row(session, work_values(spec, now, max_attempts), row.incident_id))
    await prompt_rows.write(session, new, works, work_ids)


def task_due(item: ActionItem, rows: Iterable[Followup]) -> TaskDue | None:
    """What the plan needs of an open item with a due time: how often it was prompted."""
    if item.state != ActionState.OPEN or item.due_at is None:
        return None
    mine = [r for r in rows if r.key == f"task:{item.id}" or r.key.startswith(f"task:{item.id}:")]
    waiting = next((r for r in mine if r.state == FollowupState.SNOOZED), None)
    if waiting is not None:  # a snoozed prompt comes back by itself: plan that one
        count = int(waiting.key.rsplit(":", 1)[1]) - 1 if waiting.key.count(":") == 2 else 0
        return TaskDue(item.id, item.due_at, count, waiting.due_at if count else None)
    posted = [r for r in mine if r.state in SHOWN]
    last = max((r.due_at for r in posted), default=None)  # when each was due, not posted
    return TaskDue(item.id, item.due_at, len(posted), last)


def prompt_ref(row: Followup) -> str:
    """The message ref of the prompt's current posting (each snooze posts a new message)."""
    return f"followup:{row.id}" + (f":{row.snoozes}" if row.snoozes else "")


async def followups_of(session: AsyncSession, incident_id: int) -> list[Followup]:
    """The incident's follow-up prompts, oldest first."""
    return list((await session.execute(queries.FOLLOWUPS, {"incident_id": incident_id})).scalars())


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
