"""Adaptive Cards for Teams (rendering only), built with microsoft-teams-cards models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from microsoft_teams.cards import AdaptiveCard, ShowCardAction, TextInput

from app.i18n import storm_offer, t
from app.incidents.service import Snapshot
from app.models import Followup, Incident
from app.rooms import texts
from app.rooms.brief import VerdictBrief
from app.rooms.texts import deadline_text, home_row, prompt_done_label, prompt_texts, settled_line
from app.teams.elements import CARD_TYPE as CARD_TYPE
from app.teams.elements import CARD_VERSION as CARD_VERSION
from app.teams.elements import attachment as attachment
from app.teams.elements import card, execute, form, long_text, mentioning, text
from app.teams.elements import md as md
from app.teams.elements import message_card as message_card
from app.teams.pack_cards import pack_card
from app.teams.standing_cards import summary_actions
from app.teams.statement_cards import (
    published_card,
    published_text,
    statement_card,
    statement_text_card,
)
from app.teams.triage_cards import question_card, triage_done_card
from app.teams.update_cards import update_draft_card


def summary_card(
    snap: Snapshot, lang: str, tz: str, now: datetime, todo: Sequence[str] = ()
) -> dict[str, Any]:
    incident = snap.incident
    upcoming = deadline_text(snap, lang, tz)
    body = [text(texts.summary_title(incident, lang), size="Large", weight="Bolder")]
    if todo:
        body.append(text("\n\n".join(todo)))
    body += [text(texts.summary_fields(snap, lang, tz)), text(upcoming)]
    if source := incident.source.get("permalink"):
        body.append(text(str(source), is_subtle=True))
    return card(body, summary_actions(incident, lang) if incident.status == "open" else ())


def my_incidents_card(
    rows: Sequence[tuple[Incident, datetime | None]], lang: str, tz: str
) -> dict[str, Any]:
    """App Home's counterpart: the open incidents whose room the person is in, each with its
    severity and next deadline."""
    body = [text(t("home.title", lang), size="Large", weight="Bolder")]
    if not rows:
        body.append(text(t("home.none", lang)))
    for incident, due in rows[:45]:
        row = home_row(incident, due, incident.channel_name or "", lang, tz)
        body.append(text(row, separator=True))
    body.append(text(t("teams.mine.help", lang), is_subtle=True))
    return card(body)


# ----- verdicts and statements -------------------------------------------------------------------


def verdict_card(incident: Incident, brief: VerdictBrief, lang: str) -> dict[str, Any]:
    """The living verdict: 「今やること」 first (see app.rooms.brief)."""
    body: list[Any] = [
        text(brief.title, size="Large", weight="Bolder"),
        text(brief.state, is_subtle=True),
    ]
    if brief.do_now:
        body.append(text("\n\n".join((t("todo.title", lang), *brief.do_now))))
    if brief.statement:
        body.append(text(brief.statement))
    body.append(text("\n\n".join((t("verdict.rules", lang), *brief.reasons))))
    body.append(text(f"{t('verdict.clocks', lang)}\n\n{brief.clocks}"))
    if brief.later:
        body.append(text("\n\n".join((t("todo.later", lang), *brief.later))))
    if brief.open_questions:
        body.append(text(f"{t('verdict.open', lang)}\n\n{brief.open_questions}"))
    # The rule codes fold away under "details" (Action.ShowCard), as Slack's button shows them.
    details = "\n\n".join((t("brief.details", lang), *brief.details))
    folded = AdaptiveCard(version=CARD_VERSION, body=[text(details, is_subtle=True, size="Small")])
    return card(body, [ShowCardAction(title=t("verdict.details", lang), card=folded)])


def change_card(
    incident: Incident,
    lines: Sequence[str],
    lang: str,
    *,
    redraft: bool,
    next_report: int | None = None,
    overtaken: bool = False,
) -> dict[str, Any]:
    """What changed in a new verdict version, with the redraft action when it applies."""
    if not redraft:
        return card([text("\n\n".join(lines))])
    offer, label = texts.redraft_offer(lang, next_report, overtaken=overtaken)
    return card(
        [text("\n\n".join((*lines, offer)))],
        [execute(label, "redraft", {"i": incident.id})],
    )


def close_confirm_card(incident: Incident, resolution: str, lang: str) -> dict[str, Any]:
    """The resolution is the card's input (Teams merges it into the action's data as `r`);
    the action's own data holds ids only."""
    value = {"i": incident.id}
    return card(
        [
            text(t("command.close_confirm", lang, key=incident.key)),
            TextInput(
                id="r",
                label=t("command.close_resolution", lang),
                is_multiline=True,
                max_length=3000,
                value=resolution[:3000],
            ),
        ],
        [execute(t("command.close_button", lang), "close_confirm", value, style="destructive")],
    )


