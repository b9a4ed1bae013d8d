"""`/leak` and the "Report a possible leak" message shortcut."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from app.i18n import masked_notice, t
from app.incidents.service import ServiceError
from app.models import utcnow
from app.rooms.company import WORDS as COMPANY_WORDS
from app.rooms.company import settings_command
from app.rooms.leads import WORDS as LEAD_COMMANDS
from app.rooms.leads import lead_command
from app.rooms.orders import WORDS as ORDER_WORDS
from app.rooms.orders import room_order
from app.rooms.standing import standing_lines
from app.rooms.texts import refusal
from app.rooms.updates import WORD as UPDATE_WORD
from app.rooms.updates import update_command
from app.slack import blocks as ui
from app.slack.approval import groups_of
from app.slack.common import (
    DELIVERY,
    REPORT,
    Deps,
    channel_of,
    decode,
    deps_of,
    first_time,
    guarded,
    incident_id_of,
    reply_later,
)
from app.slack.standing_blocks import tasks_blocks
from app.triage import QUESTIONS
from app.vocabulary import WorkKind
from app.work.queue import WorkSpec

log = logging.getLogger(__name__)


def scenario_named(name: str):  # type: ignore[no-untyped-def]
    from app.drills.catalog import UnknownScenario, load_scenario

    try:
        return load_scenario(name.strip()) if name.strip() else None
    except UnknownScenario:
        return None


HELP_WORDS = frozenset({"help", "ヘルプ", "?"})
ROOM_COMMANDS = (
    {"note", "status", "close", "answer", "answers", UPDATE_WORD} | LEAD_COMMANDS | ORDER_WORDS
)


async def report(
    ack: Any,
    deps: Deps,
    *,
    title: str,
    user: str,
    team: str | None,
    drill: bool,
    source: dict[str, Any],
    shortcut: bool = False,
    separate: bool = False,
    delivery: str | None = None,
) -> None:
    """Records the report and acknowledges: one INSERT (and the command's `delivery`, in the
    same transaction: a replay is acknowledged with nothing stored). The worker takes it from
    there (effects.take_report): the incident and its room, or, in a report storm, the offer to
    join the open incident it probably repeats."""
    lang = deps.settings.language
    masked = await deps.service.record_report(
        REPORT,
        title=title,
        reporter_id=user,
        platform="slack",
        workspace_id=team,
        is_drill=drill,
        separate=separate,
        source={**source, "shortcut": True} if shortcut else source,
        delivery=delivery,
    )
    if masked is None:
        log.info("refused a replayed Slack command")
        await ack()
    elif shortcut:  # a shortcut's ack shows nothing: the worker answers through response_url
        await ack()
    else:
        await ack(
            text=t("command.drill_recorded" if drill else "command.recorded", lang)
            + masked_notice(masked.kinds, lang),
            response_type="ephemeral",
        )


@guarded
async def leak(ack: Any, command: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    lang = deps.settings.language
    text = (command.get("text") or "").strip()
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word in HELP_WORDS or word in ROOM_COMMANDS or word in COMPANY_WORDS:
        if not await first_time(deps, context):
            await ack()
        elif word in HELP_WORDS:
            await ack(text=t("command.help", lang), response_type="ephemeral")
        elif word in ROOM_COMMANDS:
            await room_command(ack, deps, command, word, rest.strip(), context)
        else:  # an admin's company facts, for the whole workspace
            admins = deps.settings.admins or deps.settings.pr_leads
            team, user = command.get("team_id"), command["user_id"]
            reply = await settings_command(deps.service, team, user, rest, lang, admins)
            await ack(text=reply, response_type="ephemeral")
        return
    drill = word == "drill"
    title = rest.strip() if drill else text
    source = {
        "channel_id": command.get("channel_id"),
        "response_url": command.get("response_url"),
    }
    if drill and (scenario := scenario_named(title)) is not None:
        # A built-in scenario: the bot reveals its facts in the room as the scenario says.
        title, source["scenario"] = scenario.title.get(lang), scenario.id
    await report(
        ack,
        deps,
        title=title or t("shortcut.title", lang),
        user=command["user_id"],
        team=command.get("team_id"),
        drill=drill,
        source=source,
        delivery=context.get(DELIVERY),
    )


async def room_command(
    ack: Any, deps: Deps, command: dict[str, Any], word: str, rest: str, context: Any
) -> None:
    service, settings, lang = deps.service, deps.settings, deps.settings.language
    incident = await service.find_by_channel(command.get("channel_id", ""))
    if incident is None:
        await ack(text=t("command.not_in_room", lang), response_type="ephemeral")
        return
    ilang, user = incident.language, command["user_id"]
    if word in LEAD_COMMANDS:
        groups = await groups_of(deps, user, context.client)
        text = await lead_command(service, incident, word, rest, user, groups)
        await ack(text=text, response_type="ephemeral")
    elif word in ORDER_WORDS:
        tz = settings.timezone
        answer = await room_order(service, incident, word, rest, user, tz=tz, now=utcnow())
        if answer.tasks is None:
            await ack(text=answer.text, response_type="ephemeral")
            return
        blocks = tasks_blocks(incident, answer.tasks, answer.text, ilang, tz)
        await ack(blocks=ui.dump(blocks), text=answer.text, response_type="ephemeral")
    elif word == UPDATE_WORD:
        text = await update_command(service, settings, incident, rest, user)
        await ack(text=text, response_type="ephemeral")
    elif word == "status":
        snap = await service.snapshot(incident.id)
        await ack(
            blocks=ui.dump(
                ui.summary_blocks(
                    snap,
                    ilang,
                    settings.timezone,
                    utcnow(),
                    standing_lines(snap.incident, snap.tasks, ilang, settings.timezone),
                )
            ),
            text=incident.key,
            response_type="ephemeral",
        )
    elif word in ("answer", "answers"):
        snap = await service.snapshot(incident.id)
        await ack(
            blocks=ui.dump(
                ui.answers_blocks(incident, QUESTIONS, snap.answers, ilang, settings.timezone)
            ),
            text=t("answers.title", ilang, key=incident.key),
            response_type="ephemeral",
        )
    elif word == "note":
        if not rest:
            await ack(text=t("command.note_empty", ilang), response_type="ephemeral")
            return
        try:
            masked = await service.add_note(incident.id, rest, user)
        except ServiceError as exc:  # closed: the record is final
            await ack(text=refusal(exc, ilang), response_type="ephemeral")
            return
        await ack(
            text=t("command.note_added", ilang, key=incident.key)
            + masked_notice(masked.kinds, ilang),
            response_type="ephemeral",
        )
    elif word == "close":
        if incident.status == "closed":
            await ack(
                text=t("command.closed_already", ilang, key=incident.key),
                response_type="ephemeral",
            )
            return
        await ack(
            blocks=ui.dump(ui.close_confirm_blocks(incident, rest, ilang)),
            text=t("command.close_confirm", ilang, key=incident.key),
            response_type="ephemeral",
        )
        # Closing is the last chance for the after-action review: offered in the room (once).
        await deps.queue.enqueue(WorkSpec(WorkKind.REVIEW.on("slack"), {}), incident_id=incident.id)


@guarded
async def close_confirm(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any
) -> None:
    deps = deps_of(context)
    data = decode(action.get("value"))
    incident_id = incident_id_of(data)
    await ack()
    if incident_id is None:
        return
    # the resolution rides in the confirmation's input (Slack sends its state with the press)
    state = ((body.get("state") or {}).get("values") or {}).get("resolution") or {}
    resolution = str((state.get("resolution") or {}).get("value") or "")
    try:
        incident = await deps.service.close(incident_id, body["user"]["id"], resolution)
    except ServiceError as exc:
        text = refusal(exc, deps.settings.language)
        await reply_later(deps.queue, body.get("response_url"), text, replace=True)
        return
    await reply_later(
        deps.queue,
        body.get("response_url"),
        t("command.closing", incident.language, key=incident.key),
        replace=True,
    )


async def close_cancel(ack: Any, body: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    await ack()
    await reply_later(deps.queue, body.get("response_url"), "👍", replace=True)


@guarded
async def storm_admit(ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any) -> None:
    """Someone in the room lets a later reporter in (pressed in the room, or nothing)."""
    deps = deps_of(context)
    await ack()
    data = decode(action.get("value"))
    incident_id, user = incident_id_of(data), data.get("u")
    if incident_id is None or not isinstance(user, str):
        return
    try:
        incident = await deps.service.get(incident_id)
        if incident.channel_id is None or incident.channel_id != channel_of(body):
            return  # a press from outside the room is not the room's decision
        await deps.service.admit(incident_id, user, body["user"]["id"])
    except ServiceError:
        return


@guarded
async def storm_separate(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any
) -> None:
    """ "Open a separate incident": only the reporter's own report, and only for them."""
    deps = deps_of(context)
    lang = deps.settings.language
    data = decode(action.get("value"))
    incident_id, seq = incident_id_of(data), data.get("s")
    if incident_id is None or not isinstance(seq, int):
        await ack()
        return
    try:
        earlier = await deps.service.similar_report(incident_id, seq, body["user"]["id"])
    except ServiceError:
        await ack()
        return
    await report(
        ack,
        deps,
        title=earlier.title or t("shortcut.title", lang),
        user=body["user"]["id"],
        team=(body.get("team") or {}).get("id"),
        drill=False,
        source={"response_url": body.get("response_url"), "link": earlier.source.get("link")},
        shortcut=True,
        separate=True,
    )


@guarded
async def report_message(ack: Any, body: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    lang = deps.settings.language
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id", "")
    domain = (body.get("team") or {}).get("domain", "app")
    ts = str(message.get("ts", ""))
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}" if ts else ""
    excerpt = " ".join(str(message.get("text", "")).split())[:150]
    title = excerpt or t("shortcut.title", lang)
    await report(
        ack,
        deps,
        title=title,
        user=body["user"]["id"],
        team=(body.get("team") or {}).get("id"),
        drill=False,
        source={
            "channel_id": channel,
            "response_url": body.get("response_url"),
            "permalink": t("shortcut.summary", lang, link=link) if link else None,
            "link": link or None,
        },
        shortcut=True,
    )


def register(bolt: AsyncApp) -> None:
    bolt.command("/leak")(leak)
    bolt.action("close_confirm")(close_confirm)
    bolt.action("close_cancel")(close_cancel)
    bolt.action("storm_admit")(storm_admit)
    bolt.action("storm_separate")(storm_separate)
    bolt.shortcut("report_leak")(report_message)
