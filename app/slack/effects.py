"""Outbound Slack work: each handler renders current state and is safe to run again."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from app.drills.catalog import load_scenario
from app.i18n import masked_notice, storm_offer, t
from app.incidents.reactions import Event, Reactions
from app.incidents.reports import Report
from app.incidents.rooms import register_room_reactions
from app.incidents.service import IncidentService, Snapshot, slugify
from app.models import Incident, utcnow
from app.runtime import Runtime
from app.slack import blocks as ui
from app.slack.common import REPORT, group_members, respond_spec
from app.slack.installs import WorkspaceClients
from app.slack.pacing import SLACK_LIMITS, Pacer
from app.triage import QUESTIONS, next_question, question
from app.triage.clocks import next_deadline
from app.work.queue import Claimed, Defer, Permanent, Retry, WorkQueue, WorkSpec, waiting_on

log = logging.getLogger(__name__)

_current_client: ContextVar[AsyncWebClient | None] = ContextVar("slack_client", default=None)

METADATA_TYPE = "leakdesk_message"
PERMANENT_ERRORS = {
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "invalid_auth",
    "account_inactive",
    "missing_scope",
    "not_authed",
    "restricted_action",
}


def slack_failure(exc: SlackApiError) -> Exception:
    """Maps Slack's answer to the queue's vocabulary: wait and retry, or give up."""
    error = exc.response.get("error", "") if exc.response is not None else ""
    if exc.response is not None and exc.response.status_code == 429:
        return Retry("ratelimited", after=float(exc.response.headers.get("Retry-After", 5)))
    if error in PERMANENT_ERRORS:
        return Permanent(error)
    return Retry(error or "slack_error")


class SlackEffects:
    def __init__(
        self, runtime: Runtime, client: AsyncWebClient, clients: WorkspaceClients | None = None
    ) -> None:
        self.runtime = runtime
        self.service: IncidentService = runtime.service
        self._default = client
        self._clients = clients
        self._sessions: list[aiohttp.ClientSession] = []
        self.pacer = Pacer(SLACK_LIMITS if runtime.settings.slack_pacing else {})
        self.settings = runtime.settings

    @property
    def client(self) -> AsyncWebClient:
        """The client for the workspace of the row being worked on (one per install)."""
        return _current_client.get() or self._default

    # ----- wiring -----------------------------------------------------------------------------

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        for kind, handler in {
            REPORT: self.take_report,
            "slack.open_room": self.open_room,
            "slack.sync_question": self.sync_question,
            "slack.next_question": self.next_question,
            "slack.post_verdict": self.post_verdict,
            "slack.sync_statement": self.sync_statement,
            "slack.publish_statement": self.publish_statement,
            "slack.refresh_room": self.refresh_room,
            "slack.close_room": self.close_room,
            "slack.respond": self.respond,
            "slack.post": self.post,
            "slack.publish_home": self.publish_home,
            "slack.invite": self.invite,
            "slack.drill_reveal": self.drill_reveal,
        }.items():
            queue.register(kind, self._guarded(handler))

        register_room_reactions(reactions, "slack")

        @reactions.on("incident.opened", platform="slack")
        def _scenario(event: Event) -> list[WorkSpec]:
            """A drill of a built-in scenario: its facts are revealed when the scenario says."""
            scenario_id = event.incident.source.get("scenario")
            if not scenario_id:
                return []
            return [
                WorkSpec(
                    "slack.drill_reveal",
                    {"scenario": scenario_id, "step": n},
                    due_at=event.at + timedelta(minutes=step.after_minutes),
                )
                for n, step in enumerate(load_scenario(scenario_id).steps)
            ]

    def _guarded(self, handler: Any) -> Any:
        async def run(item: Claimed) -> None:
            client = await self._client_for(item)
            self._keep_alive(client or self._default)
            token = _current_client.set(client)
            try:
                await handler(item)
            except SlackApiError as exc:
                raise slack_failure(exc) from exc
            finally:
                _current_client.reset(token)

        run.__name__ = handler.__name__
        return run

    def _keep_alive(self, client: AsyncWebClient) -> None:
        """One connection pool per client instead of a new TCP connection for every call."""
        if client.session is None:
            client.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=client.timeout)
            )
            self._sessions.append(client.session)

    async def close(self) -> None:
        for session in self._sessions:
            await session.close()
        self._sessions.clear()

    async def _client_for(self, item: Claimed) -> AsyncWebClient | None:
        if self._clients is None:
            return None
        team = item.payload.get("team")
        if team is None and item.incident_id is not None:
            team = (await self.service.get(item.incident_id)).workspace_id
        return await self._clients.for_team(team)

    # ----- posting once -----------------------------------------------------------------------

    async def post_once(
        self,
        item: Claimed,
        incident: Incident,
        ref: str,
        blocks: Sequence[Block],
        text: str,
        *,
        thread_ts: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> tuple[str | None, bool]:
        """Posts the message for `ref` exactly once across workers; returns (ts, posted_now).

        The ref is reserved in the database before posting, so two rows racing for it cannot
        both post; a row retried after a crash looks for its message in the channel first.
        """
        channel = incident.channel_id
        assert channel is not None
        known = await self.service.claim_message(incident.id, ref, channel, item.id, thread_ts)
        if known is not None:
            return known.ts, False
        if item.attempt > 1 and (
            found := await self._find_posted(channel, incident.id, ref, thread_ts)
        ):
            await self.service.save_message_ref(incident.id, ref, channel, found, thread_ts)
            return found, False
        await self.pacer.wait(f"post:{channel}", item.id)
        response = await self.client.chat_postMessage(
            channel=channel,
            text=text[:3000],
            blocks=ui.dump(blocks),
            thread_ts=thread_ts,
            metadata={
                "event_type": METADATA_TYPE,
                "event_payload": {"incident": incident.id, "ref": ref, **(payload or {})},
            },
            unfurl_links=False,
            unfurl_media=False,
        )
        ts = response["ts"]
        await self.service.save_message_ref(incident.id, ref, channel, ts, thread_ts)
        return ts, True

    async def _find_posted(
        self, channel: str, incident_id: int, ref: str, thread_ts: str | None
    ) -> str | None:
        if thread_ts:
            response = await self.client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200
            )
        else:
            response = await self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=200
            )
        for message in response.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("incident") == incident_id and payload.get("ref") == ref:
                return message["ts"]
        return None

    async def update(
        self, incident: Incident, ref: str, blocks: Sequence[Block], text: str
    ) -> bool:
        known = await self.service.message_ref(incident.id, ref)
        if known is None or known.ts is None:
            return False
        await self.client.chat_update(
            channel=known.channel_id, ts=known.ts, text=text[:3000], blocks=ui.dump(blocks)
        )
        return True

    # ----- a report ---------------------------------------------------------------------------

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
            if not opened:
                blocks = ui.storm_blocks(
                    incident, report.title, report.source.get("link"), lang, self.settings.timezone
                )
                text = storm_offer(
                    incident.key, incident.title, incident.created_at, lang, self.settings.timezone
                )
                return [respond_spec(response_url, text, blocks)]
            if report.source.get("shortcut"):  # its ack showed nothing: say what happened
                text = t("command.opened", lang, key=incident.key) + masked_notice(
                    report.masked, lang
                )
                return [respond_spec(response_url, text)]
            return []

        await self.service.take_report(report, self.runtime.queue.fenced(item), replies)
        self.runtime.queue.poke()  # the room's rows need not wait for the next tick

    # ----- the room ---------------------------------------------------------------------------

    async def open_room(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            incident = await self._create_channel(incident, item)
        await self._invite(incident)
        snap = await self.service.snapshot(incident.id)
        lang = incident.language
        summary_ts, posted = await self.post_once(
            item,
            incident,
            "summary",
            ui.summary_blocks(snap, lang, self.settings.timezone, utcnow()),
            f"{incident.key} {incident.title}",
        )
        if summary_ts and (posted or item.attempt > 1):
            await self._pin(incident.channel_id, summary_ts)
        await self.post_once(
            item,
            incident,
            "welcome",
            [ui.section(t("room.welcome", lang, key=incident.key))],
            t("room.welcome", lang, key=incident.key),
        )
        await self._post_next_question(item, incident)
        if response_url := incident.source.get("response_url"):
            await self._respond(
                response_url,
                t("command.room_ready", lang, key=incident.key, channel=incident.channel_id),
            )
        await self.service.record_effect(
            incident.id, "room.ready", {"channel_id": incident.channel_id}
        )

    async def _create_channel(self, incident: Incident, item: Claimed) -> Incident:
        """Creates the private room; the name is reserved first so a retry after a lost answer
        adopts the channel it already made instead of making a second one."""
        if incident.channel_name and (found := await self._own_channel(incident.channel_name)):
            return await self.service.record_room(
                incident.id, channel_id=found, channel_name=incident.channel_name
            )
        prefix = "drill" if incident.is_drill else "leak"
        day = incident.created_at.astimezone(self.settings.tz).strftime("%Y%m%d")
        slug = slugify(incident.title) or "incident"
        for _ in range(20):
            # Paced first: a storm's rooms wait their turn off the worker, their names unspent.
            try:
                await self.pacer.wait("conversations.create", item.id)
            except Defer:
                await self._tell_delayed(incident, item)
                raise
            number = await self.service.next_channel_number(day)
            name = f"{prefix}-{day}-{number:03d}-{slug}"[:80].rstrip("-")
            await self.service.reserve_room_name(incident.id, name)
            try:
                response = await self.client.conversations_create(name=name, is_private=True)
            except SlackApiError as exc:
                if exc.response.get("error") == "name_taken":
                    continue
                raise
            channel = response["channel"]
            return await self.service.record_room(
                incident.id, channel_id=channel["id"], channel_name=channel["name"]
            )
        raise Retry("no free channel name")

    async def _tell_delayed(self, incident: Incident, item: Claimed) -> None:
        """Once per incident: the reporter learns its key while its room waits for its turn."""
        response_url = incident.source.get("response_url")
        if not response_url or await self.service.claim_message(
            incident.id, "room_delayed", "response_url", item.id
        ):
            return
        text = t("command.room_delayed", incident.language, key=incident.key)
        try:
            await self._respond(response_url, text)
        except (aiohttp.ClientError, TimeoutError):
            log.warning("could not tell the reporter of %s that its room is delayed", incident.key)
            return
        await self.service.save_message_ref(incident.id, "room_delayed", "response_url", "sent")

    async def _own_channel(self, name: str) -> str | None:
        """The id of a private channel of ours with this name (the bot is in those it created)."""
        cursor = None
        while True:
            response = await self.client.conversations_list(
                types="private_channel", exclude_archived=True, limit=1000, cursor=cursor
            )
            for channel in response.get("channels", []):
                if channel.get("name") == name:
                    return str(channel["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    async def _invite(self, incident: Incident) -> None:
        users = await self._people(
            {incident.reporter_id, *self.settings.responders, *self.settings.pr_leads}
        )
        users.discard(await self._bot_user_id())
        if not users:
            return
        try:
            await self.client.conversations_invite(
                channel=incident.channel_id, users=",".join(sorted(users))
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in ("already_in_channel", "cant_invite_self"):
                # One bad id must not keep the others out: invite one by one.
                await self._invite_each(incident.channel_id, users)

    async def drill_reveal(self, item: Claimed) -> None:
        """Posts the next facts of a drill scenario in its room, when the scenario says."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.status != "open":
            return
        if (
            incident.channel_id is None
            or await self.service.message_ref(incident.id, "welcome") is None
        ):
            raise waiting_on(item, "room not ready yet", now=utcnow())
        step = load_scenario(item.payload["scenario"]).steps[item.payload["step"]]
        text = t(
            "drill.reveal_room",
            incident.language,
            minutes=step.after_minutes,
            text=step.narrative.get(incident.language),
        )
        await self.post_once(
            item, incident, f"drill_step:{item.payload['step']}", [ui.section(text)], text
        )

    async def invite(self, item: Claimed) -> None:
        """Adds one person to the room (a later reporter joining)."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        await self._invite_each(incident.channel_id, {item.payload["user"]})

    async def _invite_each(self, channel: str | None, users: set[str]) -> None:
        for user in sorted(users):
            try:
                await self.client.conversations_invite(channel=channel, users=user)
            except SlackApiError as exc:
                log.warning("could not invite %s: %s", user, exc.response.get("error"))

    async def _people(self, ids: set[str]) -> set[str]:
        """User ids, with user groups (S…) expanded to their members."""
        users = {i for i in ids if not i.startswith("S")}
        for group in sorted(i for i in ids if i.startswith("S")):
            try:
                users.update(await group_members(self.client, group) or [])
            except SlackApiError as exc:
                log.warning("could not read user group %s: %s", group, exc.response.get("error"))
        return users

    _bot_id: str | None = None

    async def _bot_user_id(self) -> str | None:
        if self._bot_id is None:
            self._bot_id = (await self.client.auth_test()).get("user_id")
        return self._bot_id

    async def _pin(self, channel: str | None, ts: str) -> None:
        try:
            await self.client.pins_add(channel=channel, timestamp=ts)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_pinned":
                raise

    async def _respond(self, response_url: str, text: str) -> None:
        webhook = AsyncWebhookClient(response_url)
        await webhook.send(text=text, response_type="ephemeral", replace_original=False)

    async def respond(self, item: Claimed) -> None:
        payload = item.payload
        webhook = AsyncWebhookClient(payload["response_url"])
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
        user = item.payload["user"]
        rooms: set[str] = set()
        cursor = None
        while True:
            response = await self.client.users_conversations(
                user=user, types="private_channel", limit=200, cursor=cursor
            )
            rooms.update(c["id"] for c in response.get("channels", []))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        now = utcnow()
        rows = [
            (incident, verdict_deadline(verdict.data if verdict else None, now))
            for incident, verdict in await self.service.open_incidents(item.payload.get("team"))
            if incident.channel_id in rooms
        ]
        view = ui.home_view(rows, self.settings.language, self.settings.timezone)
        await self.client.views_publish(user_id=user, view=view)

    async def post(self, item: Claimed) -> None:
        """A plain message in the room (or the verdict's thread); posted once per work row."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        thread = None
        if item.payload.get("thread") == "verdict":
            thread = await self._verdict_thread(incident.id)
        await self.post_once(
            item,
            incident,
            f"post:{item.id}",
            [ui.section(item.payload["text"])],
            item.payload["text"],
            thread_ts=thread,
        )

    async def refresh_room(self, item: Claimed) -> None:
        """Keeps the pinned summary and the channel topic current."""
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        incident, lang, tz, now = (
            snap.incident,
            snap.incident.language,
            self.settings.timezone,
            utcnow(),
        )
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        await self.update(
            incident,
            "summary",
            ui.summary_blocks(snap, lang, tz, now),
            f"{incident.key} {incident.title}",
        )
        await self.client.conversations_setTopic(
            channel=incident.channel_id, topic=ui.topic(snap, lang, tz, now)
        )

    # ----- triage -----------------------------------------------------------------------------

    async def _post_next_question(self, item: Claimed, incident: Incident) -> None:
        snap = await self.service.snapshot(incident.id)
        # A question this row reserved but did not get to post is still ours to ask.
        asked = {
            r.ref.split(":", 1)[1]
            for r in await self.service.message_refs(incident.id, "question:")
            if r.ts is not None or r.work_id != item.id
        }
        upcoming = next_question(self.service.answers_model(incident, snap.values), asked)
        if upcoming is None:
            if snap.answers:
                await self.post_once(
                    item,
                    incident,
                    "questions_done",
                    [ui.section(t("question.all_done", incident.language))],
                    t("question.all_done", incident.language),
                )
            return
        await self._post_question(item, snap, upcoming.id, len(asked) + 1)

    async def _post_question(self, item: Claimed, snap: Snapshot, field: str, number: int) -> None:
        incident, lang = snap.incident, snap.incident.language
        q = question(field)
        blocks = ui.question_blocks(
            incident, q, number, lang, self.settings.timezone, snap.answers.get(field)
        )
        await self.post_once(item, incident, f"question:{field}", blocks, q.text.get(lang))

    async def next_question(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.status == "open" and incident.channel_id:
            await self._post_next_question(item, incident)

    async def sync_question(self, item: Claimed) -> None:
        """Shows the latest answer (and who gave it) on the question's own message."""
        assert item.incident_id is not None
        field = item.payload["field"]
        snap = await self.service.snapshot(item.incident_id)
        refs = await self.service.message_refs(item.incident_id, "question:")
        numbers = {r.ref.split(":", 1)[1]: n for n, r in enumerate(refs, start=1)}
        q = question(field)
        blocks = ui.question_blocks(
            snap.incident,
            q,
            numbers.get(field, len(refs) + 1),
            snap.incident.language,
            self.settings.timezone,
            snap.answers.get(field),
        )
        if not await self.update(
            snap.incident, f"question:{field}", blocks, q.text.get(snap.incident.language)
        ):
            await self.post_once(
                item, snap.incident, f"question:{field}", blocks, q.text.get(snap.incident.language)
            )

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
        blocks = ui.verdict_blocks(incident, version, current.data, lang, tz)
        text = t(
            "verdict.title",
            lang,
            badge=ui.badge(incident, lang),
            version=version,
            severity=ui.severity_label(current.severity, lang),
        )
        await self.post_once(item, incident, f"verdict:{version}", blocks, text)
        previous = next((v for v in verdicts if v.version == version - 1), None)
        if previous is not None:
            await self.update(
                incident,
                f"verdict:{previous.version}",
                ui.verdict_blocks(
                    incident, previous.version, previous.data, lang, tz, superseded_by=version
                ),
                text,
            )
            change = t(
                "verdict.changed",
                lang,
                before=ui.severity_label(previous.severity, lang),
                after=ui.severity_label(current.severity, lang),
                version=version,
            )
            await self.post_once(
                item, incident, f"verdict_change:{version}", [ui.section(change)], change
            )
            statement = await self.service.latest_statement(incident.id)
            if statement is not None and statement.verdict_version != version:
                thread = await self._verdict_thread(incident.id)
                await self.post_once(
                    item,
                    incident,
                    f"redraft_offer:{version}",
                    ui.redraft_blocks(incident, lang),
                    t("verdict.redraft_offer", lang),
                    thread_ts=thread,
                )

    async def _verdict_thread(self, incident_id: int) -> str | None:
        refs = await self.service.message_refs(incident_id, "verdict:")
        return refs[0].ts if refs else None

    async def sync_statement(self, item: Claimed) -> None:
        """The draft lives in one thread message under the first verdict, edited in place."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        statement = await self.service.latest_statement(incident.id)
        if statement is None:
            return
        thread = await self._verdict_thread(incident.id)
        if thread is None:
            raise waiting_on(item, "verdict not posted yet", now=utcnow())
        lang = incident.language
        blocks = ui.statement_blocks(
            incident, statement, self.service.approvals_needed(incident.severity), lang
        )
        text = t(
            "statement.title",
            lang,
            badge=ui.badge(incident, lang),
            version=statement.version,
            status=t(f"statement.status.{statement.status}", lang),
        )
        if not await self.update(incident, "statement", blocks, text):
            await self.post_once(item, incident, "statement", blocks, text, thread_ts=thread)

    async def publish_statement(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        statement = await self.service.statement(incident.id, item.payload["version"])
        lang = incident.language
        await self.post_once(
            item,
            incident,
            f"published:{statement.version}",
            ui.published_blocks(incident, statement, lang, self.settings.timezone),
            ui.published_text(statement, lang, self.settings.timezone),
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
        await self.post_once(item, incident, "closed", [ui.section(text)], text)
        await self.refresh_room(item)


def verdict_deadline(data: dict[str, Any] | None, now: datetime) -> str | None:
    clock = next_deadline(data, now)
    return clock.due.isoformat() if clock else None


__all__ = ["SlackEffects", "QUESTIONS", "verdict_deadline"]
