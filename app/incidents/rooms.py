"""What an incident room needs after each timeline event, the same for every chat platform.

Each platform registers these reactions with its own prefix (`slack.`, `teams.`) and provides a
work handler for every effect named here.
"""

from __future__ import annotations

from typing import Any

from app.i18n import t
from app.incidents.reactions import Event, Reactions
from app.work.queue import WorkSpec

STATEMENT_EVENTS = (
    "statement.drafted",
    "statement.edited",
    "statement.approved",
    "statement.changes_requested",
)


def register_room_reactions(reactions: Reactions, platform: str) -> None:
    def work(effect: str, **payload: Any) -> WorkSpec:
        return WorkSpec(f"{platform}.{effect}", payload)

    @reactions.on("incident.opened", platform=platform)
    def _opened(event: Event) -> list[WorkSpec]:
        return [work("open_room")]

    @reactions.on("answer.recorded", platform=platform)
    def _answered(event: Event) -> list[WorkSpec]:
        return [work("sync_question", field=event.data["field"]), work("next_question")]

    @reactions.on("verdict.issued", platform=platform)
    def _verdict(event: Event) -> list[WorkSpec]:
        return [work("post_verdict", version=event.data["version"]), work("refresh_room")]

    @reactions.on(*STATEMENT_EVENTS, platform=platform)
    def _statement(event: Event) -> list[WorkSpec]:
        specs = [work("sync_statement", version=event.data["version"])]
        if event.kind == "statement.changes_requested":
            text = t(
                "statement.changes_requested",
                event.incident.language,
                actor=event.actor,
                version=event.data["version"],
                comment=event.data["comment"],
            )
            specs.append(work("post", text=text, thread="verdict"))
        return specs

    @reactions.on("statement.published", platform=platform)
    def _published(event: Event) -> list[WorkSpec]:
        return [work("publish_statement", version=event.data["version"])]

    @reactions.on("report.similar", platform=platform)
    def _similar(event: Event) -> list[WorkSpec]:
        # The room decides who joins: its people are asked to let the later reporter in.
        return [work("admit_request", user=event.data["reporter"], seq=event.incident.timeline_seq)]

    @reactions.on("reporter.joined", platform=platform)
    def _joined(event: Event) -> list[WorkSpec]:
        text = t(
            "storm.joined_room",
            event.incident.language,
            user=event.data["user"],
            by=event.data.get("admitted_by") or event.actor,
        )
        return [work("invite", user=event.data["user"]), work("post", text=text)]

    @reactions.on("incident.closed", platform=platform)
    def _closed(event: Event) -> list[WorkSpec]:
        return [work("close_room", actor=event.actor)]
