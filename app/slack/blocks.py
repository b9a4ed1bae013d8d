"""Block Kit rendering (slack_sdk.models, the hot pieces as their JSON: app.slack.elements):
values in, blocks out — no decisions, no I/O."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ParamSpec

from slack_sdk.models.blocks import (
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from app.i18n import storm_offer, t
from app.incidents.service import Snapshot
from app.models import Followup, Incident
from app.rooms import texts
from app.rooms.brief import VerdictBrief
from app.rooms.texts import deadline_text, home_row, prompt_done_label, prompt_texts, settled_line
from app.slack.elements import (
    AnyBlock,
    BlockJson,
    actions,
    button,
    context,
    header,
    plain,
    section,
    sections,
)
from app.slack.elements import dump as dump
from app.slack.pack_blocks import pack_blocks
from app.slack.statement_blocks import changes_view as changes_view
from app.slack.statement_blocks import edit_view as edit_view
from app.slack.statement_blocks import (
    published_blocks,
    published_text,
    statement_blocks,
    statement_text_blocks,
)
from app.slack.triage_blocks import answers_blocks as answers_blocks
from app.slack.triage_blocks import question_blocks, triage_done_blocks
from app.slack.update_blocks import update_draft_blocks

P = ParamSpec("P")


def summary_blocks(
    snap: Snapshot, lang: str, tz: str, now: datetime, todo: Sequence[str] = ()
) -> list[BlockJson]:
    incident = snap.incident
    blocks = [header(texts.summary_title(incident, lang))]
    if todo:
        blocks += sections("\n".join(todo))
    blocks += [
        section(texts.summary_fields(snap, lang, tz)),
        section(deadline_text(snap, lang, tz)),
    ]
    if source := incident.source.get("permalink"):
        blocks.append(context(str(source)))
    if incident.status == "open":
        blocks.append(summary_actions(incident, lang))
    return blocks


def summary_actions(incident: Incident, lang: str) -> BlockJson:
    """The summary's buttons: roles, a new action item, the incident lead's severity call."""
    value = {"i": incident.id}
    return actions(
        button(t("role.button", lang), "roles_open", value),
        button(t("task.button", lang), "task_open", value),
        button(t("severity_call.button", lang), "severity_open", value),
        block_id="standing",
    )


# ----- verdict -----------------------------------------------------------------------------------


def verdict_blocks(incident: Incident, brief: VerdictBrief, lang: str) -> list[BlockJson]:
    """The living verdict: 「今やること」 first, then the statement's state, why, the clocks and
    the rest; the rule codes behind its "details" button (details_blocks)."""
    blocks = [header(brief.title), context(brief.state)]
    if brief.do_now:
        blocks += sections("\n".join((t("todo.title", lang), *brief.do_now)))
    if brief.statement:
        blocks.append(section(brief.statement))
    blocks += sections("\n".join((t("verdict.rules", lang), *brief.reasons)))
    blocks += sections(f"{t('verdict.clocks', lang)}\n{brief.clocks}")
    if brief.later:
        blocks += sections("\n".join((t("todo.later", lang), *brief.later)))
    if brief.open_questions:
        blocks += sections(f"{t('verdict.open', lang)}\n{brief.open_questions}")
    blocks.append(
        actions(
            button(t("verdict.change_answers", lang), "list_answers", {"i": incident.id}),
            button(t("verdict.details", lang), "verdict_details", {"i": incident.id}),
            button(
                t("verdict.other_language", lang),
                "verdict_other_language",
                {"i": incident.id, "v": brief.version},
            ),
            block_id=f"verdict:{incident.id}",
        )
    )
    return blocks


def details_blocks(brief: VerdictBrief, lang: str) -> list[BlockJson]:
    """The verdict's rule codes and policy version, for whoever asks (the verdict stays short)."""
    return sections("\n".join((t("brief.details", lang), *brief.details)))


def change_blocks(
    incident: Incident,
    lines: Sequence[str],
    lang: str,
    *,
    redraft: bool,
    next_report: int | None = None,
    overtaken: bool = False,
) -> list[BlockJson]:
    """What changed in a new verdict version (in the living verdict's thread), with the redraft
    button when the statement was drafted on an earlier version."""
    text = "\n".join(lines)
    if not redraft:
        return sections(text)
    offer, label = texts.redraft_offer(lang, next_report, overtaken=overtaken)
    offer = f"{text}\n{offer}"
    return [section(offer, accessory=button(label, "redraft", {"i": incident.id}))]


def close_confirm_blocks(incident: Incident, resolution: str, lang: str) -> list[AnyBlock]:
    """The confirmation, the resolution in an input (Slack sends its state with the press):
    a button's value holds ids only, never free text (its 2,000 characters made this a 500)."""
    value = {"i": incident.id}
    return [
        section(t("command.close_confirm", lang, key=incident.key)),
        InputBlock(
            block_id="resolution",
            label=plain(t("command.close_resolution", lang)),
            element=PlainTextInputElement(
                action_id="resolution",
                multiline=True,
                max_length=3000,
                initial_value=resolution[:3000] or None,
            ),
            optional=True,
        ),
        actions(
            button(t("command.close_button", lang), "close_confirm", value, "danger"),
            button(t("command.cancel_button", lang), "close_cancel", {"i": incident.id}),
        ),
    ]


