"""Outbound Teams work: each handler renders current state and is safe to run again."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.i18n import t
from app.incidents.reactions import Reactions
from app.incidents.rooms import register_room_reactions
from app.incidents.service import IncidentService, Snapshot, slugify
from app.models import Incident, utcnow
from app.runtime import Runtime
from app.teams import cards
from app.teams.graph import Microsoft, Refused, aad_ids
from app.triage import next_question, question
from app.work.queue import Claimed, Permanent, Retry, WorkQueue, waiting_on

log = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/"
CHANNEL_NAME_LIMIT = 50


def is_channel(conversation: str) -> bool:
    """Team channels thread their messages; group chats do not."""
    return conversation.endswith("@thread.tacv2") or conversation.endswith("@thread.skype")


def message(card: dict[str, Any], text: str) -> dict[str, Any]:
    """A card message; `summary` is what notifications and the chat list show (a `text` would
    be shown above the card as well)."""
    return {
        "type": "message",
        "summary": cards.md(text)[:2000],
        "attachments": [cards.attachment(card)],
    }


class TeamsEffects:
    def __init__(self, runtime: Runtime, microsoft: Microsoft | None = None) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.service: IncidentService = runtime.service
        self.microsoft = microsoft or Microsoft(runtime.settings)

    # ----- wiring -----------------------------------------------------------------------------

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        handlers: dict[str, Callable[[Claimed], Awaitable[None]]] = {
            "teams.open_room": self.open_room,
            "teams.sync_question": self.sync_question,
            "teams.next_question": self.next_question,
            "teams.post_verdict": self.post_verdict,
            "teams.sync_statement": self.sync_statement,
            "teams.publish_statement": self.publish_statement,
            "teams.refresh_room": self.refresh_room,
            "teams.close_room": self.close_room,
            "teams.reply": self.reply,
            "teams.post": self.post,
            "teams.invite": self.invite,
        }
        for kind, handler in handlers.items():
            queue.register(kind, self.guard(handler))

        register_room_reactions(reactions, "teams")

    def guard(
        self, handler: Callable[[Claimed], Awaitable[None]]
    ) -> Callable[[Claimed], Awaitable[None]]:
        async def run(item: Claimed) -> None:
            try:
                await handler(item)
            except Refused as exc:
                # 4xx other than 429: a missing permission or a bad id does not heal by waiting.
                raise Permanent(str(exc)) from exc

        run.__name__ = handler.__name__
        return run

    # ----- posting once -----------------------------------------------------------------------

    def _service_url(self, incident: Incident) -> str:
        return str(incident.source.get("service_url") or DEFAULT_SERVICE_URL)

    async def post_once(
        self,
        item: Claimed,
        incident: Incident,
        ref: str,
        card: dict[str, Any],
        text: str,
        *,
        thread: str | None = None,
    ) -> tuple[str | None, bool]:
        """Posts the message for `ref` once across workers; returns (activity id, posted_now).

        The ref is reserved in the database first, so two rows racing for it cannot both post.
        (The Bot Connector cannot read a channel back, so a crash between the post and saving its
        id may repeat that one message; it never repeats a message whose id was saved.)
        """
        room = incident.channel_id
        assert room is not None
        thread = thread if is_channel(room) else None
        known = await self.service.claim_message(incident.id, ref, room, item.id, thread)
        if known is not None:
            return known.ts, False
        conversation = f"{room};messageid={thread}" if thread else room
        activity_id = await self.microsoft.send(
            self._service_url(incident), conversation, message(card, text)
        )
        await self.service.save_message_ref(incident.id, ref, room, activity_id, thread)
        return activity_id, True

    async def update(self, incident: Incident, ref: str, card: dict[str, Any], text: str) -> bool:
        known = await self.service.message_ref(incident.id, ref)
        if known is None or known.ts is None:
            return False
        conversation = (
            f"{known.channel_id};messageid={known.thread_ts}"
            if known.thread_ts
            else known.channel_id
        )
        await self.microsoft.update(
            self._service_url(incident), conversation, known.ts, message(card, text)
        )
        return True

    async def reply(self, item: Claimed) -> None:
        """A message to where the user spoke (their chat with the bot, or the channel thread)."""
        payload = item.payload
        await self.microsoft.send(
            payload["service_url"],
            payload["conversation"],
            message(payload.get("card") or cards.message_card(payload["text"]), payload["text"]),
        )

    async def invite(self, item: Claimed) -> None:
        """Adds a later reporter of the same leak to the room."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        user = item.payload["user"]
        if aad_ids({user}):
            await self.microsoft.add_member(self.settings.teams_team_id, incident.channel_id, user)

    async def post(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        thread = await self._verdict_thread(incident.id) if item.payload.get("thread") else None
        text = item.payload["text"]
        await self.post_once(
            item, incident, f"post:{item.id}", cards.message_card(text), text, thread=thread
        )

    # ----- the room ---------------------------------------------------------------------------

    async def open_room(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            incident = await self._create_room(incident)
        elif not is_channel(incident.channel_id) and item.attempt > 1:
            assert self.settings.teams_app_id is not None
            await self.microsoft.install_in_chat(incident.channel_id, self.settings.teams_app_id)
        snap = await self.service.snapshot(incident.id)
        lang = incident.language
        await self.post_once(
            item,
            incident,
            "summary",
            cards.summary_card(snap, lang, self.settings.timezone, utcnow()),
            f"{incident.key} {incident.title}",
        )
        welcome = t("teams.welcome", lang, key=incident.key)
        await self.post_once(item, incident, "welcome", cards.message_card(welcome), welcome)
        await self._post_next_question(item, incident)
        if conversation := incident.source.get("conversation"):
            ready = t("teams.room_ready", lang, key=incident.key, room=incident.channel_name)
            await self.post_once_outside(item, incident, "room_ready", str(conversation), ready)
        await self.service.record_effect(
            incident.id, "room.ready", {"channel_id": incident.channel_id}
        )

    async def post_once_outside(
        self, item: Claimed, incident: Incident, ref: str, conversation: str, text: str
    ) -> None:
        """A message outside the room (to the reporter), recorded so a retry does not repeat it."""
        if await self.service.message_ref(incident.id, ref) is not None:
            return
        activity_id = await self.microsoft.send(
            self._service_url(incident), conversation, message(cards.message_card(text), text)
        )
        await self.service.save_message_ref(incident.id, ref, conversation[:64], activity_id)

    def _people(self, incident: Incident) -> list[str]:
        return aad_ids({incident.reporter_id, *self.settings.responders, *self.settings.pr_leads})

    async def _create_room(self, incident: Incident) -> Incident:
        """A private channel in the incident team, or a group chat where those are refused.
        The name is reserved first so a retry adopts the channel it already made."""
        team = self.settings.teams_team_id
        if team and incident.channel_name:
            if found := await self.microsoft.find_channel(team, incident.channel_name):
                return await self._private_channel(incident, team, found, incident.channel_name)
        prefix = "drill" if incident.is_drill else "leak"
        day = incident.created_at.astimezone(self.settings.tz).strftime("%Y%m%d")
        slug = slugify(incident.title) or "incident"
        people = self._people(incident)
        if not people:
            raise Permanent("no Azure AD user to put in the room (reporter, responders, leads)")
        owner = incident.reporter_id if incident.reporter_id in people else people[0]
        for _ in range(20):
            number = await self.service.next_channel_number(day)
            name = f"{prefix}-{day}-{number:03d}-{slug}"[:CHANNEL_NAME_LIMIT].rstrip("-")
            await self.service.reserve_room_name(incident.id, name)
            if team is None:
                return await self._group_chat(incident, name, people)
            try:
                channel = await self.microsoft.create_private_channel(
                    team, name, f"{incident.key} {incident.title}", people, owner
                )
            except Refused as exc:
                if exc.code == "NameAlreadyExists" or exc.status == 409:
                    continue
                if exc.status == 403:
                    log.warning("private channels refused (%s); opening a group chat", exc)
                    return await self._group_chat(incident, name, people)
                raise
            return await self._private_channel(incident, team, channel, name)
        raise Retry("no free channel name")

    async def _private_channel(
        self, incident: Incident, team: str, channel: str, name: str
    ) -> Incident:
        """The room is the channel once the bot is in it (an app in the team is not in its
        private channels); where the tenant refuses that, a group chat with the same people."""
        assert self.settings.teams_app_id is not None
        try:
            await self.microsoft.add_to_private_channel(team, channel, self.settings.teams_app_id)
        except Refused as exc:
            log.warning("leakdesk cannot be added to the private channel (%s); group chat", exc)
            with contextlib.suppress(Refused):  # without Channel.Delete.All it stays, empty
                await self.microsoft.delete_channel(team, channel)
            return await self._group_chat(incident, name, self._people(incident))
        return await self.service.record_room(incident.id, channel_id=channel, channel_name=name)

    async def _group_chat(self, incident: Incident, name: str, people: list[str]) -> Incident:
        chat = await self.microsoft.create_group_chat(name, people)
        incident = await self.service.record_room(incident.id, channel_id=chat, channel_name=name)
        assert self.settings.teams_app_id is not None
        await self.microsoft.install_in_chat(chat, self.settings.teams_app_id)
        return incident

    async def refresh_room(self, item: Claimed) -> None:
        """Keeps the summary card current (Teams has no channel topic the bot may set)."""
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        incident = snap.incident
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        card = cards.summary_card(snap, incident.language, self.settings.timezone, utcnow())
        await self.update(incident, "summary", card, f"{incident.key} {incident.title}")

    # ----- triage -----------------------------------------------------------------------------

    async def _post_next_question(self, item: Claimed, incident: Incident) -> None:
        snap = await self.service.snapshot(incident.id)
        asked = {
            r.ref.split(":", 1)[1]
            for r in await self.service.message_refs(incident.id, "question:")
            if r.ts is not None or r.work_id != item.id
        }
        upcoming = next_question(self.service.answers_model(incident, snap.values), asked)
        if upcoming is None:
            if snap.answers:
                done = t("question.all_done", incident.language)
                await self.post_once(
                    item, incident, "questions_done", cards.message_card(done), done
                )
            return
        await self._post_question(item, snap, upcoming.id, len(asked) + 1)

    async def _post_question(self, item: Claimed, snap: Snapshot, field: str, number: int) -> None:
        incident, lang = snap.incident, snap.incident.language
        q = question(field)
        card = cards.question_card(
            incident, q, number, lang, self.settings.timezone, snap.answers.get(field)
        )
        await self.post_once(item, incident, f"question:{field}", card, q.text.get(lang))

    async def next_question(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.status == "open" and incident.channel_id:
            await self._post_next_question(item, incident)

    async def question_card(self, incident_id: int, field: str) -> dict[str, Any]:
        """The question's card as it should look now (also the answer to an Action.Execute)."""
        snap = await self.service.snapshot(incident_id)
        refs = await self.service.message_refs(incident_id, "question:")
        numbers = {r.ref.split(":", 1)[1]: n for n, r in enumerate(refs, start=1)}
        return cards.question_card(
            snap.incident,
            question(field),
            numbers.get(field, len(refs) + 1),
            snap.incident.language,
            self.settings.timezone,
            snap.answers.get(field),
        )

    async def sync_question(self, item: Claimed) -> None:
        """Shows the latest answer (and who gave it) on the question's own card, for everyone."""
        assert item.incident_id is not None
        field = item.payload["field"]
        incident = await self.service.get(item.incident_id)
        card = await self.question_card(incident.id, field)
        label = question(field).text.get(incident.language)
        if not await self.update(incident, f"question:{field}", card, label):
            await self.post_once(item, incident, f"question:{field}", card, label)

    # ----- verdicts and statements ------------------------------------------------------------

    async def post_verdict(self, item: Claimed) -> None:
        assert item.incident_id is not None
        version = item.payload["version"]
        verdicts = await self.service.verdicts(item.incident_id)
        current = next((v for v in verdicts if v.version == version), None)
        if current is None:
            raise Permanent(f"verdict v{version} not found")
        incident = await self.service.get(item.incident_id)
        lang, tz = incident.language, self.settings.timezone
        text = t(
            "verdict.title",
            lang,
            badge=cards.badge(incident, lang),
            version=version,
            severity=cards.severity_label(current.severity, lang),
        )
        card = cards.verdict_card(incident, version, current.data, lang, tz)
        await self.post_once(item, incident, f"verdict:{version}", card, text)
        previous = next((v for v in verdicts if v.version == version - 1), None)
        if previous is None:
            return
        old = cards.verdict_card(
            incident, previous.version, previous.data, lang, tz, superseded_by=version
        )
        await self.update(incident, f"verdict:{previous.version}", old, text)
        change = t(
            "verdict.changed",
            lang,
            before=cards.severity_label(previous.severity, lang),
            after=cards.severity_label(current.severity, lang),
            version=version,
        )
        await self.post_once(
            item, incident, f"verdict_change:{version}", cards.message_card(change), change
        )

    async def _verdict_thread(self, incident_id: int) -> str | None:
        refs = await self.service.message_refs(incident_id, "verdict:")
        return refs[0].ts if refs else None

    async def statement_card(self, incident_id: int) -> dict[str, Any] | None:
        incident = await self.service.get(incident_id)
        statement = await self.service.latest_statement(incident_id)
        if statement is None:
            return None
        needed = self.service.approvals_needed(incident.severity)
        return cards.statement_card(incident, statement, needed, incident.language)

    async def sync_statement(self, item: Claimed) -> None:
        """The draft lives in one reply under the first verdict, edited in place."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        statement = await self.service.latest_statement(incident.id)
        card = await self.statement_card(incident.id)
        if statement is None or card is None:
            return
        thread = await self._verdict_thread(incident.id)
        if thread is None:
            raise waiting_on(item, "verdict not posted yet", now=utcnow())
        lang = incident.language
        text = t(
            "statement.title",
            lang,
            badge=cards.badge(incident, lang),
            version=statement.version,
            status=t(f"statement.status.{statement.status}", lang),
        )
        if not await self.update(incident, "statement", card, text):
            await self.post_once(item, incident, "statement", card, text, thread=thread)

    async def publish_statement(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        statement = await self.service.statement(incident.id, item.payload["version"])
        lang = incident.language
        await self.post_once(
            item,
            incident,
            f"published:{statement.version}",
            cards.published_card(incident, statement, lang, self.settings.timezone),
            cards.published_text(statement, lang, self.settings.timezone),
        )

    async def close_room(self, item: Claimed) -> None:
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        incident, lang, counts = snap.incident, snap.incident.language, snap.event_counts
        if incident.channel_id is None:
            return
        text = t(
            "room.closed",
            lang,
            key=incident.key,
            actor=item.payload.get("actor", ""),
            resolution=incident.resolution or "",
            events=sum(counts.values()),
            answers=counts.get("answer.recorded", 0),
            verdicts=counts.get("verdict.issued", 0),
            statements=sum(
                v for k, v in counts.items() if k in ("statement.drafted", "statement.edited")
            ),
            notes=counts.get("note.added", 0),
        )
        await self.post_once(item, incident, "closed", cards.message_card(text), text)
        await self.refresh_room(item)
