"""What a room does when the timeline moves, decided once: each work handler reads current state,
chooses what the room should show, and hands it to the platform's `Chat` and `Renderer`.

Every handler is safe to run again: a message is posted once per `ref` (summary, welcome,
question:FIELD, verdict:N, verdict_change:N, redraft_offer:N, statement, published:N, closed,
followup:ID, …), and the refs a room posted are the same on every platform (tests/rooms).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.drills.catalog import load_scenario
from app.i18n import t
from app.incidents import schedule
from app.incidents.reactions import Event, Reactions
from app.incidents.rooms import register_room_reactions
from app.incidents.service import IncidentService, Snapshot
from app.models import Incident, utcnow
from app.rooms import texts
from app.rooms.ports import Chat, Handler, Renderer
from app.settings import Settings
from app.triage import next_question, question
from app.work.queue import Claimed, Permanent, WorkQueue, WorkSpec, waiting_on

FOLLOWUP_SYNC = "followup_sync"
SETTLED_EVENTS = ("followup.done", "followup.snoozed", "followup.not_needed")


class Room:
    """The room handlers of one platform (`{platform}.open_room`, `….post_verdict`, …)."""

    def __init__(
        self, chat: Chat, render: Renderer, service: IncidentService, settings: Settings
    ) -> None:
        self.chat = chat
        self.render = render
        self.service = service
        self.settings = settings
        self.tz = settings.timezone

    @property
    def handlers(self) -> dict[str, Handler]:
        return {
            "open_room": self.open_room,
            "sync_question": self.sync_question,
            "next_question": self.next_question,
            "post_verdict": self.post_verdict,
            "sync_statement": self.sync_statement,
            "publish_statement": self.publish_statement,
            "refresh_room": self.refresh_room,
            "close_room": self.close_room,
            "post": self.post,
            "invite": self.invite,
            "drill_reveal": self.drill_reveal,
            "followup.prompt": self.prompt,
            FOLLOWUP_SYNC: self.sync_prompt,
        }

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        platform = self.chat.platform
        for name, handler in self.handlers.items():
            queue.register(f"{platform}.{name}", self.chat.guard(handler))
        register_room_reactions(reactions, platform)
        schedule.register(
            reactions,
            policy=lambda: self.service.policy,
            tz=self.tz,
            quiet_hours=schedule.parse_quiet_hours(self.settings.quiet_hours),
            max_attempts=self.settings.work_max_attempts,
            platforms=frozenset({platform}),
        )

        @reactions.on("incident.opened", platform=platform)
        def _scenario(event: Event) -> list[WorkSpec]:
            """A drill of a built-in scenario: its facts are revealed when the scenario says."""
            scenario_id = event.incident.source.get("scenario")
            if not scenario_id:
                return []
            return [
                WorkSpec(
                    f"{platform}.drill_reveal",
                    {"scenario": scenario_id, "step": n},
                    due_at=event.at + timedelta(minutes=step.after_minutes),
                )
                for n, step in enumerate(load_scenario(scenario_id).steps)
            ]

        @reactions.on(*SETTLED_EVENTS, platform=platform)
        def _settled(event: Event) -> list[WorkSpec]:
            payload = {
                "followup_id": event.data["id"],
                "ref": event.data["ref"],
                "state": event.kind.removeprefix("followup."),
                "actor": event.actor,
            }
            if "until" in event.data:
                payload["until"] = event.data["until"]
            return [WorkSpec(f"{platform}.{FOLLOWUP_SYNC}", payload)]

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

    async def update(self, incident: Incident, ref: str, message: object, text: str) -> bool:
        """Edits the message posted for `ref` in place; False when there is none yet."""
        known = await self.service.message_ref(incident.id, ref)
        if known is None or known.ts is None:
            return False
        await self.chat.edit(incident, known, message, text)
        return True

    async def note(
        self, item: Claimed, incident: Incident, ref: str, text: str, *, thread: str | None = None
    ) -> None:
        await self.post_once(item, incident, ref, self.render.note(text), text, thread=thread)

    # ----- the room ---------------------------------------------------------------------------

    async def open_room(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.chat.open_room(item, await self.service.get(item.incident_id))
        snap = await self.service.snapshot(incident.id)
        lang = incident.language
        summary = self.render.summary(snap, lang, self.tz, utcnow())
        ts, posted = await self.post_once(
            item, incident, "summary", summary, f"{incident.key} {incident.title}"
        )
        if ts and (posted or item.attempt > 1):
            await self.chat.pin(incident, ts)
        await self.note(item, incident, "welcome", self.render.welcome(incident, lang))
        await self._post_next_question(item, incident)
        await self.chat.tell_reporter(item, incident, self.render.room_ready(incident, lang))
        await self.service.record_effect(
            incident.id, "room.ready", {"channel_id": incident.channel_id}
        )

    async def refresh_room(self, item: Claimed) -> None:
        """Keeps the summary (and, where the platform has one, the room's topic) current."""
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        incident, lang, now = snap.incident, snap.incident.language, utcnow()
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=now)
        summary = self.render.summary(snap, lang, self.tz, now)
        await self.update(incident, "summary", summary, f"{incident.key} {incident.title}")
        await self.chat.set_topic(incident, texts.topic(snap, lang, self.tz))

    async def post(self, item: Claimed) -> None:
        """A plain message in the room (or the verdict's thread); posted once per work row."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        thread = None
        if item.payload.get("thread") == "verdict":
            thread = await self._verdict_thread(incident.id)
        await self.note(item, incident, f"post:{item.id}", item.payload["text"], thread=thread)

    async def invite(self, item: Claimed) -> None:
        """Adds one person to the room (a later reporter joining)."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        await self.chat.invite(incident, item.payload["user"])

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
        await self.note(item, incident, f"drill_step:{item.payload['step']}", text)

    async def close_room(self, item: Claimed) -> None:
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        incident = snap.incident
        if incident.channel_id is None:
            return
        text = texts.closed_summary(
            incident, snap.event_counts, item.payload.get("actor", ""), incident.language
        )
        await self.note(item, incident, "closed", text)
        await self.refresh_room(item)

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
                done = t("question.all_done", incident.language)
                await self.note(item, incident, "questions_done", done)
            return
        await self._post_question(item, snap, upcoming.id, len(asked) + 1)

    async def _post_question(self, item: Claimed, snap: Snapshot, field: str, number: int) -> None:
        incident, lang = snap.incident, snap.incident.language
        q = question(field)
        message = self.render.question(incident, q, number, lang, self.tz, snap.answers.get(field))
        await self.post_once(item, incident, f"question:{field}", message, q.text.get(lang))

    async def next_question(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.status == "open" and incident.channel_id:
            await self._post_next_question(item, incident)

    async def question_message(self, incident_id: int, field: str) -> object:
        """The question's message as it should look now (numbered by the order it was asked)."""
        snap = await self.service.snapshot(incident_id)
        refs = await self.service.message_refs(incident_id, "question:")
        numbers = {r.ref.split(":", 1)[1]: n for n, r in enumerate(refs, start=1)}
        return self.render.question(
            snap.incident,
            question(field),
            numbers.get(field, len(refs) + 1),
            snap.incident.language,
            self.tz,
            snap.answers.get(field),
        )

    async def sync_question(self, item: Claimed) -> None:
        """Shows the latest answer (and who gave it) on the question's own message."""
        assert item.incident_id is not None
        field = item.payload["field"]
        incident = await self.service.get(item.incident_id)
        message = await self.question_message(incident.id, field)
        label = question(field).text.get(incident.language)
        if not await self.update(incident, f"question:{field}", message, label):
            await self.post_once(item, incident, f"question:{field}", message, label)

    # ----- verdicts and statements ------------------------------------------------------------

    async def post_verdict(self, item: Claimed) -> None:
        """Posts verdict N; from the second on, marks N-1 superseded, says what changed, and
        offers a redraft when the statement was drafted on an earlier verdict."""
        assert item.incident_id is not None
        version = item.payload["version"]
        verdicts = await self.service.verdicts(item.incident_id)
        current = next((v for v in verdicts if v.version == version), None)
        if current is None:
            raise Permanent(f"verdict v{version} not found")
        incident = await self.service.get(item.incident_id)
        lang = incident.language
        text = texts.verdict_title(incident, version, current.severity, lang)
        message = self.render.verdict(incident, version, current.data, lang, self.tz)
        await self.post_once(item, incident, f"verdict:{version}", message, text)
        previous = next((v for v in verdicts if v.version == version - 1), None)
        if previous is None:
            return
        old = self.render.verdict(
            incident, previous.version, previous.data, lang, self.tz, superseded_by=version
        )
        await self.update(incident, f"verdict:{previous.version}", old, text)
        change = texts.verdict_changed(previous.severity, current.severity, version, lang)
        await self.note(item, incident, f"verdict_change:{version}", change)
        statement = await self.service.latest_statement(incident.id)
        if statement is not None and statement.verdict_version != version:
            await self.post_once(
                item,
                incident,
                f"redraft_offer:{version}",
                self.render.redraft_offer(incident, lang),
                t("verdict.redraft_offer", lang),
                thread=await self._verdict_thread(incident.id),
            )

    async def _verdict_thread(self, incident_id: int) -> str | None:
        refs = await self.service.message_refs(incident_id, "verdict:")
        return refs[0].ts if refs else None

    async def statement_message(self, incident_id: int) -> object | None:
        """The latest statement's message as it should look now (None before the first draft)."""
        incident = await self.service.get(incident_id)
        statement = await self.service.latest_statement(incident_id)
        if statement is None:
            return None
        needed = self.service.approvals_needed(incident.severity)
        return self.render.statement(incident, statement, needed, incident.language)

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
        message = await self.statement_message(incident.id)
        text = texts.statement_title(incident, statement, incident.language)
        if not await self.update(incident, "statement", message, text):
            await self.post_once(item, incident, "statement", message, text, thread=thread)

    async def publish_statement(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        statement = await self.service.statement(incident.id, item.payload["version"])
        lang = incident.language
        await self.post_once(
            item,
            incident,
            f"published:{statement.version}",
            self.render.published(incident, statement, lang, self.tz),
            self.render.published_text(statement, lang, self.tz),
        )

    # ----- follow-up prompts ------------------------------------------------------------------

    async def prompt(self, item: Claimed) -> None:
        """Posts the prompt once (ref `followup:{id}`), unless it was settled or moved meanwhile."""
        row, incident = await self.service.followup(item.payload["followup_id"])
        if row.work_id != item.id or row.state not in schedule.LIVE:
            return
        if incident.status != "open":
            return
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        lang, ref = incident.language, item.payload["ref"]
        title, body = texts.prompt_texts(row, incident, lang, self.tz)
        message = self.render.prompt(row, incident, lang, self.tz)
        await self.post_once(
            item, incident, ref, message, f"{title}\n{body}", payload={"followup_id": row.id}
        )
        await self.service.followup_posted(row.id, item.id, ref)

    async def sync_prompt(self, item: Claimed) -> None:
        """Shows on the prompt who did what, for everyone (its buttons go)."""
        row, incident = await self.service.followup(item.payload["followup_id"])
        lang = incident.language
        message = self.render.settled(
            row,
            incident,
            lang,
            self.tz,
            state=item.payload["state"],
            actor=item.payload.get("actor", ""),
            until=item.payload.get("until"),
        )
        title, body = texts.prompt_texts(row, incident, lang, self.tz)
        await self.update(incident, item.payload["ref"], message, f"{title}\n{body}")