def storm_card(incident_id: int, seq: int, lang: str) -> dict[str, Any]:
    """Tells a later reporter that a similar report is being handled, and nothing of it."""
    return card(
        [text(storm_offer(lang))],
        [execute(t("storm.separate", lang), "storm_separate", {"i": incident_id, "s": seq})],
    )


def admission_card(incident: Incident, user: str, body: str, lang: str) -> dict[str, Any]:
    value = {"i": incident.id, "u": user}
    return card(
        [text(body)], [execute(t("storm.admit", lang), "storm_admit", value, style="positive")]
    )


# ----- follow-up prompts -------------------------------------------------------------------------


def prompt_card(
    row: Followup, incident: Incident, lang: str, tz: str, detail: str = ""
) -> dict[str, Any]:
    title, body = prompt_texts(row, incident, lang, tz, detail)
    value = {"i": incident.id, "f": row.id}
    return card(
        [text(title, weight="Bolder"), text(body)],
        [
            execute(prompt_done_label(row, lang), "followup_done", value, style="positive"),
            execute(t("followup.snooze_hour", lang), "followup_snooze", {**value, "h": 1}),
            execute(t("followup.snooze_day", lang), "followup_snooze", {**value, "h": 24}),
            form(
                t("followup.not_needed", lang),
                [
                    long_text(
                        "reason", t("followup.reason_label", lang), t("followup.reason_label", lang)
                    )
                ],
                t("followup.reason_submit", lang),
                "followup_not_needed",
                value,
            ),
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
    detail: str = "",
) -> dict[str, Any]:
    """The prompt as it stays in the room once someone has acted on it (no buttons)."""
    title, body = prompt_texts(row, incident, lang, tz, detail)
    line = settled_line(row, state, actor, lang, tz, until)
    return card([text(title, weight="Bolder"), text(body), text(line, is_subtle=True)])


# ----- the room's renderer (app.rooms.ports.Renderer) --------------------------------------------


class AdaptiveCards:
    """Adaptive Cards for the room layer; people are written by their Azure AD id (`<@id>`,
    `<at>id</at>`) and named where the card is sent (app.teams.people)."""

    note = staticmethod(lambda value: mentioning(message_card(value)))

    @staticmethod
    def mention(ids: Sequence[str]) -> str:
        """`<at>id</at>` (Azure AD object ids): the card adds the entities that notify them."""
        return " ".join(f"<at>{i}</at>" for i in ids)

    summary = staticmethod(summary_card)
    question = staticmethod(question_card)
    triage_done = staticmethod(triage_done_card)
    verdict = staticmethod(verdict_card)
    admission = staticmethod(admission_card)
    change_note = staticmethod(change_card)
    statement = staticmethod(statement_card)
    statement_text = staticmethod(statement_text_card)
    pack = staticmethod(pack_card)
    published = staticmethod(published_card)
    published_text = staticmethod(published_text)
    prompt = staticmethod(prompt_card)
    settled = staticmethod(settled_card)
    update_draft = staticmethod(update_draft_card)

    @staticmethod
    def welcome(incident: Incident, lang: str) -> str:
        return t("teams.welcome", lang, key=incident.key)

    @staticmethod
    def room_ready(incident: Incident, lang: str) -> str:
        return t("teams.room_ready", lang, key=incident.key, room=incident.channel_name)
