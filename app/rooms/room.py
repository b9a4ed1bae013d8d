"""What a room does when the timeline moves, decided once: each work handler reads current state,
chooses what the room should show, and hands it to the platform's `Chat` and `Renderer`.

Every handler is safe to run again: a message is posted once per `ref` (summary, welcome,
triage (the one question card), verdict:1 (the living verdict), verdict_change:N, statement, published:N, closed,
followup:ID, …), and the refs a room posted are the same on every platform (tests/rooms).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.briefing import change_lines, material_changes, triage_progress
from app.drills.catalog import load_scenario
from app.i18n import t
from app.incidents import schedule
from app.incidents.reactions import Event, Reactions
from app.incidents.rooms import register_room_reactions
from app.incidents.service import IncidentService, Snapshot
from app.models import Incident, utcnow
from app.rooms import brief, texts
from app.rooms.pack import pack_text, pack_view
from app.rooms.ports import Chat, Handler, Renderer
from app.settings import Settings
from app.triage import QUESTIONS, Question, next_question, question
from app.work.queue import Claimed, Permanent, WorkQueue, WorkSpec, waiting_on

FOLLOWUP_SYNC = "followup_sync"
# The first verdict's message lives on: later versions edit it, and its thread holds the draft
# and every change note (the ref keeps its name so rooms opened before stay whole).
LIVING_VERDICT = "verdict:1"
TRIAGE = "triage"  # the one triage card
SHOWN_LIMIT = 10_000
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
        self._shown: dict[tuple[int, str], int] = {}  # what this process last showed per ref

    @property
    def handlers(self) -> dict[str, Handler]:
        return {
            "open_room": self.open_room,
            # Rows of rooms opened before triage moved into one card: the card answers for them.
            "sync_question": self.next_question,
            "next_question": self.next_question,
            "post_verdict": self.post_verdict,
            "sync_statement": self.sync_statement,
            "publish_statement": self.publish_statement,
            "refresh_room": self.refresh_room,
            "close_room": self.close_room,
            "post": self.post,
            "invite": self.invite,
            "admit_request": self.admit_request,
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

    async def _edit(self, incident: Incident, ref: str, message: object, text: str) -> bool:
        """Edits the message for `ref`, unless this process last showed exactly this there (an
        edit nobody could see is not sent); False when nothing was posted for `ref` yet."""
        key, shown = (incident.id, ref), hash((repr(message), text))
        if self._shown.get(key) == shown:
            return True
        if not await self.update(incident, ref, message, text):
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
    ) -> None:
        """The one message for `ref` as it should read now: posted once, then edited in place."""
        if await self._edit(incident, ref, message, text):
            return
        _, posted = await self.post_once(item, incident, ref, message, text, thread=thread)
        if not posted:  # another row posted it meanwhile, perhaps from an older state
            await self._edit(incident, ref, message, text)

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
        await self._sync_summary(incident, snap)
        await self.chat.set_topic(incident, brief.topic(snap, lang, self.tz, now))

    async def _sync_summary(self, incident: Incident, snap: Snapshot | None = None) -> None:
        """The pinned summary, 「今やること」 first."""
        snap = snap or await self.service.snapshot(incident.id)
        lang, now = incident.language, utcnow()
        needed = self.service.approvals_needed(snap.incident.severity)
        followups = await self.service.followups(incident.id)
        todo = brief.summary_lines(snap, now, needed, lang, self.tz, followups)
        summary = self.render.summary(snap, lang, self.tz, now, todo)
        await self._edit(incident, "summary", summary, f"{incident.key} {incident.title}")

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

    async def admit_request(self, item: Claimed) -> None:
        """Asks the room to let a later reporter of the same leak in (their report quoted)."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        user, seq = item.payload["user"], item.payload["seq"]
        report = await self.service.similar_report(incident.id, seq, user)
        text = t("storm.admit_request", incident.language, user=user, report=report.title)
        message = self.render.admission(incident, user, text, incident.language)
        await self.post_once(item, incident, f"admit:{seq}", message, text)

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
        """Triage advances in one card (「質問 4/8」), edited in place; when no question that
        matters is left, the card and the living verdict say so."""
        snap = await self.service.snapshot(incident.id)
        message, label, upcoming = self._triage(snap)
        await self._show(item, incident, TRIAGE, message, label)
        if upcoming is None:
            await self.sync_verdict(item, incident)

    def _triage(self, snap: Snapshot) -> tuple[object, str, Question | None]:
        """The triage card as it should read now, its notification text, and its question."""
        incident, lang = snap.incident, snap.incident.language
        answers = self.service.answers_model(incident, snap.values)
        asked = set(snap.answers)  # an answer of "unknown" was asked: it is not asked again
        upcoming = next_question(answers, asked, self.service.policy)
        previous = max(snap.answers.items(), key=lambda kv: kv[1].at, default=None)
        last = None
        if previous is not None:
            field, detail = previous
            answered = texts.answered_line(
                question(field), detail.value, detail.actor, detail.at, lang, self.tz
            )
            last = t("question.previous", lang, question=question(field).text.get(lang))
            last = f"{last}\n{answered}"
        answered = [q for q in QUESTIONS if q.id in asked]
        if upcoming is None:
            done = t("question.all_done", lang)
            message = self.render.triage_done(incident, lang, len(asked), last, answered)
            return message, done, None
        number, total = triage_progress(answers, asked, self.service.policy)
        message = self.render.question(
            incident,
            upcoming,
            number,
            lang,
            self.tz,
            None,
            total=total,
            previous=last,
            answered=answered,
        )
        return message, upcoming.text.get(lang), upcoming

    async def next_question(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.status == "open" and incident.channel_id:
            await self._post_next_question(item, incident)
            await self._offer_next_report(item, incident)

    async def _offer_next_report(self, item: Claimed, incident: Incident) -> None:
        """After a report was approved, facts that change what it said (and not the verdict,
        whose change note offers it) are listed in the verdict's thread with the offer to draft
        the next report — one message per report, edited as more facts change."""
        lang = incident.language
        offer = await self.service.next_report(incident.id, lang)
        if offer is None:
            return
        title = t(
            "statement.next_report.title", lang, series=offer.series, previous=offer.series - 1
        )
        lines = [title, *(f"• {point}" for point in offer.points)]
        message = self.render.change_note(
            incident, lines, lang, redraft=True, next_report=offer.series
        )
        thread = await self._verdict_thread(incident.id)
        ref = f"next_report:{offer.series}"
        await self._show(item, incident, ref, message, "\n".join(lines), thread=thread)

    async def answer_again(self, incident_id: int, field: str) -> object:
        """One answered question with its answer, to answer again (「回答を変更」)."""
        snap = await self.service.snapshot(incident_id)
        incident, lang = snap.incident, snap.incident.language
        asked = list(snap.answers)
        number = asked.index(field) + 1 if field in asked else len(asked) + 1
        return self.render.question(
            incident, question(field), number, lang, self.tz, snap.answers.get(field)
        )

    async def question_message(self, incident_id: int, field: str | None = None) -> object:
        """The triage card as it should look now (what a platform answers an answer with)."""
        message, _, _ = self._triage(await self.service.snapshot(incident_id))
        return message

    # ----- verdicts and statements ------------------------------------------------------------

    async def post_verdict(self, item: Claimed) -> None:
        """One living verdict: the first version is posted, later ones edit it in place, and
        each new version says in its thread exactly what changed (with the redraft offer when
        the statement was drafted on an earlier version)."""
        assert item.incident_id is not None
        version = item.payload["version"]
        verdicts = await self.service.verdicts(item.incident_id)
        current = next((v for v in verdicts if v.version == version), None)
        if current is None:
            raise Permanent(f"verdict v{version} not found")
        incident = await self.service.get(item.incident_id)
        await self.sync_verdict(item, incident)
        previous = next((v for v in verdicts if v.version == version - 1), None)
        changes = material_changes(previous.data, current.data) if previous else ()
        if not changes:  # a first verdict, or open questions narrowing: the edit says it all
            return
        lang = incident.language
        lines = change_lines(version, changes, lang, self.tz)
        statement = await self.service.latest_statement(incident.id)
        redraft = statement is not None and statement.verdict_version != version
        # Once the notice was approved, the redraft is the next report of the series (第2報).
        following = statement.series + 1 if statement and statement.status == "approved" else None
        await self.post_once(
            item,
            incident,
            f"verdict_change:{version}",
            self.render.change_note(incident, lines, lang, redraft=redraft, next_report=following),
            "\n".join(lines),
            thread=await self._verdict_thread(incident.id),
        )

    async def sync_verdict(self, item: Claimed, incident: Incident) -> None:
        """Posts the living verdict, or edits it to the latest version and state."""
        lang = incident.language
        current = await brief.current_brief(self.service, incident.id, lang, self.tz, utcnow())
        if current is None:
            return
        message = self.render.verdict(incident, current, lang)
        await self._show(item, incident, LIVING_VERDICT, message, current.title)

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
        leads = self.settings.pr_leads
        approvers = brief.approvers_line(
            statement, leads, needed, incident.severity, incident.language
        )
        return self.render.statement(incident, statement, needed, incident.language, approvers)

    async def pack_message(
        self, incident_id: int, lang: str | None = None, *, actions: bool = True
    ) -> object | None:
        """The pack's message as it should look now, in `lang` (the room's by default); None
        before the first piece."""
        snap = await self.service.snapshot(incident_id)
        incident = snap.incident
        view = pack_view(incident, snap.pieces, self.service, lang or incident.language)
        if view is None:
            return None
        return self.render.pack(incident, view, actions=actions)

    async def sync_pack(self, item: Claimed, incident: Incident) -> None:
        """The pieces drafted from the approved notice live in one message beside it, in the
        verdict's thread, edited in place as each is edited and approved."""
        snap = await self.service.snapshot(incident.id)
        view = pack_view(incident, snap.pieces, self.service, incident.language)
        if view is None:
            return
        thread = await self._verdict_thread(incident.id)
        if thread is None:
            raise waiting_on(item, "verdict not posted yet", now=utcnow())
        message = self.render.pack(incident, view)
        await self._show(item, incident, "pack", message, pack_text(view), thread=thread)
        await self.sync_verdict(item, incident)

    async def sync_statement(self, item: Claimed) -> None:
        """The draft lives in the living verdict's thread, edited in place: the room's language
        first, the other as a second reply; the verdict and the summary show its state. A
        piece of the pack is shown in the pack's one message beside it."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if item.payload.get("kind", "notice") != "notice":
            await self.sync_pack(item, incident)
            return
        statement = await self.service.latest_statement(incident.id)
        if statement is None:
            return
        thread = await self._verdict_thread(incident.id)
        if thread is None:
            raise waiting_on(item, "verdict not posted yet", now=utcnow())
        lang = incident.language
        message = await self.statement_message(incident.id)
        text = texts.statement_title(incident, statement, lang)
        await self._show(item, incident, "statement", message, text, thread=thread)
        other_text = self.render.statement_text(statement, lang)
        await self._show(item, incident, "statement_text", other_text, text, thread=thread)
        await self.sync_verdict(item, incident)
        await self._sync_summary(incident)

    async def publish_statement(self, item: Claimed) -> None:
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        statement = await self.service.statement(incident.id, item.payload["version"])
        snap = await self.service.snapshot(incident.id)
        lang = incident.language
        next_steps = brief.next_steps_line(
            statement,
            snap.verdict.data if snap.verdict else None,
            self.settings.pr_leads,
            lang,
            self.tz,
        )
        await self.post_once(
            item,
            incident,
            f"published:{statement.version}",
            self.render.published(incident, statement, lang, self.tz, next_steps),
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
        """Shows on the prompt who did what, for everyone (its buttons go); an action done
        leaves 「今やること」 in the verdict and the summary."""
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
        if item.payload["state"] in brief.SETTLED and incident.channel_id:
            await self.sync_verdict(item, incident)
            await self._sync_summary(incident)
