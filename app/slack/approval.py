"""The holding statement in the verdict's thread: approve, edit (modal), request changes, redraft."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from app.i18n import t
from app.incidents.service import ServiceError
from app.runtime import Runtime
from app.slack import blocks as ui
from app.slack.common import decode, group_members, guarded, incident_id_of, reply_later


def register(bolt: AsyncApp, runtime: Runtime) -> None:
    service = runtime.service
    guard = guarded(runtime)

    async def groups_of(user: str, client: Any) -> list[str]:
        """The configured PR-lead user groups this user is in, read live from Slack, so that
        removing someone from the group takes effect at once (only asked when it matters)."""
        authority = service.authority
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

    async def refuse(body: dict[str, Any], code: str, lang: str) -> None:
        key = {"not_pr_lead": "statement.only_leads", "stale_version": "statement.stale"}.get(
            code, "error.closed" if code == "closed" else "error.not_found"
        )
        await reply_later(runtime, body.get("response_url"), t(key, lang))

    def target(action: dict[str, Any]) -> tuple[int | None, int | None]:
        data = decode(action.get("value"))
        version = data.get("v")
        return incident_id_of(data), version if isinstance(version, int) else None

    @bolt.action("statement_approve")
    @guard
    async def approve(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        await ack()
        incident_id, version = target(action)
        if incident_id is None or version is None:
            return
        lang = runtime.settings.language
        try:
            user = body["user"]["id"]
            result = await service.approve(
                incident_id, version, user, await groups_of(user, client)
            )
        except ServiceError as exc:
            await refuse(body, exc.code, lang)
            return
        if result.already:
            await reply_later(runtime, body.get("response_url"), t("statement.already", lang))

    @bolt.action("statement_edit")
    @guard
    async def edit(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        await ack()
        incident_id, version = target(action)
        if incident_id is None or version is None:
            return
        user = body["user"]["id"]
        incident = await service.get(incident_id)
        if not service.authority.is_pr_lead(user, await groups_of(user, client)):
            await refuse(body, "not_pr_lead", incident.language)
            return
        statement = await service.statement(incident_id, version)
        # A trigger_id lives 3 seconds: the modal is the one call made before the ack returns.
        await client.views_open(
            trigger_id=body["trigger_id"], view=ui.edit_view(incident, statement, incident.language)
        )

    @bolt.action("statement_request_changes")
    @guard
    async def request_changes(
        ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any
    ) -> None:
        await ack()
        incident_id, version = target(action)
        if incident_id is None or version is None:
            return
        incident = await service.get(incident_id)
        user = body["user"]["id"]
        if not service.authority.is_pr_lead(user, await groups_of(user, client)):
            await refuse(body, "not_pr_lead", incident.language)
            return
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=ui.changes_view(incident, version, incident.language),
        )

    @bolt.view("statement_edit")
    @guard
    async def save_edit(ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any) -> None:
        meta = _meta(view)
        values = view.get("state", {}).get("values", {})
        texts = {
            lang: (values.get(f"text_{lang}", {}).get(f"text_{lang}", {}).get("value") or "")
            for lang in ("ja", "en")
        }
        if meta is None or not all(texts.values()):
            await ack(response_action="errors", errors={"text_ja": "required"})
            return
        try:
            user = body["user"]["id"]
            await service.edit_statement(meta[0], texts, user, await groups_of(user, client))
        except ServiceError as exc:
            await ack(response_action="errors", errors={"text_ja": exc.code})
            return
        await ack()

    @bolt.view("statement_changes")
    @guard
    async def save_changes(
        ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any
    ) -> None:
        meta = _meta(view)
        comment = (
            view.get("state", {})
            .get("values", {})
            .get("comment", {})
            .get("comment", {})
            .get("value")
        )
        if meta is None or not comment:
            await ack(response_action="errors", errors={"comment": "required"})
            return
        try:
            user = body["user"]["id"]
            await service.request_changes(
                meta[0], meta[1], user, comment, await groups_of(user, client)
            )
        except ServiceError as exc:
            await ack(response_action="errors", errors={"comment": exc.code})
            return
        await ack()

    @bolt.action("redraft")
    @guard
    async def redraft(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        incident_id = incident_id_of(decode(action.get("value")))
        if incident_id is None:
            return
        try:
            await service.redraft(incident_id, body["user"]["id"])
        except ServiceError as exc:
            await refuse(body, exc.code, runtime.settings.language)


def _meta(view: dict[str, Any]) -> tuple[int, int] | None:
    try:
        data = json.loads(view.get("private_metadata") or "")
        return int(data["i"]), int(data["v"])
    except (ValueError, KeyError, TypeError):
        return None
