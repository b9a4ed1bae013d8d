"""A closed incident's room, put away: after the closing summary, the room is told where the
record stays (the export), then archived (`LEAKDESK_ARCHIVE_ROOMS`, on by default), on the
timeline (`room.archived`). Retried through the work queue like every room effect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.i18n import t
from app.incidents.reactions import Event, Reactions
from app.models import Incident, utcnow
from app.vocabulary import EventKind, WorkKind
from app.work.queue import Claimed, WorkQueue, WorkSpec, waiting_on

if TYPE_CHECKING:
    from app.rooms.room import Room

EXPORT = "export"
# Rows that stand down by themselves once the incident is closed: archiving does not wait.
IDLE = (WorkKind.DRILL_REVEAL, WorkKind.FOLLOWUP_PROMPT, WorkKind.FOLLOWUP_SYNC)


def export_text(incident: Incident, public_url: str | None) -> str:
    lang, key = incident.language, incident.key
    if not public_url:
        return t("room.export_cli", lang, key=key)
    page = f"{public_url}/incidents/{key}"
    return t("room.export_links", lang, key=key, report=f"{page}/report", exports=page)


class Archive:
    """The `{platform}.archive_room` handler of one platform's rooms."""

    def __init__(self, room: Room) -> None:
        self.room = room

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        platform = self.room.chat.platform
        queue.register(WorkKind.ARCHIVE_ROOM.on(platform), self.room.chat.guard(self.archive_room))
        if not self.room.settings.archive_rooms:
            return

        @reactions.on(EventKind.INCIDENT_CLOSED, platform=platform)
        def _archive(event: Event) -> list[WorkSpec]:
            return [WorkSpec(WorkKind.ARCHIVE_ROOM.on(platform))]

    async def archive_room(self, item: Claimed) -> None:
        assert item.incident_id is not None
        room, service = self.room, self.room.service
        incident = await service.get(item.incident_id)
        if incident.channel_id is None:
            return  # the room was never made: nothing to put away
        platform = room.chat.platform
        idle = tuple(kind.on(platform) for kind in IDLE)
        if await service.message_ref(incident.id, "closed") is None or (
            await service.room_work_left(incident.id, f"{platform}.", item.id, idle)
        ):
            raise waiting_on(item, "the room's last messages are not posted yet", now=utcnow())
        await room.note(item, incident, EXPORT, export_text(incident, room.settings.public_url))
        archived = await room.chat.archive(incident)
        done = {"channel_id": incident.channel_id, "archived": archived}
        item.wrote(await service.record_effect(incident.id, EventKind.ROOM_ARCHIVED, done))
