"""The work rows only Slack has: a report the ack recorded, response_url answers, App Home, the
morning digest (run through `SlackChat.guard`, with the workspace's client)."""

from __future__ import annotations

from typing import Any

from app.i18n import masked_notice, storm_offer, t
from app.incidents import schedule
from app.incidents.deadlines import next_deadline
from app.incidents.reactions import Reactions
from app.incidents.reports import Report
from app.incidents.service import IncidentService
from app.models import Incident, utcnow
from app.rooms.company import facts_line
from app.rooms.ports import Handler
from app.rooms.room import Room
from app.slack import blocks as ui
from app.slack.common import REPORT, respond_spec
from app.slack.effects import METADATA_TYPE, SlackChat
from app.slack.followups import digest_blocks, digest_rows
from app.work.queue import Claimed, Permanent, Retry, WorkQueue, WorkSpec


class SlackWork:
    """The work rows only Slack has: reports from the ack, response_url answers, App Home, the
    digest."""

    def __init__(self, chat: SlackChat, service: IncidentService, queue: WorkQueue) -> None:
        self.chat, self.service, self.queue = chat, service, queue
        self.settings = chat.settings

    @property
    def handlers(self) -> dict[str, Handler]:
        return {
            REPORT: self.take_report,
            "slack.respond": self.respond,
            "slack.publish_home": self.publish_home,
            schedule.DIGEST: self.digest,
        }

    async def take_report(self, item: Claimed) -> None:
        """A `/leak` the ack recorded: its incident is opened (the room follows), or the reporter
        is offered the open incident it probably repeats."""
        report = Report.from_payload(item.payload)
        if report is None:  # taken by a run that lost its lease after committing
            return
        lang, response_url = self.settings.language, report.source.get("response_url")

        def replies(incident: Incident, opened: bool) -> list[WorkSpec]:
            if not response_url:
                return []
            if not opened:  # incident.timeline_seq is the report's `report.similar` event
                blocks = ui.storm_blocks(incident.id, incident.timeline_seq, lang)
                return [respond_spec(response_url, storm_offer(lang), blocks)]
            if report.source.get("shortcut"):  # its ack showed nothing: say what happened
                text = t("command.opened", lang, key=incident.key) + masked_notice(
                    report.masked, lang
                )
                return [respond_spec(response_url, text)]
            return []

        await self.service.take_report(report, self.queue.fenced(item), replies)
        self.queue.wrote()  # the room's rows need not wait for the next tick

    async def respond(self, item: Claimed) -> None:
        payload = item.payload
        webhook = self.chat.webhook(payload["response_url"])
        response = await webhook.send(
            text=payload["text"],
            blocks=payload.get("blocks"),
            response_type="ephemeral",
            replace_original=payload.get("replace", False),
        )
        if response.status_code >= 500 or response.status_code == 429:
            raise Retry(f"response_url answered {response.status_code}")

    async def publish_home(self, item: Claimed) -> None:
        """Lists open incidents whose private room the user is a member of."""
        user, client = item.payload["user"], self.chat.client
        rooms: set[str] = set()
        cursor = None
        while True:
            response = await client.users_conversations(
                user=user, types="private_channel", limit=200, cursor=cursor
            )
            rooms.update(c["id"] for c in response.get("channels", []))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        rows = [
            (incident, verdict_deadline(incident, verdict.data if verdict else None))
            for incident, verdict in await self.service.open_incidents(item.payload.get("team"))
            if incident.channel_id in rooms
        ]
        lang = self.settings.language
        facts = facts_line(await self.service.company_facts(item.payload.get("team")), lang)
        view = ui.home_view(rows, lang, self.settings.timezone, company=facts)
        await client.views_publish(user_id=user, view=view)

    async def digest(self, item: Claimed) -> None:
        """The morning digest of open incidents and their deadlines, once a day."""
        channel = self.settings.digest_channel
        if not channel:
            raise Permanent("LEAKDESK_DIGEST_CHANNEL is not set")
        ref, client = f"digest:{item.payload['day']}", self.chat.client
        if item.attempt > 1:
            history = await client.conversations_history(
                channel=channel, include_all_metadata=True, limit=100
            )
            for message in history.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("ref") == ref:
                    return
        rows = digest_rows(await self.service.open_incidents(), utcnow())
        lang = self.settings.language
        await client.chat_postMessage(
            channel=channel,
            text=t("followup.digest.title", lang, count=len(rows)),
            blocks=ui.dump(digest_blocks(rows, lang, self.settings.timezone)),
            metadata={"event_type": METADATA_TYPE, "event_payload": {"ref": ref}},
            unfurl_links=False,
        )


def register(
    chat: SlackChat, service: IncidentService, queue: WorkQueue, reactions: Reactions
) -> Room:
    """Slack's room (app.rooms) and Slack's own work, on the queue and the reactions."""
    room = Room(chat, ui.BlockKit(), service, chat.settings)
    room.register(queue, reactions)
    for kind, handler in SlackWork(chat, service, queue).handlers.items():
        queue.register(kind, chat.guard(handler))
    return room


def verdict_deadline(incident: Incident, data: dict[str, Any] | None) -> str | None:
    clock = next_deadline(incident, data)
    return clock.due.isoformat() if clock else None