def home_view(
    rows: Sequence[tuple[Incident, str | None]], lang: str, tz: str, *, company: str = ""
) -> View:
    blocks: list[AnyBlock] = [
        HeaderBlock(text=plain(t("home.title", lang))),  # cut at 75, not a header's 150
        context(t("home.help", lang)),
    ]
    if not rows:
        blocks.append(section(t("home.none", lang)))
    for incident, deadline in rows[:45]:
        blocks.append(section(home_row(incident, deadline, incident.channel_id or "", lang, tz)))
    if company:  # the workspace's company facts, and how an admin changes them
        blocks.append(context(t("home.company", lang, facts=company)))
    return View(type="home", blocks=blocks)


def storm_blocks(incident_id: int, seq: int, lang: str) -> list[BlockJson]:
    """Tells a later reporter that a similar report is being handled, and nothing of it; their
    own report can still be opened separately (the button carries ids, never their words)."""
    return [
        section(storm_offer(lang)),
        actions(button(t("storm.separate", lang), "storm_separate", {"i": incident_id, "s": seq})),
    ]


def admission_blocks(incident: Incident, user: str, body: str, lang: str) -> list[BlockJson]:
    admit = button(t("storm.admit", lang), "storm_admit", {"i": incident.id, "u": user}, "primary")
    return [section(body, accessory=admit)]


# ----- follow-up prompts -------------------------------------------------------------------------


def prompt_blocks(
    row: Followup, incident: Incident, lang: str, tz: str, detail: str = ""
) -> list[BlockJson]:
    title, body = prompt_texts(row, incident, lang, tz, detail)
    value = {"f": row.id}
    return [
        section(f"{title}\n{body}"),
        actions(
            button(prompt_done_label(row, lang), "followup_done", value, "primary"),
            button(t("followup.snooze_hour", lang), "followup_snooze_1h", {**value, "h": 1}),
            button(t("followup.snooze_day", lang), "followup_snooze_1d", {**value, "h": 24}),
            button(t("followup.not_needed", lang), "followup_not_needed", value),
            block_id=f"followup:{row.id}",
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
    detail: str = "",
) -> list[BlockJson]:
    """The prompt as it stays in the channel once someone has acted on it (no buttons)."""
    title, body = prompt_texts(row, incident, lang, tz, detail)
    line = settled_line(row, state, actor, lang, tz, until)
    return [section(f"{title}\n{body}"), context(line)]


# ----- the room's renderer (app.rooms.ports.Renderer) --------------------------------------------


def as_json(render: Callable[P, Sequence[AnyBlock]]) -> Callable[P, list[BlockJson]]:
    """A renderer whose message is Block Kit's JSON, serialised (and checked by slack_sdk)
    once: the room keys each edit by its message's repr, which on slack_sdk's objects walked
    and checked every block again, and the Chat port's `dump` passes JSON through."""

    @functools.wraps(render)
    def rendered(*args: P.args, **kwargs: P.kwargs) -> list[BlockJson]:
        return dump(render(*args, **kwargs))

    return rendered


class BlockKit:
    """Block Kit for the room layer; people are mentioned as `<@id>`."""

    note = staticmethod(lambda text: dump([section(text)]))
    summary = staticmethod(as_json(summary_blocks))
    question = staticmethod(as_json(question_blocks))
    triage_done = staticmethod(as_json(triage_done_blocks))
    verdict = staticmethod(as_json(verdict_blocks))
    admission = staticmethod(as_json(admission_blocks))
    change_note = staticmethod(as_json(change_blocks))
    published = staticmethod(as_json(published_blocks))
    published_text = staticmethod(published_text)
    prompt = staticmethod(as_json(prompt_blocks))
    settled = staticmethod(as_json(settled_blocks))

    statement = staticmethod(as_json(statement_blocks))
    statement_text = staticmethod(as_json(statement_text_blocks))
    pack = staticmethod(as_json(pack_blocks))
    update_draft = staticmethod(as_json(update_draft_blocks))

    @staticmethod
    def mention(ids: Sequence[str]) -> str:
        """User groups (`S…`) as `<!subteam^S…>`, people as `<@U…>`: both notify."""
        return " ".join(f"<!subteam^{i}>" if i.startswith("S") else f"<@{i}>" for i in ids)

    @staticmethod
    def welcome(incident: Incident, lang: str) -> str:
        return t("room.welcome", lang, key=incident.key)

    @staticmethod
    def room_ready(incident: Incident, lang: str) -> str:
        return t("command.room_ready", lang, key=incident.key, channel=incident.channel_id)
