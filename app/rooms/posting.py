"""A room's messages: each posted once per `ref` across workers, then edited in place, and the
pinned summary kept current. The room's handlers (`app.rooms.room.Room`) build on it."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from app.incidents.service import IncidentService, Snapshot
from app.models import ChatMessage, Followup, Incident, utcnow
from app.rooms import brief, standing
from app.rooms.ports import Chat, Renderer
from app.settings import Settings
from app.work.queue import Claimed, waiting_on

SHOWN_LIMIT = 10_000
_UNCLAIMED: Any = object()  # a ref not reserved ahead (`Posting.reserving`)


async def nothing() -> None:
    return None


def fingerprint(message: object, text: str) -> int:
    """What a message says, exactly and cheaply: its pickled state (the repr of Slack's block
    objects rebuilds each as a dict, several times slower). Messages rendered alike pickle
    alike; any difference in content pickles differently, so an edit is sent, never skipped."""
    return hash((pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL), text))


async def together(*calls: Awaitable[Any]) -> list[Any]:
    """Runs platform calls side by side and waits for all of them; the first failure (in the
    order given) is raised once every call has ended, so none is cut off half-way."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


class Posting:
    """What every room handler needs: the platform's `Chat` and `Renderer`, the service, and
    posting once per ref."""

    def __init__(
        self, chat: Chat, render: Renderer, service: IncidentService, settings: Settings
    ) -> None:
        self.chat = chat
        self.render = render
        self.service = service
        self.settings = settings
        self.tz = settings.timezone
        # What this process last showed per ref: the incident's timeline position, and what.
        self._shown: dict[tuple[int, str], tuple[int, int]] = {}
        # Refs a running row reserved ahead (`reserving`), by (row, attempt, ref): its claim.
        self._claimed: dict[tuple[int, int, str], ChatMessage | None] = {}

    # ----- posting once -----------------------------------------------------------------------

    async def post_once(
        self,
        item: Claimed,
        incident: Incident,
        ref: str,
        message: object,
        text: str,
        *,
        thread: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> tuple[str | None, bool]:
        """Posts the message for `ref` exactly once across workers; returns (id, posted now).

        The ref is reserved in the database before posting, so two rows racing for it cannot
        both post; a row retried after a crash first asks the platform whether its message is
        already there (where the platform can read its room back).
        """
        room = incident.channel_id
        assert room is not None
        thread = self.chat.thread(room, thread)
        known = self._claimed.pop((item.id, item.attempt, ref), _UNCLAIMED)
        if known is _UNCLAIMED:
            known = await self.service.claim_message(incident.id, ref, room, item.id, thread)
        if known is not None:
            return known.ts, False
        if item.attempt > 1 and (found := await self.chat.find(incident, ref, thread)):
            await self.service.save_message_ref(incident.id, ref, room, found, thread)
            return found, False
        meta = {"incident": incident.id, "ref": ref, **(payload or {})}
        sent = await self.chat.send(item, incident, message, text, thread=thread, meta=meta)
        await self.service.save_message_ref(incident.id, ref, room, sent, thread)
        return sent, True

    @asynccontextmanager
    async def reserving(
        self, item: Claimed, incident: Incident, refs: tuple[str, ...]
    ) -> AsyncIterator[None]:
        """Within it, the row posts the top-level messages `refs` (if it posts them) with their
        reservations made ahead, all in one transaction: `post_once` takes each up instead of
        reserving it then. Made for this row, they hold the same as those made one by one."""
        room = incident.channel_id
        assert room is not None
        thread = self.chat.thread(room, None)
        claims = await self.service.claim_messages(
            incident.id, dict.fromkeys(refs, thread), room, item.id
        )
        keys = [(item.id, item.attempt, ref) for ref in refs]
        self._claimed.update(zip(keys, claims.values(), strict=True))
        try:
            yield
        finally:
            for key in keys:  # (a ref it did not post after all)
                self._claimed.pop(key, None)

    async def update(
        self, item: Claimed, incident: Incident, ref: str, message: object, text: str
    ) -> bool:
        """Edits the message posted for `ref` in place; False when there is none to edit (none
        reserved, or this row's own reservation, not posted yet). When another row is posting
        it right now, this row waits for it (deferred): that row posts the state it read, which
        may be older than this row's, and an edit dropped here would leave the room showing it
        (a triage card stuck on the question just answered)."""
        known = await self.service.message_ref(incident.id, ref)
        if known is None:
            return False
        if known.ts is None:
            if known.work_id == item.id:
                return False
            raise waiting_on(item, f"{ref} is being posted", now=utcnow())
        await self.chat.edit(incident, known, message, text)
        item.showed(incident.timeline_seq)  # (behind by its completion? it runs again)
        return True

    async def note(
        self, item: Claimed, incident: Incident, ref: str, text: str, *, thread: str | None = None
    ) -> None:
        await self.post_once(item, incident, ref, self.render.note(text), text, thread=thread)

    async def _edit(
        self, item: Claimed, incident: Incident, ref: str, message: object, text: str
    ) -> bool:
        """Edits the message for `ref`, unless this process last showed exactly this there with
        the incident as it is now (an edit nobody could see is not sent: rows set off by one
        change show the same); False when nothing was posted for `ref` yet (see `update`).
        Once the incident has changed, another replica may have shown something else there
        meanwhile, so the same text is sent again (a role given to A, then B, then A again)."""
        key = (incident.id, ref)
        shown = (incident.timeline_seq, fingerprint(message, text))
        if self._shown.get(key) == shown:
            return True
        if not await self.update(item, incident, ref, message, text):
            return False
        if len(self._shown) > SHOWN_LIMIT:
            self._shown.clear()
        self._shown[key] = shown
        return True

    async def _show(
        self,
        item: Claimed,
        incident: Incident,
        ref: str,
        message: object,
        text: str,
        *,
        thread: str | None = None,
        new: bool = False,
    ) -> bool:
        """The one message for `ref` as it should read now: posted once, then edited in place
        (`new`: most likely not posted yet, so the post is tried first, sparing a look-up);
        True when it was posted now."""
        if not new and await self._edit(item, incident, ref, message, text):
            return False
        _, posted = await self.post_once(item, incident, ref, message, text, thread=thread)
        if not posted:  # another row posted it meanwhile, perhaps from an older state
            await self._edit(item, incident, ref, message, text)
        return posted

    # ----- the pinned summary -----------------------------------------------------------------

    async def _state(self, incident_id: int) -> tuple[Snapshot, list[Followup]]:
        """What the living verdict and the summary both show, read once for a row that shows
        both (such a row writes nothing either reads: only where its messages are)."""
        snap = await self.service.snapshot(incident_id, followups=True)
        return snap, list(snap.followups)

    async def _sync_summary(
        self,
        item: Claimed,
        incident: Incident,
        snap: Snapshot | None = None,
        followups: list[Followup] | None = None,
    ) -> None:
        """The pinned summary, 「今やること」 first (from `snap` and `followups` when the caller
        has just read them, and `snap` has the action items)."""
        if snap is None or not snap.whole:
            snap = await self.service.snapshot(incident.id)
        incident = snap.incident  # (its timeline position is the state the summary shows)
        lang, now = incident.language, utcnow()
        needed = self.service.approvals_needed(incident.severity)
        if followups is None:
            followups = await self.service.followups(incident.id)
        todo = brief.summary_lines(snap, now, needed, lang, self.tz, followups)
        todo += standing.standing_lines(incident, snap.tasks, lang, self.tz)
        summary = self.render.summary(snap, lang, self.tz, now, todo)
        await self._edit(item, incident, "summary", summary, f"{incident.key} {incident.title}")

    async def _refresh(
        self, item: Claimed, snap: Snapshot, followups: list[Followup] | None = None
    ) -> None:
        """The summary and (where the platform has one) the room's topic, as `snap` says;
        waits for the room."""
        incident, lang, now = snap.incident, snap.incident.language, utcnow()
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=now)
        await self._sync_summary(item, incident, snap, followups)
        await self.chat.set_topic(incident, brief.topic(snap, lang, self.tz, now))
