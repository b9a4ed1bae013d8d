"""What a room does when the timeline moves, decided once: each work handler reads current state,
chooses what the room should show, and hands it to the platform's `Chat` and `Renderer`.

Every handler is safe to run again: a message is posted once per `ref` (summary, welcome,
triage (the one question card), verdict:1 (the living verdict), verdict_change:N, statement,
overtaken:N, published:N, closed,
followup:ID, …), and the refs a room posted are the same on every platform (tests/rooms).

The handlers come in layers, each calling only those below it: `posting` (post once, edit in
place, the pinned summary), `verdicts` (the living verdict and its thread: change notes, the
statement, its publication), `triage_card` (the one triage card), and here the room itself
(open, refresh, notes, invites, drills, close) and the follow-up prompts.
"""

from __future__ import annotations

from datetime import timedelta

from app.drills.catalog import load_scenario
from app.i18n import t
from app.incidents import schedule
from app.incidents.reactions import Event, Reactions
from app.incidents.rooms import register_room_reactions
from app.models import Followup, Incident, utcnow
from app.rooms import brief, standing, texts
from app.rooms.archive import Archive
from app.rooms.ports import Handler
from app.rooms.posting import nothing, together
from app.rooms.triage_card import TRIAGE, TriageCard
from app.rooms.updates import Updates
from app.vocabulary import EventKind
from app.work.queue import Claimed, WorkQueue, WorkSpec, waiting_on

FOLLOWUP_SYNC = "followup_sync"
SETTLED_EVENTS = ("followup.done", "followup.snoozed", "followup.not_needed")


class Room(TriageCard):
    """The room handlers of one platform (`{platform}.open_room`, `….post_verdict`, …)."""

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
            "sync_standing": self.sync_standing,
            "announce": self.announce,
            "review": self.review,
            "hand_off": self.hand_off,
        }

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        platform = self.chat.platform
        for name, handler in self.handlers.items():
            queue.register(f"{platform}.{name}", self.chat.guard(handler))
        register_room_reactions(reactions, platform)
        Archive(self).register(queue, reactions)
        Updates(self).register(queue, reactions)
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

    # ----- the room ---------------------------------------------------------------------------

    async def open_room(self, item: Claimed) -> None:
        """Opens the room in as few dependent round trips as the platform allows: the room is
        made (1), then the first question, the summary and the invitations go out together (2),
        then the pin, the welcome note and the reporter's link (3). The question and the
        summary may read in either order (the summary is pinned in Slack, and Teams' is the
        room's card kept current); the welcome follows them. A call that fails in a round fails
        the row once the round's other calls are done; the retry posts nothing twice (refs are
        reserved) and completes what is missing (docs/architecture.md)."""
        assert item.incident_id is not None
        # One read: what the first posts show (no room fields) and the incident the room is
        # made for (reading it beside the snapshot, to overlap the room's creation, was a
        # second session and statement for each report, and saved no round trip to Slack).
        snap = await self.service.snapshot(item.incident_id)
        incident = await self.chat.open_room(item, snap.incident)
        lang = incident.language
        people = standing.standing_lines(snap.incident, snap.tasks, lang, self.tz)
        summary = self.render.summary(snap, lang, self.tz, utcnow(), people)
        # The three posts' reservations in one transaction, not one each.
        async with self.reserving(item, incident, (TRIAGE, "summary", "welcome")):
            _, (ts, posted), _ = await together(
                self._post_next_question(item, incident, snap, new=True),
                self.post_once(
                    item, incident, "summary", summary, f"{incident.key} {incident.title}"
                ),
                self.chat.add_people(item, incident),
            )
            await together(
                self.chat.pin(incident, ts) if ts and (posted or item.attempt > 1) else nothing(),
                self.note(item, incident, "welcome", self.render.welcome(incident, lang)),
                self.chat.tell_reporter(item, incident, self.render.room_ready(incident, lang)),
            )
        ready = {"channel_id": incident.channel_id}
        item.wrote(await self.service.record_effect(incident.id, EventKind.ROOM_READY, ready))

    async def refresh_room(self, item: Claimed) -> None:
        """Keeps the summary (and, where the platform has one, the room's topic) current."""
        assert item.incident_id is not None
        await self._refresh(item, await self.service.snapshot(item.incident_id))

    async def sync_standing(self, item: Claimed) -> None:
        """Roles, action items or the severity call changed: the summary, the topic and the
        verdict's 「今やること」 (its owners) read anew."""
        assert item.incident_id is not None
        snap, followups = await self._state(item.incident_id)
        await self._refresh(item, snap, followups)
        await self.sync_verdict(item, snap.incident, snap, followups)

    async def announce(self, item: Claimed) -> None:
        """One line in a thread (the summary's, or the verdict's for the severity call) that
        @mentions whom a change concerns; never a new top-level post."""
        assert item.incident_id is not None
        incident = await self.service.get(item.incident_id)
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        p = item.payload
        text = standing.event_line(p["kind"], p["actor"], p["data"], incident.language, self.tz)
        if text is None:
            return
        refs = await self.service.message_refs(incident.id, "summary")
        thread = await self._verdict_thread(incident.id) if p["thread"] == "verdict" else None
        thread = thread or (refs[0].ts if refs else None)
        await self.note(item, incident, f"announce:{p['seq']}", text, thread=thread)

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
        snap = await self.service.snapshot(item.incident_id, counts=True)
        incident = snap.incident
        if incident.channel_id is None:
            return
        text = texts.closed_summary(
            incident, snap.event_counts, item.payload.get("actor", ""), incident.language
        )
        await self.note(item, incident, "closed", text)
        await self._refresh(item, snap)

    # ----- triage -----------------------------------------------------------------------------

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
        detail = await self._prompt_detail(row, incident)
        title, body = texts.prompt_texts(row, incident, lang, self.tz, detail)
        message = self.render.prompt(row, incident, lang, self.tz, detail)
        await self.post_once(
            item, incident, ref, message, f"{title}\n{body}", payload={"followup_id": row.id}
        )
        await self.service.followup_posted(row.id, item.id, ref)

    async def sync_prompt(self, item: Claimed) -> None:
        """Shows on the prompt who did what, for everyone (its buttons go); an action done
        leaves 「今やること」 in the verdict and the summary."""
        row, incident = await self.service.followup(item.payload["followup_id"])
        lang = incident.language
        detail = await self._prompt_detail(row, incident)
        message = self.render.settled(
            row,
            incident,
            lang,
            self.tz,
            state=item.payload["state"],
            actor=item.payload.get("actor", ""),
            until=item.payload.get("until"),
            detail=detail,
        )
        title, body = texts.prompt_texts(row, incident, lang, self.tz, detail)
        await self.update(item, incident, item.payload["ref"], message, f"{title}\n{body}")
        if item.payload["state"] in brief.SETTLED and incident.channel_id:
            snap, followups = await self._state(incident.id)
            await self.sync_verdict(item, incident, snap, followups)
            await self._sync_summary(item, incident, snap, followups)

    async def _prompt_detail(self, row: Followup, incident: Incident) -> str:
        """An action item's prompt says which item, its owner and due time."""
        if row.kind != "task":
            return ""
        item_id = int(row.key.split(":")[1])
        items = [i for i in await self.service.tasks(incident.id) if i.id == item_id]
        return standing.task_line(items[0], incident.language, self.tz) if items else ""
