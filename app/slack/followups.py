"""Follow-up prompts in Slack: the Done / Snooze / Not needed listeners, the reason modal, the
digest's layout (the prompts themselves are posted by app/rooms, rendered in blocks.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from app.i18n import format_time, t
from app.incidents import schedule
from app.incidents.service import ServiceError
from app.models import Followup, Incident, Verdict
from app.rooms.texts import refusal, severity_label
from app.slack import blocks as ui
from app.slack.common import Deps, decode, deps_of, guarded, reply_later
from app.slack.elements import BlockJson

DIGEST_HORIZON = timedelta(hours=72)


# ----- rendering ---------------------------------------------------------------------------------


def digest_blocks(
    rows: Sequence[tuple[Incident, list[tuple[str, datetime]]]], lang: str, tz: str
) -> list[BlockJson]:
    out = [ui.section(t("followup.digest.title", lang, count=len(rows)))]
    if not rows:
        out.append(ui.context(t("followup.digest.none", lang)))
    for incident, deadlines in rows:
        lines = [
            t(
                "followup.digest.row",
                lang,
                key=incident.key,
                title=incident.title,
                severity=severity_label(incident.severity, lang),
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


# ----- listeners (module-level; what they need comes in bolt's context: app.slack.common) -------


async def refuse(deps: Deps, body: dict[str, Any], exc: ServiceError) -> None:
    await reply_later(deps.queue, body.get("response_url"), refusal(exc, deps.settings.language))


def followup_id(action: dict[str, Any]) -> int | None:
    value = decode(action.get("value")).get("f")
    return value if isinstance(value, int) else None


@guarded
async def done(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    await ack()
    deps = deps_of(context)
    if (fid := followup_id(action)) is None:
        return
    try:
        await deps.service.followup_done(fid, body["user"]["id"])
    except ServiceError as exc:
        await refuse(deps, body, exc)


@guarded
async def snooze(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    await ack()
    deps = deps_of(context)
    hours = decode(action.get("value")).get("h")
    if (fid := followup_id(action)) is None or not isinstance(hours, int):
        return
    try:
        await deps.service.followup_snooze(fid, hours, body["user"]["id"])
    except ServiceError as exc:
        await refuse(deps, body, exc)


@guarded
async def not_needed(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await ack()
    deps = deps_of(context)
    if (fid := followup_id(action)) is None:
        return
    try:
        row, incident = await deps.service.followup(fid)
    except ServiceError as exc:
        await refuse(deps, body, exc)
        return
    # A trigger_id lives 3 seconds: the modal is the one call made before the ack returns.
    await client.views_open(trigger_id=body["trigger_id"], view=reason_view(row, incident.language))


@guarded
async def save_reason(ack: Any, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    fid = decode(view.get("private_metadata")).get("f")
    values = view.get("state", {}).get("values", {})
    reason = values.get("reason", {}).get("reason", {}).get("value") or ""
    if not isinstance(fid, int) or not reason.strip():
        await ack(response_action="errors", errors={"reason": "required"})
        return
    try:
        await deps.service.followup_not_needed(fid, reason, body["user"]["id"])
    except ServiceError as exc:
        await ack(response_action="errors", errors={"reason": refusal(exc, deps.settings.language)})
        return
    await ack()


def register(bolt: AsyncApp) -> None:
    bolt.action("followup_done")(done)
    bolt.action(re.compile(r"^followup_snooze_1[hd]$"))(snooze)
    bolt.action("followup_not_needed")(not_needed)
    bolt.view("followup_not_needed")(save_reason)
