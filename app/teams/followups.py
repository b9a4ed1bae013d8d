"""Follow-up prompts in Teams: proactive cards in the room, their Done / Snooze / Not needed."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard, ShowCardAction, TextInput

from app.i18n import format_time, t
from app.incidents.reactions import Event, Reactions
from app.models import Followup, Incident, utcnow
from app.runtime import Runtime
from app.slack.followups import prompt_texts
from app.teams import cards
from app.teams.effects import TeamsEffects
from app.work import followups as schedule
from app.work.queue import Claimed, WorkQueue, WorkSpec, waiting_on

SYNC = "teams.followup_sync"
VERBS = ("followup_done", "followup_snooze", "followup_not_needed")


def prompt_card(row: Followup, incident: Incident, lang: str, tz: str) -> dict[str, Any]:
    title, body = prompt_texts(row, incident, lang, tz)
    value = {"i": incident.id, "f": row.id}
    done = "followup.no_change" if row.kind == "status" else "followup.done"
    reason = AdaptiveCard(
        version=cards.CARD_VERSION,
        body=[
            TextInput(
                id="reason",
                label=t("followup.reason_label", lang),
                is_multiline=True,
                is_required=True,
                error_message=t("followup.reason_label", lang),
            )
        ],
        actions=[cards.execute(t("followup.reason_submit", lang), "followup_not_needed", value)],
    )
    return cards.card(
        [cards.text(title, weight="Bolder"), cards.text(body)],
        [
            cards.execute(t(done, lang), "followup_done", value, style="positive"),
            cards.execute(t("followup.snooze_hour", lang), "followup_snooze", {**value, "h": 1}),
            cards.execute(t("followup.snooze_day", lang), "followup_snooze", {**value, "h": 24}),
            ShowCardAction(title=t("followup.not_needed", lang), card=reason),
        ],
    )


def settled_card(
    row: Followup,
    incident: Incident,
    lang: str,
    tz: str,
    *,
    state: str,
    actor: str,
    until: str | None = None,
) -> dict[str, Any]:
    """The prompt as it stays in the room once someone has acted on it (no buttons)."""
    title, body = prompt_texts(row, incident, lang, tz)
    line = t(
        f"followup.state.{state}",
        lang,
        actor=row.done_by or actor,
        at=format_time(row.done_at, lang, tz),
        reason=row.reason or "",
        until=format_time(until, lang, tz),
    )
    return cards.card(
        [cards.text(title, weight="Bolder"), cards.text(body), cards.text(line, is_subtle=True)]
    )


class TeamsFollowups:
    def __init__(self, runtime: Runtime, effects: TeamsEffects) -> None:
        self.runtime = runtime
        self.service = runtime.service
        self.settings = runtime.settings
        self.effects = effects

    def register(self, queue: WorkQueue, reactions: Reactions) -> None:
        settings, service = self.settings, self.service
        schedule.register(
            reactions,
            policy=lambda: service.policy,
            tz=settings.timezone,
            quiet_hours=schedule.parse_quiet_hours(settings.quiet_hours),
            max_attempts=settings.work_max_attempts,
            platforms=frozenset({"teams"}),
        )
        queue.register(schedule.prompt_kind("teams"), self.effects.guard(self.prompt))
        queue.register(SYNC, self.effects.guard(self.sync))

        @reactions.on("followup.done", "followup.snoozed", "followup.not_needed", platform="teams")
        def _settled(event: Event) -> list[WorkSpec]:
            payload = {
                "followup_id": event.data["id"],
                "ref": event.data["ref"],
                "state": event.kind.removeprefix("followup."),
                "actor": event.actor,
            }
            if "until" in event.data:
                payload["until"] = event.data["until"]
            return [WorkSpec(SYNC, payload)]

    async def prompt(self, item: Claimed) -> None:
        """Posts the prompt once (ref `followup:{id}`), unless it was settled or moved meanwhile."""
        row, incident = await self.service.followup(item.payload["followup_id"])
        if row.work_id != item.id or row.state not in schedule.LIVE:
            return
        if incident.status != "open":
            return
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        lang, tz, ref = incident.language, self.settings.timezone, item.payload["ref"]
        title, body = prompt_texts(row, incident, lang, tz)
        card = prompt_card(row, incident, lang, tz)
        await self.effects.post_once(item, incident, ref, card, f"{title}\n{body}")
        await self.service.followup_posted(row.id, item.id, ref)

    async def sync(self, item: Claimed) -> None:
        """Shows on the prompt who did what, for everyone (its buttons go)."""
        row, incident = await self.service.followup(item.payload["followup_id"])
        lang, tz = incident.language, self.settings.timezone
        card = settled_card(
            row,
            incident,
            lang,
            tz,
            state=item.payload["state"],
            actor=item.payload.get("actor", ""),
            until=item.payload.get("until"),
        )
        title, body = prompt_texts(row, incident, lang, tz)
        await self.effects.update(incident, item.payload["ref"], card, f"{title}\n{body}")

    async def act(self, incident: Incident, verb: str, data: dict[str, Any], user: str) -> str:
        """Done / Snooze / Not needed from a prompt card; returns what to tell the user."""
        followup_id = data.get("f")
        if not isinstance(followup_id, int):
            return t("error.not_found", incident.language)
        lang = incident.language
        if verb == "followup_snooze":
            hours = data.get("h")
            row = await self.service.followup_snooze(
                followup_id, hours if isinstance(hours, int) else 0, user
            )
            until = format_time(row.due_at, lang, self.settings.timezone)
            return t("followup.state.snoozed", lang, actor=user, until=until)
        if verb == "followup_not_needed":
            reason = str(data.get("reason") or "")
            row, _ = await self.service.followup_not_needed(followup_id, reason, user)
            state = "not_needed"
        else:
            row, _ = await self.service.followup_done(followup_id, user)
            state = "done"
        return t(
            f"followup.state.{state}",
            lang,
            actor=row.done_by or user,
            at=format_time(row.done_at, lang, self.settings.timezone),
            reason=row.reason or "",
        )
