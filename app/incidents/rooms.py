"""What an incident room needs after each timeline event, the same for every chat platform.

Each platform registers these reactions with its own prefix (`slack.`, `teams.`) and provides a
work handler for every effect named here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.i18n import t
from app.incidents.reactions import Event, Reactions
from app.incidents.standing import STANDING_EVENTS
from app.vocabulary import EventKind, WorkKind
from app.work.queue import WorkSpec

REVIEW_AFTER = timedelta(hours=24)  # from the first published statement to the review's offer
STATEMENT_EVENTS = (
    EventKind.STATEMENT_DRAFTED,
    EventKind.STATEMENT_EDITED,
    EventKind.STATEMENT_APPROVED,
    EventKind.STATEMENT_CHANGES_REQUESTED,
)


def register_room_reactions(reactions: Reactions, platform: str) -> None:
    def work(effect: WorkKind, **payload: Any) -> WorkSpec:
        return WorkSpec(effect.on(platform), payload)

    @reactions.on(EventKind.INCIDENT_OPENED, platform=platform)
    def _opened(event: Event) -> list[WorkSpec]:
        return [work(WorkKind.OPEN_ROOM)]

    @reactions.on(EventKind.ANSWER_RECORDED, platform=platform)
    def _answered(event: Event) -> list[WorkSpec]:
        # The one triage card shows the answer and what is next (and awareness, the summary's
        # "aware since"): one row reads the state once for all of them.
        return [work(WorkKind.NEXT_QUESTION, field=event.data["field"])]

    @reactions.on(EventKind.TRIAGE_HANDED_OFF, platform=platform)
    def _handed_off(event: Event) -> list[WorkSpec]:
        # The triage card moves past them; the responders get their own card, @mentioned.
        return [work(WorkKind.NEXT_QUESTION), work(WorkKind.HAND_OFF)]

    @reactions.on(EventKind.VERDICT_ISSUED, platform=platform)
    def _verdict(event: Event) -> list[WorkSpec]:
        # The living verdict, its change note, then the summary and the topic: one row.
        return [work(WorkKind.POST_VERDICT, version=event.data["version"])]

    @reactions.on(*STATEMENT_EVENTS, platform=platform)
    def _statement(event: Event) -> list[WorkSpec]:
        kind = event.data.get("kind", "notice")  # a piece of the pack: its one message
        specs = [work(WorkKind.SYNC_STATEMENT, version=event.data["version"], kind=kind)]
        if event.kind == EventKind.STATEMENT_CHANGES_REQUESTED:
            lang = event.incident.language
            text = t(
                "statement.changes_requested" if kind == "notice" else "pack.changes_requested",
                lang,
                actor=event.actor,
                version=event.data["version"],
                comment=event.data["comment"],
                kind=t(f"statement.kind.{kind}", lang),
            )
            specs.append(work(WorkKind.POST, text=text, thread="verdict"))
        return specs

    @reactions.on(EventKind.STATEMENT_PUBLISHED, platform=platform)
    def _published(event: Event) -> list[WorkSpec]:
        # The urgent part is over once the first statement is out: a day later the after-action
        # review (which controls to strengthen) is offered in the room, once (at once if
        # someone asks to close before that).
        review = WorkSpec(WorkKind.REVIEW.on(platform), {}, due_at=event.at + REVIEW_AFTER)
        return [work(WorkKind.PUBLISH_STATEMENT, version=event.data["version"]), review]

    @reactions.on(EventKind.REPORT_SIMILAR, platform=platform)
    def _similar(event: Event) -> list[WorkSpec]:
        # The room decides who joins: its people are asked to let the later reporter in.
        seq = event.incident.timeline_seq
        return [work(WorkKind.ADMIT_REQUEST, user=event.data["reporter"], seq=seq)]

    @reactions.on(EventKind.REPORTER_JOINED, platform=platform)
    def _joined(event: Event) -> list[WorkSpec]:
        text = t(
            "storm.joined_room",
            event.incident.language,
            user=event.data["user"],
            by=event.data.get("admitted_by") or event.actor,
        )
        return [work(WorkKind.INVITE, user=event.data["user"]), work(WorkKind.POST, text=text)]

    @reactions.on(*STANDING_EVENTS, platform=platform)
    def _standing(event: Event) -> list[WorkSpec]:
        # The summary, the verdict's 「今やること」 and the topic show a person's change, and one
        # line says it in a thread (the verdict's for the severity call, else the summary's).
        if event.actor == "leakdesk":
            return []  # the bot's own items come with a verdict, whose rows show them
        thread = "verdict" if event.kind == EventKind.SEVERITY_CALLED else "summary"
        announce = work(
            WorkKind.ANNOUNCE,
            kind=event.kind,
            actor=event.actor,
            data=event.data,
            thread=thread,
            seq=event.incident.timeline_seq,
        )
        specs = [work(WorkKind.SYNC_STANDING), announce]
        # Whoever is given a role or an item is brought into the private room to do it.
        person = event.data.get("user") if event.kind == EventKind.ROLE_ASSIGNED else None
        if event.kind in (EventKind.TASK_ADDED, EventKind.TASK_CHANGED):
            person = event.data.get("owner")
        if person and person != event.actor:
            specs.insert(0, work(WorkKind.INVITE, user=person))
        return specs

    @reactions.on(EventKind.INCIDENT_CLOSED, platform=platform)
    def _closed(event: Event) -> list[WorkSpec]:
        return [work(WorkKind.CLOSE_ROOM, actor=event.actor)]
