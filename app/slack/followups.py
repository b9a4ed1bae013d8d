"""Follow-up prompts in Slack: rendering, the Done / Snooze / Not needed listeners, the post handlers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import ActionsBlock, Block, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from app.i18n import format_time, t
from app.incidents.reactions import Event
from app.incidents.service import ServiceError
from app.models import Followup, FollowupState, Incident, Verdict, utcnow
from app.runtime import Runtime
from app.slack import blocks as ui
from app.slack.common import decode, guarded, reply_later
from app.slack.effects import METADATA_TYPE
from app.work import followups as schedule
from app.work.queue import Claimed, Permanent, WorkSpec, waiting_on

SYNC = "slack.followup_sync"
DIGEST_HORIZON = timedelta(hours=72)


# ----- rendering ---------------------------------------------------------------------------------


def prompt_texts(row: Followup, incident: Incident, lang: str, tz: str) -> tuple[str, str]:
    """The prompt's title and body for its kind (`appi_final:-7d` → "due in 7 days")."""
    name = row.key.split(":", 1)[1] if ":" in row.key else ""
    body_key = {
        "appi_preliminary": f"followup.body.appi_preliminary.{name}",
        "principal": f"followup.body.principal.{name}",
        "appi_final": "followup.body.appi_final." + ("due" if name == "due" else "before"),
    }.get(row.kind, f"followup.body.{row.kind}")
    values = {
        "badge": ui.badge(incident, lang),
        "key": incident.key,
        "severity": ui.severity_label(incident.severity, lang),
        "deadline": format_time(row.deadline_at, lang, tz),
        "days": name.strip("-d"),
        "hours": name.rstrip("h"),
        "action": t(f"followup.action.{name}", lang) if row.kind == "action" else "",
    }
    return t(f"followup.title.{row.kind}", lang, **values), t(body_key, lang, **values)


def prompt_blocks(row: Followup, incident: Incident, lang: str, tz: str) -> list[Block]:
    title, body = prompt_texts(row, incident, lang, tz)
    value = {"f": row.id}
    done = "followup.no_change" if row.kind == "status" else "followup.done"
    return [
        ui.section(f"{title}\n{body}"),
        ActionsBlock(
            block_id=f"followup:{row.id}",
            elements=[
                ui.button(t(done, lang), "followup_done", value, "primary"),
                ui.button(t("followup.snooze_hour", lang), "followup_snooze_1h", {**value, "h": 1}),
                ui.button(t("followup.snooze_day", lang), "followup_snooze_1d", {**value, "h": 24}),
                ui.button(t("followup.not_needed", lang), "followup_not_needed", value),
            ],
        ),
    ]


def settled_blocks(
    row: Followup,
    incident: Incident,
    lang: str,
    tz: str,
    *,
    state: str,
    actor: str,
    until: str | None = None,
) -> list[Block]:
    """The prompt as it stays in the channel once someone has acted on it (no buttons)."""
    title, body = prompt_texts(row, incident, lang, tz)
    line = t(
        f"followup.state.{state}",
        lang,
        actor=row.done_by or actor,
        at=format_time(row.done_at, lang, tz),
        reason=row.reason or "",
        until=format_time(until, lang, tz),
    )
    return [ui.section(f"{title}\n{body}"), ui.context(line)]


def digest_blocks(
    rows: Sequence[tuple[Incident, list[tuple[str, datetime]]]], lang: str, tz: str
) -> list[Block]:
    out: list[Block] = [ui.section(t("followup.digest.title", lang, count=len(rows)))]
    if not rows:
        out.append(ui.context(t("followup.digest.none", lang)))
    for incident, deadlines in rows:
        lines = [
            t(
                "followup.digest.row",
                lang,
                key=incident.key,
                title=incident.title,
                severity=ui.severity_label(incident.severity, lang),
                channel=incident.channel_id or "",
            )
        ]
        lines += [
            t(
                "followup.digest.deadline",
                lang,
                label=t(f"followup.deadline.{kind}", lang),
                due=format_time(at, lang, tz),
            )
            for kind, at in deadlines
        ] or [t("followup.digest.no_deadline", lang)]
        out.append(ui.section("\n".join(lines)))
    return out


def digest_rows(
    incidents: Sequence[tuple[Incident, Verdict | None]], now: datetime
) -> list[tuple[Incident, list[tuple[str, datetime]]]]:
    """Open incidents that are not drills, each with its deadlines in the next 72 hours."""
    return [
        (
            incident,
            schedule.deadlines_within(verdict.data if verdict else None, now, DIGEST_HORIZON),
        )
        for incident, verdict in incidents
        if not incident.is_drill
    ]


def reason_view(row: Followup, lang: str) -> View:
    return View(
        type="modal",
        callback_id="followup_not_needed",
        title=ui.plain(t("followup.reason_title", lang), 24),
        submit=ui.plain(t("followup.reason_submit", lang), 24),
        close=ui.plain(t("command.cancel_button", lang), 24),
        private_metadata=json.dumps({"f": row.id}),
        blocks=[
            InputBlock(
                block_id="reason",
                label=ui.plain(t("followup.reason_label", lang)),
                element=PlainTextInputElement(action_id="reason", multiline=True, max_length=1000),
            )
        ],
    )


# ----- wiring ------------------------------------------------------------------------------------


