"""Adaptive Cards for roles, action items and the severity call (rendering only): the summary's
forms (take a role, add an item, the lead's call) and the `leak tasks` list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import ActionSet, Choice, ChoiceSetInput, ShowCardAction, TextInput

from app.i18n import t
from app.models import ActionItem, Incident
from app.rooms import standing
from app.rooms.texts import severity_label
from app.teams.elements import card, execute, form, long_text, text
from app.vocabulary import ActionState, Role

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
LISTED = 30  # items a `leak tasks` card lists (each open one with its Done button)


def _required_choice(input_id: str, label: str, choices: list[Choice], value: str | None) -> Any:
    return ChoiceSetInput(
        id=input_id,
        label=label,
        choices=choices,
        style="compact",
        value=value,
        is_required=True,
        error_message=label,
    )


def summary_actions(incident: Incident, lang: str) -> list[ShowCardAction]:
    """Take a role, add an action item, the incident lead's severity call: forms under the
    summary, sent back with Action.Execute (someone else is assigned with `leak role lead @…`)."""
    value = {"i": incident.id}
    roles = [Choice(title=standing.role_name(r, lang), value=str(r)) for r in Role]
    severities = [Choice(title=severity_label(s, lang), value=s) for s in SEVERITIES]
    current = (incident.severity_call or {}).get("severity") or incident.severity
    return [
        form(
            t("role.take", lang),
            [_required_choice("role", t("role.pick", lang), roles, str(Role.LEAD))],
            t("role.take_submit", lang),
            "role_take",
            value,
        ),
        form(
            t("task.button", lang),
            [
                long_text("title", t("task.field.title", lang), t("task.field.title", lang)),
                TextInput(id="due", label=t("task.field.due", lang), max_length=40),
            ],
            t("task.modal_submit", lang),
            "task_add",
            value,
        ),
        form(
            t("severity_call.button", lang),
            [
                _required_choice("severity", t("severity_call.pick", lang), severities, current),
                long_text(
                    "reason", t("severity_call.reason", lang), t("severity_call.reason", lang)
                ),
            ],
            t("severity_call.modal_submit", lang),
            "severity_call",
            value,
        ),
    ]


def tasks_card(
    incident: Incident, items: Sequence[ActionItem], title: str, lang: str, tz: str
) -> dict[str, Any]:
    """`leak tasks`: every item, open ones first, each open one with its Done button."""
    if not items:
        return card([text(t("task.none", lang))])
    ordered = standing.open_items(items) + [i for i in items if i.state != ActionState.OPEN]
    body: list[Any] = [text(title, weight="Bolder")]
    for item in ordered[:LISTED]:
        line = standing.task_line(item, lang, tz)
        body.append(text(line, is_subtle=item.state != ActionState.OPEN))
        if item.state == ActionState.OPEN:
            done = execute(
                f"{t('task.done_button', lang)} #{item.number}",
                "task_done",
                {"i": incident.id, "n": item.number},
            )
            body.append(ActionSet(actions=[done]))
    if len(ordered) > LISTED:
        body.append(text(t("task.more", lang, count=len(ordered) - LISTED), is_subtle=True))
    return card(body)
