"""Action items: added by people (`/leak task`, a message shortcut) or by the bot from the
verdict's recommended actions and a press conference's readiness list; assigned, given a due
time, done or dropped — each on the timeline. Their prompts are follow-ups (`task:{id}`), chased
until the item is done (app/triage/followups.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.briefing.actions import verdict_items
from app.incidents.errors import ServiceError
from app.incidents.followups import settle_in
from app.incidents.issued import current_verdict
from app.incidents.ledger import Ledger
from app.incidents.masking import Masked, mask
from app.incidents.reactions import Event
from app.incidents.reads import action_items, items_kept, keep_item
from app.models import ActionItem, Followup, Incident
from app.statements.pack import press_readiness
from app.vocabulary import ActionState, EventKind, FollowupState, Role

TITLE_LIMIT = 300
# A press conference's readiness items are due this long after the verdict that recommends it;
# one only "to consider once the facts are known" gives more time. Chased until done.
PRESS_DUE = {"yes": timedelta(hours=1), "conditional": timedelta(hours=4)}
# A follow-up prompt settled settles the item it prompted: `task:{id}[:n]`, or the verdict's
# recommended action `action:{name}` for the item made from it (`verdict:{name}`).
SETTLING = {
    EventKind.FOLLOWUP_DONE: ActionState.DONE,
    EventKind.FOLLOWUP_NOT_NEEDED: ActionState.DROPPED,
}


class Tasks:
    """An incident's action items; `number` is what people type (`/leak task done 3`)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        ledger.reactions.within(*SETTLING)(self._prompt_settled)
        ledger.reactions.within(EventKind.VERDICT_ISSUED)(self._verdict_issued)

    async def tasks(self, incident_id: int) -> list[ActionItem]:
        async with self.ledger.reads() as session:
            return await action_items(session, incident_id)

    async def add_task(
        self,
        incident_id: int,
        title: str,
        actor: str,
        *,
        owner: str | None = None,
        due_at: datetime | None = None,
        link: str | None = None,
    ) -> tuple[ActionItem, Masked]:
        """A person's action item; its title is masked before it is stored."""
        masked = mask(" ".join(title.split())[:TITLE_LIMIT])
        if not masked.text:
            raise ServiceError("task_empty")
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            item = await add_item(
                self.ledger, session, incident, masked.text, actor, owner=owner, due_at=due_at
            )
            extra: dict[str, Any] = {"masked": list(masked.kinds)} if masked.changed else {}
            if link:
                extra["link"] = link
            await self._added(session, incident, item, actor, extra)
        return item, masked

    async def change_task(
        self,
        incident_id: int,
        number: int,
        actor: str,
        *,
        owner: str | None = None,
        due_at: datetime | None = None,
    ) -> ActionItem:
        """A new owner and/or due time for an open item."""
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            item = await self._open_item(session, incident_id, number)
            changed: dict[str, Any] = {}
            if owner is not None and owner != item.owner:
                item.owner = changed["owner"] = owner
            if due_at is not None and due_at != item.due_at:
                item.due_at = due_at
                changed["due_at"] = due_at.isoformat()
            if changed:
                item.updated_at = self.ledger.clock()
                data = {**task_data(item), "changed": sorted(changed)}
                await self.ledger.append(session, incident, EventKind.TASK_CHANGED, actor, data)
            return item

    async def complete_task(self, incident_id: int, number: int, actor: str) -> ActionItem:
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            item = await self._item(session, incident_id, number)
            if item.state == ActionState.OPEN:
                await self.finish(session, incident, item, actor, ActionState.DONE)
            return item

    async def finish(
        self,
        session: AsyncSession,
        incident: Incident,
        item: ActionItem,
        actor: str,
        state: ActionState,
        reason: str | None = None,
    ) -> None:
        """Done or dropped, in the caller's transaction; its prompts still waiting are settled
        with it (the room sees who did it)."""
        now = self.ledger.clock()
        item.state, item.done_by, item.done_at, item.updated_at = state, actor, now, now
        data = task_data(item) | ({"reason": reason} if reason else {})
        kind = EventKind.TASK_DONE if state == ActionState.DONE else EventKind.TASK_DROPPED
        await self.ledger.append(session, incident, kind, actor, data, now)
        if state != ActionState.DONE:
            return  # the scheduler cancels its waiting prompts; one posted keeps its buttons
        posted = await session.execute(
            select(Followup).where(
                Followup.incident_id == incident.id,
                Followup.state == FollowupState.POSTED,
                Followup.key.in_(_prompt_keys(item)) | Followup.key.like(f"task:{item.id}:%"),
            )
        )
        for row in posted.scalars():
            await settle_in(self.ledger, session, incident, row, actor, FollowupState.DONE)

    async def _verdict_issued(self, session: AsyncSession, event: Event) -> None:
        """The verdict's recommended actions and a press conference's readiness become items."""
        incident, lang = event.incident, event.incident.language
        verdict = await current_verdict(session, incident.id)
        data = verdict.data if verdict else None
        wanted = verdict_items(data, lang)
        await sync_items(self.ledger, session, incident, wanted, "verdict:")
        owner = (incident.roles or {}).get(Role.COMMS)
        press = press_items(data, lang, event.at)
        await sync_items(self.ledger, session, incident, press, "press:", owner=owner)

    async def _prompt_settled(self, session: AsyncSession, event: Event) -> None:
        """A prompt for an item marked done (or not needed) settles the item."""
        key = str(event.data.get("key") or "")
        item = await self._prompted_item(session, event.incident.id, key)
        if item is None or item.state != ActionState.OPEN:
            return
        state = SETTLING[EventKind(event.kind)]
        await self.finish(
            session, event.incident, item, event.actor, state, event.data.get("reason")
        )

    async def _prompted_item(
        self, session: AsyncSession, incident_id: int, key: str
    ) -> ActionItem | None:
        kind, _, rest = key.partition(":")
        if kind == "task" and rest.split(":")[0].isdigit():
            clause = ActionItem.id == int(rest.split(":")[0])
        elif kind == "action" and rest:
            clause = ActionItem.source == f"verdict:{rest}"
        else:
            return None
        return (
            await session.execute(
                select(ActionItem).where(ActionItem.incident_id == incident_id, clause)
            )
        ).scalar_one_or_none()

    async def _added(
        self,
        session: AsyncSession,
        incident: Incident,
        item: ActionItem,
        actor: str,
        extra: dict[str, Any],
    ) -> None:
        await self.ledger.append(
            session, incident, EventKind.TASK_ADDED, actor, task_data(item) | extra
        )

    async def _item(self, session: AsyncSession, incident_id: int, number: int) -> ActionItem:
        item = (
            await session.execute(
                select(ActionItem)
                .where(ActionItem.incident_id == incident_id, ActionItem.number == number)
                .execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()
        if item is None:
            raise ServiceError("no_task", str(number))
        return item

    async def _open_item(self, session: AsyncSession, incident_id: int, number: int) -> ActionItem:
        item = await self._item(session, incident_id, number)
        if item.state != ActionState.OPEN:
            raise ServiceError("task_closed", str(number))
        return item


async def add_item(
    ledger: Ledger,
    session: AsyncSession,
    incident: Incident,
    title: str,
    actor: str,
    *,
    owner: str | None = None,
    due_at: datetime | None = None,
    source: str | None = None,
) -> ActionItem:
    """A new item numbered after the incident's last (the incident row is locked)."""
    now = ledger.clock()
    last = (
        await session.execute(
            select(func.max(ActionItem.number)).where(ActionItem.incident_id == incident.id)
        )
    ).scalar_one()
    item = ActionItem(
        incident_id=incident.id,
        number=(last or 0) + 1,
        title=title,
        source=source,
        owner=owner,
        due_at=due_at,
        state=ActionState.OPEN,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    await session.flush()
    keep_item(session, item)
    return item


async def sync_items(
    ledger: Ledger,
    session: AsyncSession,
    incident: Incident,
    wanted: Sequence[tuple[str, str, datetime | None]],
    prefix: str,
    owner: str | None = None,
) -> None:
    """Makes the bot's items under `prefix` (`verdict:`, `press:`) match `wanted` (source, title,
    due): new ones added, ones no longer called for dropped, dropped ones called for again
    reopened; a person's changes (owner, due) are kept. The items are those this transaction
    keeps (`items_kept`: the follow-up plan reads them next)."""
    items = await items_kept(session, incident.id)
    existing = {
        item.source: item for item in items if item.source and item.source.startswith(prefix)
    }
    sources = {source for source, _, _ in wanted}
    for source, title, due in wanted:
        item = existing.get(source)
        if item is None:
            item = await add_item(
                ledger, session, incident, title, "leakdesk", owner=owner, due_at=due, source=source
            )
            await ledger.append(
                session, incident, EventKind.TASK_ADDED, "leakdesk", task_data(item)
            )
        elif item.state == ActionState.DROPPED and item.done_by == "leakdesk":
            item.state, item.done_by, item.done_at = ActionState.OPEN, None, None
            item.updated_at = ledger.clock()
            await ledger.append(
                session, incident, EventKind.TASK_ADDED, "leakdesk", task_data(item)
            )
    for source, item in existing.items():
        if source not in sources and item.state == ActionState.OPEN:
            now = ledger.clock()
            item.state, item.done_by, item.done_at, item.updated_at = (
                ActionState.DROPPED,
                "leakdesk",
                now,
                now,
            )
            data = task_data(item) | {"reason": "no_longer_recommended"}
            await ledger.append(session, incident, EventKind.TASK_DROPPED, "leakdesk", data)


def press_items(
    verdict: dict[str, Any] | None, lang: str, at: datetime
) -> list[tuple[str, str, datetime | None]]:
    """(source, title, due) for the readiness of a press conference the verdict recommends
    (spokesperson, time, place or online, materials, Q&A approved); each source is stable for
    its text, so a verdict that changes the list keeps the items already made."""
    press = ((verdict or {}).get("actions") or {}).get("press_conference")
    due = PRESS_DUE.get("yes" if press is True else str(press))
    if not verdict or due is None:
        return []
    return [
        (f"press:{hashlib.sha256(title.encode()).hexdigest()[:12]}", title, at + due)
        for title in press_readiness(verdict, lang)
    ]


def _prompt_keys(item: ActionItem) -> list[str]:
    keys = [f"task:{item.id}"]
    if item.source and item.source.startswith("verdict:"):
        keys.append(f"action:{item.source.removeprefix('verdict:')}")
    return keys


def task_data(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "number": item.number,
        "title": item.title,
        "owner": item.owner,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "source": item.source,
    }
