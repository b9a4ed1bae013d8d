"""The holding statement in the verdict's thread: approve, edit (modal), request changes, redraft."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from app.i18n import other, t
from app.incidents.service import ServiceError
from app.models import Incident
from app.rooms.pack import pack_view
from app.rooms.texts import refusal
from app.slack import blocks as ui
from app.slack.common import (
    Deps,
    decode,
    deps_of,
    group_members,
    guarded,
    incident_id_of,
    reply_later,
)
from app.slack.statement_blocks import edited_texts


async def groups_of(deps: Deps, user: str, client: Any) -> list[str]:
    """The configured PR-lead user groups this user is in, read live from Slack, so that
    removing someone from the group takes effect at once (only asked when it matters)."""
    authority = deps.service.authority
    if user in authority.pr_leads or not authority.lead_groups:
        return []
    found = []
    for group in sorted(authority.lead_groups):
        try:
            members = await group_members(client, group)
        except SlackApiError:
            continue
        if user in (members or []):
            found.append(group)
    return found


async def refuse(deps: Deps, body: dict[str, Any], exc: ServiceError, lang: str) -> None:
    await reply_later(deps.queue, body.get("response_url"), refusal(exc, lang))


KINDS = ("notice", "social", "letter", "qa")


def target(action: dict[str, Any]) -> tuple[int | None, int | None]:
    data = decode(action.get("value"))
    version = data.get("v")
    return incident_id_of(data), version if isinstance(version, int) else None


def kind_of(data: dict[str, Any]) -> str | None:
    """The statement a button or modal is about: the notice, or a piece of the pack (None for
    anything else: a forged value is refused, not guessed)."""
    kind = data.get("k", "notice")
    return kind if kind in KINDS else None


async def lead_or_refuse(deps: Deps, body: dict[str, Any], client: Any, lang: str) -> bool:
    """True for a PR lead; anyone else is told so (the modal would only be refused on save)."""
    user = body["user"]["id"]
    if deps.service.authority.is_pr_lead(user, await groups_of(deps, user, client)):
        return True
    await refuse(deps, body, ServiceError("not_pr_lead"), lang)
    return False


@guarded
async def approve(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await ack()
    deps = deps_of(context)
    incident_id, version = target(action)
    kind = kind_of(decode(action.get("value")))
    if incident_id is None or version is None or kind is None:
        return
    lang = deps.settings.language
    try:
        user = body["user"]["id"]
        groups = await groups_of(deps, user, client)
        result = await deps.service.approve(incident_id, version, user, groups, kind=kind)
    except ServiceError as exc:
        await refuse(deps, body, exc, lang)
        return
    if result.already:
        await reply_later(deps.queue, body.get("response_url"), t("statement.already", lang))
    elif result.awaiting_timing:
        await reply_later(
            deps.queue, body.get("response_url"), t("statement.awaiting_timing", lang)
        )


async def lead_modal(
    body: dict[str, Any], action: dict[str, Any], client: Any, deps: Deps, view: Any
) -> None:
    """Opens a statement modal for a PR lead (`view(incident, version, kind, lang)`); anyone
    else is told at once rather than refused on save."""
    incident_id, version = target(action)
    kind = kind_of(decode(action.get("value")))
    if incident_id is None or version is None or kind is None:
        return
    incident = await deps.service.get(incident_id)
    if not await lead_or_refuse(deps, body, client, incident.language):
        return
    # A trigger_id lives 3 seconds: the modal is the one call made before the ack returns.
    await client.views_open(
        trigger_id=body["trigger_id"],
        view=await view(incident, version, kind, incident.language),
    )


@guarded
async def edit(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await ack()
    deps = deps_of(context)

    async def view(incident: Incident, version: int, kind: str, lang: str) -> Any:
        statement = await deps.service.statement(incident.id, version, kind)
        return ui.edit_view(incident, statement, lang)

    await lead_modal(body, action, client, deps, view)


@guarded
async def request_changes(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await ack()

    async def view(incident: Incident, version: int, kind: str, lang: str) -> Any:
        return ui.changes_view(incident, version, lang, kind)

    await lead_modal(body, action, client, deps_of(context), view)


@guarded
async def save_edit(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any, context: Any
) -> None:
    deps = deps_of(context)
    meta = _meta(view)
    texts = edited_texts(view.get("state", {}).get("values", {}))
    if meta is None or not all(texts.values()):
        await ack(response_action="errors", errors={"text_ja": "required"})
        return
    try:
        user = body["user"]["id"]
        groups = await groups_of(deps, user, client)
        await deps.service.edit_statement(
            meta[0], texts, user, groups, version=meta[1], kind=meta[2]
        )
    except ServiceError as exc:
        await ack(
            response_action="errors", errors={"text_ja": refusal(exc, deps.settings.language)}
        )
        return
    await ack()


@guarded
async def save_changes(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any, context: Any
) -> None:
    deps = deps_of(context)
    meta = _meta(view)
    comment = (
        view.get("state", {}).get("values", {}).get("comment", {}).get("comment", {}).get("value")
    )
    if meta is None or not comment:
        await ack(response_action="errors", errors={"comment": "required"})
        return
    try:
        user = body["user"]["id"]
        await deps.service.request_changes(
            meta[0], meta[1], user, comment, await groups_of(deps, user, client), kind=meta[2]
        )
    except ServiceError as exc:
        await ack(
            response_action="errors", errors={"comment": refusal(exc, deps.settings.language)}
        )
        return
    await ack()


@guarded
async def redraft(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any, context: Any
) -> None:
    await ack()
    deps = deps_of(context)
    incident_id = incident_id_of(decode(action.get("value")))
    if incident_id is None:
        return
    try:
        user = body["user"]["id"]
        await deps.service.redraft(incident_id, user, await groups_of(deps, user, client))
    except ServiceError as exc:
        await refuse(deps, body, exc, deps.settings.language)


@guarded
async def pack_other_language(
    ack: Any, body: dict[str, Any], action: dict[str, Any], context: Any
) -> None:
    """The pack in the room's other language, shown only to who asked (no buttons)."""
    await ack()
    deps = deps_of(context)
    incident_id = incident_id_of(decode(action.get("value")))
    if incident_id is None:
        return
    snap = await deps.service.snapshot(incident_id)
    incident = snap.incident
    view = pack_view(incident, snap.pieces, deps.service, other(incident.language))
    if view is not None:
        blocks = ui.pack_blocks(incident, view, actions=False)
        await reply_later(deps.queue, body.get("response_url"), incident.key, blocks)


def register(bolt: AsyncApp) -> None:
    bolt.action("statement_approve")(approve)
    bolt.action("statement_edit")(edit)
    bolt.action("statement_request_changes")(request_changes)
    bolt.view("statement_edit")(save_edit)
    bolt.view("statement_changes")(save_changes)
    bolt.action("redraft")(redraft)
    bolt.action("pack_other_language")(pack_other_language)


def _meta(view: dict[str, Any]) -> tuple[int, int, str] | None:
    try:
        data = json.loads(view.get("private_metadata") or "")
        kind = kind_of(data)
        return (int(data["i"]), int(data["v"]), kind) if kind else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
