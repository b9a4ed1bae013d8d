"""Stakeholder updates from the room, the same for Slack and Teams: `update [note]` drafts a status
update for the internal update channel — where the incident stands, never what leaked — the
incident lead or the communications lead approves it on its card, and the bot posts it there.
Never for a drill. The channel is `LEAKDESK_UPDATE_CHANNELS` (per workspace or team)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from app.i18n import format_time, masked_notice, t
from app.incidents.deadlines import next_deadline
from app.incidents.masking import mask
from app.incidents.reactions import Event, Reactions
from app.incidents.service import IncidentService, ServiceError, Snapshot
from app.incidents.standing import effective_severity
from app.models import Incident, utcnow
from app.rooms.texts import refusal
from app.settings import Settings
from app.vocabulary import EventKind
from app.work.queue import Claimed, Permanent, WorkQueue, WorkSpec, waiting_on

if TYPE_CHECKING:
    from app.rooms.room import Room

WORD = "update"
DRAFT, POST = "update_draft", "post_update"


def update_channel(settings: Settings, incident: Incident) -> str | None:
    """The update channel of the incident's workspace (or team), else the default one."""
    default = None
    for entry in settings.update_channels:
        where, _, channel = entry.rpartition("=")
        if where and where == incident.workspace_id:
            return channel
        if not where:
            default = channel
    return default


def compose(snap: Snapshot, note: str, lang: str, tz: str, now: datetime) -> str:
    """Where the incident stands, in words that name nothing of the leaked data: key, status,
    severity, the next legal deadline, the statement's state (the title is left out: it is the
    reporter's own words)."""
    incident = snap.incident
    severity = effective_severity(incident)
    clock = next_deadline(incident, snap.verdict.data if snap.verdict else None)
    statement = snap.statement
    lines = [
        t("update.title", lang, key=incident.key, at=format_time(now, lang, tz)),
        t("update.status", lang, status=t(f"room.status.{incident.status}", lang)),
        t("update.severity", lang, severity=t(f"severity.{severity or 'none'}", lang)),
        t(
            "update.deadline",
            lang,
            deadline=(
                f"{t(f'followup.deadline.{clock.name}', lang)} {format_time(clock.due, lang, tz)}"
                if clock and clock.name
                else "—"
            ),
        ),
        t(
            "update.statement",
            lang,
            state=t(f"statement.status.{statement.status}", lang) if statement else "—",
        ),
    ]
    if note.strip():
        lines.append(t("update.note", lang, note=note.strip()))
    return "\n".join(lines)


async def update_command(
    service: IncidentService, settings: Settings, incident: Incident, note: str, user: str
) -> str:
    """`update [note]` in the room: what the person reads back."""
    lang = incident.language
    if update_channel(settings, incident) is None:
        return t("update.no_channel", lang)
    masked = mask(note)
    snap = await service.snapshot(incident.id)
    text = compose(snap, masked.text, lang, settings.timezone, utcnow())
    try:
        update = await service.draft_update(incident.id, text, user)
    except ServiceError as exc:
        return refusal(exc, lang)
    return t("update.drafted", lang, version=update.version) + masked_notice(masked.kinds, lang)


class Updates:
    """The `{platform}.update_draft` and `{platform}.post_update` handlers of a platform's rooms."""

    def __init__(self, room: Room) -> None:
        self.room = room

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        platform, guard = self.room.chat.platform, self.room.chat.guard
        queue.register(f"{platform}.{DRAFT}", guard(self.show_draft))
        queue.register(f"{platform}.{POST}", guard(self.post))

        @reactions.on(EventKind.UPDATE_DRAFTED, EventKind.UPDATE_POSTED, platform=platform)
        def _drafted(event: Event) -> list[WorkSpec]:
            return [WorkSpec(f"{platform}.{DRAFT}", {"version": event.data["version"]})]

        @reactions.on(EventKind.UPDATE_APPROVED, platform=platform)
        def _approved(event: Event) -> list[WorkSpec]:
            version = {"version": event.data["version"]}
            return [
                WorkSpec(f"{platform}.{DRAFT}", version),
                WorkSpec(f"{platform}.{POST}", version),
            ]

    async def show_draft(self, item: Claimed) -> None:
        """The draft's card in the room, with Approve until it is approved, then who did and
        where it went."""
        assert item.incident_id is not None
        room, service = self.room, self.room.service
        incident = await service.get(item.incident_id)
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        update = await service.stakeholder_update(incident.id, item.payload["version"])
        message = room.render.update_draft(incident, update, incident.language)
        await room._show(item, incident, f"update:{update.version}", message, update.text)

    async def post(self, item: Claimed) -> None:
        """The approved update in the update channel, once; then on the timeline."""
        assert item.incident_id is not None
        room, service = self.room, self.room.service
        incident = await service.get(item.incident_id)
        channel = update_channel(room.settings, incident)
        if channel is None:
            raise Permanent("no update channel (LEAKDESK_UPDATE_CHANNELS)")
        update = await service.stakeholder_update(incident.id, item.payload["version"])
        ref = f"update_posted:{update.version}"
        known = await service.claim_message(incident.id, ref, channel, item.id)
        if known is not None:
            return
        sent = await room.chat.announce(
            incident, channel, room.render.note(update.text), update.text
        )
        await service.save_message_ref(incident.id, ref, channel, sent, None)
        posted = {"version": update.version, "channel": channel}
        item.wrote(await service.record_effect(incident.id, EventKind.UPDATE_POSTED, posted))
