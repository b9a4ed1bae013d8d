"""Block Kit for roles, action items and the severity call (rendering only): the modals the
summary's buttons and the "Create action item" shortcut open, and the `/leak tasks` list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from app.i18n import t
from app.models import ActionItem, Incident
from app.rooms import standing
from app.rooms.texts import severity_label
from app.slack.elements import MAX_BLOCKS, AnyBlock, BlockJson, button, context, plain, section
from app.vocabulary import ActionState, Role

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
TITLE_LIMIT = 300


def _modal(
    callback: str, title: str, submit: str, meta: dict[str, Any], blocks: list[AnyBlock], lang: str
) -> View:
    """A modal whose private_metadata carries the incident (ids only, never free text)."""
    return View(
        type="modal",
        callback_id=callback,
        title=plain(title, 24),
        submit=plain(submit, 24),
        close=plain(t("command.cancel_button", lang), 24),
        private_metadata=json.dumps(meta),
        blocks=blocks,
    )


def roles_view(incident: Incident, lang: str) -> View:
    """One people picker per role, showing who holds it now."""
    roles = incident.roles or {}
    blocks: list[AnyBlock] = [context(t("role.modal_hint", lang))]
    for role in Role:
        element = UserSelectElement(action_id=f"user_{role}", initial_user=roles.get(role))
        blocks.append(
            InputBlock(
                block_id=f"role_{role}",
                label=plain(standing.role_name(role, lang)),
                element=element,
                optional=True,
            )
        )
    return _modal(
        "roles",
        t("role.modal_title", lang),
        t("role.modal_submit", lang),
        {"i": incident.id},
        blocks,
        lang,
    )


def task_view(incident: Incident, lang: str, title: str = "", link: str | None = None) -> View:
    """A new action item: what, who, by when (a message shortcut fills in the message)."""
    blocks: list[AnyBlock] = [
        InputBlock(
            block_id="title",
            label=plain(t("task.field.title", lang)),
            element=PlainTextInputElement(
                action_id="title",
                multiline=True,
                initial_value=title[:TITLE_LIMIT] or None,
                max_length=TITLE_LIMIT,
            ),
        ),
        InputBlock(
            block_id="owner",
            label=plain(t("task.field.owner", lang)),
            element=UserSelectElement(action_id="owner"),
            optional=True,
        ),
        InputBlock(
            block_id="due",
            label=plain(t("task.field.due", lang)),
            element=PlainTextInputElement(action_id="due", max_length=40),
            optional=True,
        ),
    ]
    meta = {"i": incident.id, **({"link": link} if link else {})}
    return _modal(
        "task_add", t("task.modal_title", lang), t("task.modal_submit", lang), meta, blocks, lang
    )


def severity_view(incident: Incident, lang: str) -> View:
    """The incident lead's call: a severity and the reason (required)."""
    options = [Option(value=s, label=severity_label(s, lang)) for s in SEVERITIES]
    current = (incident.severity_call or {}).get("severity") or incident.severity
    initial = next((o for o in options if o.value == current), None)
    blocks: list[AnyBlock] = [
        section(t("severity_call.policy", lang, policy=severity_label(incident.severity, lang))),
        InputBlock(
            block_id="severity",
            label=plain(t("severity_call.pick", lang)),
            element=StaticSelectElement(
                action_id="severity", options=options, initial_option=initial
            ),
        ),
        InputBlock(
            block_id="reason",
            label=plain(t("severity_call.reason", lang)),
            element=PlainTextInputElement(action_id="reason", multiline=True, max_length=1000),
        ),
    ]
    return _modal(
        "severity_call",
        t("severity_call.modal_title", lang),
        t("severity_call.modal_submit", lang),
        {"i": incident.id},
        blocks,
        lang,
    )


def tasks_blocks(
    incident: Incident, items: Sequence[ActionItem], title: str, lang: str, tz: str
) -> list[BlockJson]:
    """`/leak tasks`: every item, open ones first, each open one with its Done button."""
    if not items:
        return [section(t("task.none", lang))]
    ordered = standing.open_items(items) + [i for i in items if i.state != ActionState.OPEN]
    blocks = [section(title)]
    for item in ordered[: MAX_BLOCKS - 2]:
        line = standing.task_line(item, lang, tz)
        if item.state == ActionState.OPEN:
            value = {"i": incident.id, "n": item.number}
            done = button(t("task.done_button", lang), "task_done", value)
            blocks.append(section(line, accessory=done))
        else:
            blocks.append(context(line))
    if len(ordered) > MAX_BLOCKS - 2:
        blocks.append(context(t("task.more", lang, count=len(ordered) - (MAX_BLOCKS - 2))))
    return blocks
