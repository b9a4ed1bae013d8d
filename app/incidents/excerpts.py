"""Chat messages added to an incident's timeline from its room ("Add to timeline", a reaction, a
pin): masked like every free text, with their author and link, once per message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.incidents.errors import ServiceError
from app.incidents.ledger import Ledger
from app.incidents.masking import Masked, mask
from app.models import TimelineEvent
from app.vocabulary import EventKind

MAX_TEXT = 3000  # a long message is kept to its start; the link leads to the whole


@dataclass(frozen=True)
class ChatExcerpt:
    """A message as the room's platform gives it: its id in the room, text, author and link."""

    message_id: str
    text: str
    author: str
    link: str | None = None


class Excerpts:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    async def add_message(
        self, incident_id: int, excerpt: ChatExcerpt, *, actor: str, via: str
    ) -> tuple[Masked, bool]:
        """Puts the message on the timeline (`message.added`), masked; (masked text, False) when
        that message is already there, however it was added (shortcut, reaction, pin)."""
        masked = mask(excerpt.text.strip()[:MAX_TEXT])
        if not masked.text:
            raise ServiceError("empty_excerpt")
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            added = await session.execute(
                select(TimelineEvent.data).where(
                    TimelineEvent.incident_id == incident.id,
                    TimelineEvent.kind == EventKind.MESSAGE_ADDED,
                )
            )
            if any((data or {}).get("message") == excerpt.message_id for data in added.scalars()):
                return masked, False
            data: dict[str, Any] = {
                "text": masked.text,
                "author": excerpt.author,
                "link": excerpt.link,
                "message": excerpt.message_id,
                "via": via,
            }
            if masked.changed:
                data["masked"] = list(masked.kinds)
            await self.ledger.append(session, incident, EventKind.MESSAGE_ADDED, actor, data)
        return masked, True