def register(bolt: AsyncApp, runtime: Runtime) -> None:
    settings, service = runtime.settings, runtime.service
    schedule.register(
        runtime.reactions,
        policy=lambda: service.policy,
        tz=settings.timezone,
        quiet_hours=schedule.parse_quiet_hours(settings.quiet_hours),
        max_attempts=settings.work_max_attempts,
        platforms=frozenset({"slack"}),
    )
    _register_work(runtime)
    guard = guarded(runtime)

    async def refuse(body: dict[str, Any], exc: ServiceError) -> None:
        key = {"closed": "error.closed", "not_found": "error.not_found"}.get(
            exc.code, "followup.settled"
        )
        await reply_later(runtime, body.get("response_url"), t(key, settings.language))

    def followup_id(action: dict[str, Any]) -> int | None:
        value = decode(action.get("value")).get("f")
        return value if isinstance(value, int) else None

    @bolt.action("followup_done")
    @guard
    async def done(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        if (fid := followup_id(action)) is None:
            return
        try:
            await service.followup_done(fid, body["user"]["id"])
        except ServiceError as exc:
            await refuse(body, exc)

    @bolt.action(re.compile(r"^followup_snooze_1[hd]$"))
    @guard
    async def snooze(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        hours = decode(action.get("value")).get("h")
        if (fid := followup_id(action)) is None or not isinstance(hours, int):
            return
        try:
            await service.followup_snooze(fid, hours, body["user"]["id"])
        except ServiceError as exc:
            await refuse(body, exc)

    @bolt.action("followup_not_needed")
    @guard
    async def not_needed(
        ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any
    ) -> None:
        await ack()
        if (fid := followup_id(action)) is None:
            return
        try:
            row, incident = await service.followup(fid)
        except ServiceError as exc:
            await refuse(body, exc)
            return
        # A trigger_id lives 3 seconds: the modal is the one call made before the ack returns.
        await client.views_open(
            trigger_id=body["trigger_id"], view=reason_view(row, incident.language)
        )

    @bolt.view("followup_not_needed")
    @guard
    async def save_reason(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        fid = decode(view.get("private_metadata")).get("f")
        values = view.get("state", {}).get("values", {})
        reason = values.get("reason", {}).get("reason", {}).get("value") or ""
        if not isinstance(fid, int) or not reason.strip():
            await ack(response_action="errors", errors={"reason": "required"})
            return
        try:
            await service.followup_not_needed(fid, reason, body["user"]["id"])
        except ServiceError:
            await ack(
                response_action="errors",
                errors={"reason": t("followup.settled", settings.language)},
            )
            return
        await ack()


def _register_work(runtime: Runtime) -> None:
    """The queue handlers (through SlackEffects' guard, which maps Slack's errors to Retry/Permanent)."""
    service, settings = runtime.service, runtime.settings

    def guarded_work(handler: Any) -> Any:
        async def run(item: Claimed) -> None:
            await runtime.slack._guarded(handler)(item)

        run.__name__ = handler.__name__
        return run

    async def prompt(item: Claimed) -> None:
        """Posts the prompt once (ref `followup:{id}`), unless it was settled or moved meanwhile."""
        row, incident = await service.followup(item.payload["followup_id"])
        if row.work_id != item.id or row.state not in schedule.LIVE:
            return
        if incident.status != "open":
            return
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        lang, ref = incident.language, item.payload["ref"]
        blocks = prompt_blocks(row, incident, lang, settings.timezone)
        title, body = prompt_texts(row, incident, lang, settings.timezone)
        await runtime.slack.post_once(
            item, incident, ref, blocks, f"{title}\n{body}", payload={"followup_id": row.id}
        )
        await service.followup_posted(row.id, item.id, ref)

    async def sync(item: Claimed) -> None:
        """Shows on the clicked prompt who did what (the buttons go)."""
        row, incident = await service.followup(item.payload["followup_id"])
        lang = incident.language
        blocks = settled_blocks(
            row,
            incident,
            lang,
            settings.timezone,
            state=item.payload["state"],
            actor=item.payload.get("actor", ""),
            until=item.payload.get("until"),
        )
        title, body = prompt_texts(row, incident, lang, settings.timezone)
        await runtime.slack.update(incident, item.payload["ref"], blocks, f"{title}\n{body}")

    async def digest(item: Claimed) -> None:
        channel = settings.digest_channel
        if not channel:
            raise Permanent("LEAKDESK_DIGEST_CHANNEL is not set")
        ref = f"digest:{item.payload['day']}"
        client = runtime.slack.client
        if item.attempt > 1:
            history = await client.conversations_history(
                channel=channel, include_all_metadata=True, limit=100
            )
            for message in history.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("ref") == ref:
                    return
        rows = digest_rows(await service.open_incidents(), utcnow())
        lang = settings.language
        await client.chat_postMessage(
            channel=channel,
            text=t("followup.digest.title", lang, count=len(rows)),
            blocks=ui.dump(digest_blocks(rows, lang, settings.timezone)),
            metadata={"event_type": METADATA_TYPE, "event_payload": {"ref": ref}},
            unfurl_links=False,
        )

    for kind, handler in {
        schedule.prompt_kind("slack"): prompt,
        SYNC: sync,
        schedule.DIGEST: digest,
    }.items():
        runtime.queue.register(kind, guarded_work(handler))

    @runtime.reactions.on(
        "followup.done", "followup.snoozed", "followup.not_needed", platform="slack"
    )
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


__all__ = ["FollowupState", "register"]
