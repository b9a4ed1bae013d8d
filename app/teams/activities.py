"""Inbound Teams activities (already authenticated by the SDK) translated into service calls."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from app.i18n import masked_notice, storm_offer, t
from app.incidents.service import ServiceError
from app.models import Incident, utcnow
from app.rooms.company import WORDS as COMPANY_WORDS
from app.rooms.company import settings_command
from app.rooms.followups import VERBS as FOLLOWUP_VERBS
from app.rooms.leads import WORDS as LEAD_WORDS
from app.rooms.leads import lead_command
from app.rooms.orders import WORDS as ORDER_WORDS
from app.rooms.orders import room_order
from app.rooms.standing import standing_lines
from app.rooms.texts import refusal
from app.rooms.updates import WORD as UPDATE_WORD
from app.rooms.updates import update_command
from app.teams import cards, home, standing, timeline
from app.teams.card_verbs import FIELDS, CardVerbs
from app.teams.payloads import (
    Reply,
    actor_of,
    card_response,
    first_word,
    is_personal,
    is_row_id,
    plain_text,
    room_of,
    tenant_of,
    text_response,
    with_mentions,
)
from app.teams.statement_actions import VERBS as STATEMENT_VERBS
from app.teams.update_cards import APPROVE as APPROVE_UPDATE
from app.vocabulary import WorkKind
from app.work.queue import WorkSpec

log = logging.getLogger(__name__)

ROOM_COMMANDS = {"note", "status", "close", UPDATE_WORD} | LEAD_WORDS | ORDER_WORDS
HELP_WORDS = {"help", "ヘルプ", "?"}
LEAK_WORDS = {"leak", "/leak"}
REPORT_COMMAND = "reportLeak"


class Activities(CardVerbs):
    """Teams activities in: messages, the message action, card actions (Action.Execute)."""

    async def handle(self, activity: dict[str, Any], token: Any = None) -> Reply:
        tenant = tenant_of(activity)
        expected = self.settings.teams_tenant_id
        if expected and tenant != expected:
            # Teams always names the tenant; an activity that does not cannot prove it is ours.
            log.warning("refused an activity from tenant %s", tenant or "(none given)")
            return 403, {"error": "this tenant is not served here"}
        microsoft = self.chat.microsoft
        microsoft.people.learn_account(activity.get("from"))  # who they are, for the room's texts
        status, body = await self.dispatch(activity)
        if body is not None and status == 200:
            # An invoke's answer names people as a post does, from who is known (the actor is):
            # no Bot Connector call on the request path.
            url = str(activity.get("serviceUrl"))
            body = await microsoft.named(url, room_of(activity), body, look_up=False)
        return status, body

    async def dispatch(self, activity: dict[str, Any]) -> Reply:
        kind, name = activity.get("type"), activity.get("name")
        try:
            if kind == "message":
                await self.on_message(activity)
                return 200, None
            if kind == "invoke" and name == "adaptiveCard/action":
                return await self.on_card_action(activity)
            if kind == "invoke" and name == "composeExtension/submitAction":
                value = activity.get("value") or {}
                if value.get("commandId") == timeline.COMMAND:
                    payload = value.get("messagePayload") or {}
                    plain = plain_text((payload.get("body") or {}).get("content"))
                    return await timeline.on_timeline_action(
                        self.service,
                        room_of(activity),
                        actor_of(activity),
                        payload,
                        plain,
                        self.lang,
                    )
                return await self.on_report_action(activity)
        except (OperationalError, DBAPIError, OSError):
            log.exception("database unavailable for a Teams %s", kind)
            if kind == "invoke":
                return text_response(t("command.unavailable", self.lang))
            return 503, {"error": "temporarily unavailable"}
        return 200, None

    # ----- replies ----------------------------------------------------------------------------

    async def reply(
        self, activity: dict[str, Any], text: str, card: dict[str, Any] | None = None
    ) -> None:
        """Answers where the user spoke, through the worker (off the request path)."""
        payload = {
            "service_url": activity.get("serviceUrl"),
            "conversation": (activity.get("conversation") or {}).get("id"),
            "text": text,
        }
        if card is not None:
            payload["card"] = card
        await self.queue.enqueue(WorkSpec("teams.reply", payload))

    # ----- messages ---------------------------------------------------------------------------

    async def on_message(self, activity: dict[str, Any]) -> None:
        text = plain_text(with_mentions(activity))
        said_leak = first_word(text) in LEAK_WORDS
        if said_leak:
            text = text.split(" ", 1)[1] if " " in text else ""
        word, rest = first_word(text), (text.split(" ", 1)[1] if " " in text else "").strip()
        if word in HELP_WORDS or not (said_leak or word in ROOM_COMMANDS):
            await self.reply(activity, t("teams.help", self.lang))
            return
        if word in ROOM_COMMANDS:
            await self.room_command(activity, word, rest)
            return
        if word in COMPANY_WORDS:  # an admin's company facts, for the whole tenant
            admins = self.settings.admins or self.settings.pr_leads
            tenant, user = tenant_of(activity), actor_of(activity)
            reply = await settings_command(self.service, tenant, user, rest, self.lang, admins)
            await self.reply(activity, reply)
            return
        if word == "mine":
            await self.my_incidents(activity)
            return
        drill = word == "drill"
        await self.open_from(activity, title=rest if drill else text, drill=drill, source={})

    async def open_from(
        self,
        activity: dict[str, Any],
        *,
        title: str,
        drill: bool,
        source: dict[str, Any],
        separate: bool = False,
    ) -> Incident | None:
        title = title or t("shortcut.title", self.lang)
        # A report storm is offered the open room only in a personal chat: a channel would
        # show the confidential incident to everyone in it.
        if not (drill or separate) and is_personal(activity):
            same = await self.service.similar_open_incident(
                title, source.get("link"), tenant_of(activity)
            )
            if same is not None:
                await self.offer_room(activity, same, title, source.get("link"))
                return None
        incident, masked = await self.service.open_incident(
            title=title,
            reporter_id=actor_of(activity),
            platform="teams",
            workspace_id=tenant_of(activity),
            is_drill=drill,
            source={
                "service_url": activity.get("serviceUrl"),
                "conversation": (activity.get("conversation") or {}).get("id"),
                **source,
            },
        )
        text = t("teams.opened", self.lang, key=incident.key) + masked_notice(
            masked.kinds, self.lang
        )
        await self.reply(activity, text)
        return incident

    async def my_incidents(self, activity: dict[str, Any]) -> None:
        """In a personal chat only: a channel would show confidential incidents to all in it."""
        if not is_personal(activity):
            await self.reply(activity, t("teams.mine.personal", self.lang))
            return
        payload = {
            "user": actor_of(activity),
            "service_url": activity.get("serviceUrl"),
            "conversation": (activity.get("conversation") or {}).get("id"),
        }
        await self.queue.enqueue(WorkSpec(home.KIND, payload))

    async def offer_room(
        self, activity: dict[str, Any], incident: Incident, title: str, link: str | None
    ) -> None:
        """The report goes on the open incident's timeline (its room is asked to let the
        reporter in); the reporter is told only that a similar report is being handled."""
        seq = await self.service.note_similar_report(
            incident.id,
            title=title,
            reporter_id=actor_of(activity),
            platform="teams",
            workspace_id=tenant_of(activity),
            link=link,
        )
        card = cards.storm_card(incident.id, seq, self.lang)
        await self.reply(activity, storm_offer(self.lang), card)

    async def on_storm_action(self, activity: dict[str, Any], data: dict[str, Any]) -> Reply:
        """ "Open a separate incident" from the offer: the reporter's own report, only theirs."""
        incident_id, seq = data.get("i"), data.get("s")
        if not (is_row_id(incident_id) and isinstance(seq, int)):
            return text_response(t("error.not_found", self.lang))
        try:
            earlier = await self.service.similar_report(incident_id, seq, actor_of(activity))
        except ServiceError:
            return text_response(t("error.not_found", self.lang))
        incident = await self.open_from(
            activity,
            title=earlier.title,
            drill=False,
            source={"link": earlier.source.get("link")},
            separate=True,
        )
        assert incident is not None
        return text_response(t("teams.opened", self.lang, key=incident.key))

    async def room_command(self, activity: dict[str, Any], word: str, rest: str) -> None:
        incident = await self.service.find_by_channel(room_of(activity))
        if incident is None:
            await self.reply(activity, t("teams.not_in_room", self.lang))
            return
        lang, user = incident.language, actor_of(activity)
        if word in ORDER_WORDS:
            rest = await standing.resolve_mentions(self.chat.microsoft, activity, rest)
            tz = self.settings.timezone
            answer = await room_order(self.service, incident, word, rest, user, tz=tz, now=utcnow())
            card = None
            if answer.tasks is not None:
                card = standing.tasks_card(incident, answer.tasks, answer.text, lang, tz)
            await self.reply(activity, standing.teams_words(answer.text), card)
        elif word in LEAD_WORDS:
            groups = await self.groups_of(user)
            await self.reply(
                activity, await lead_command(self.service, incident, word, rest, user, groups)
            )
        elif word == UPDATE_WORD:
            reply = await update_command(self.service, self.settings, incident, rest, user)
            await self.reply(activity, reply)
        elif word == "status":
            snap = await self.service.snapshot(incident.id)
            tz = self.settings.timezone
            people = standing_lines(snap.incident, snap.tasks, lang, tz)
            card = cards.summary_card(snap, lang, tz, utcnow(), people)
            await self.reply(activity, incident.key, card)
        elif word == "note":
            if not rest:
                await self.reply(activity, t("teams.note_empty", lang))
                return
            try:
                masked = await self.service.add_note(incident.id, rest, user)
            except ServiceError as exc:  # closed: the record is final
                await self.reply(activity, refusal(exc, lang))
                return
            text = t("command.note_added", lang, key=incident.key) + masked_notice(
                masked.kinds, self.lang
            )
            await self.reply(activity, text)
        elif incident.status == "closed":
            await self.reply(activity, t("command.closed_already", lang, key=incident.key))
        else:
            card = cards.close_confirm_card(incident, rest, lang)
            await self.reply(activity, t("command.close_confirm", lang, key=incident.key), card)
            # Closing is the last chance for the after-action review: offered in the room (once).
            review = WorkSpec(WorkKind.REVIEW.on("teams"), {})
            await self.queue.enqueue(review, incident_id=incident.id)

    # ----- the message action -----------------------------------------------------------------

    async def on_report_action(self, activity: dict[str, Any]) -> Reply:
        value = activity.get("value") or {}
        if value.get("commandId") == standing.TASK_COMMAND:
            text = await standing.task_from_message(self.service, activity, self.settings)
            return 200, {"task": {"type": "message", "value": cards.md(text)}}
        if value.get("commandId") != REPORT_COMMAND:
            return 200, None
        payload = value.get("messagePayload") or {}
        excerpt = plain_text((payload.get("body") or {}).get("content"))[:150]
        link = payload.get("linkToMessage")
        incident = await self.open_from(
            activity,
            title=excerpt,
            drill=False,
            source={
                "link": link,
                "permalink": t("shortcut.summary", self.lang, link=link) if link else None,
            },
            separate=True,  # the answer is in the reporter's view, not a chat to offer a room in
        )
        assert incident is not None
        text = cards.md(t("teams.opened", self.lang, key=incident.key))
        return 200, {"task": {"type": "message", "value": text}}

    # ----- card actions (Action.Execute) ------------------------------------------------------

    async def on_card_action(self, activity: dict[str, Any]) -> Reply:
        action = (activity.get("value") or {}).get("action") or {}
        verb, data = action.get("verb"), action.get("data") or {}
        if verb == "storm_separate" and is_personal(activity):
            return await self.on_storm_action(activity, data)
        incident_id = data.get("i")
        if not is_row_id(incident_id):
            return text_response(t("error.not_found", self.lang))
        try:
            incident = await self.service.get(incident_id)
        except ServiceError:
            return text_response(t("error.not_found", self.lang))
        if incident.channel_id != room_of(activity):
            # A card's incident is the one of the room it was posted in; anything else is forged.
            return text_response(t("error.not_found", self.lang))
        user = actor_of(activity)
        try:
            if verb in ("answer", "answer_unknown"):
                return await self.answer(incident, verb, data, user)
            if verb == "hand_off":  # the technical questions, to the security responders
                to = self.settings.security_responders
                await self.service.hand_off(incident.id, user, to)
                return card_response(await self.room.question_message(incident.id))
            if verb == "ask_again" and data.get("field") in FIELDS:
                return card_response(await self.room.answer_again(incident.id, data["field"]))
            if verb in STATEMENT_VERBS:
                return await self.statements.handle(incident, verb, data, user)
            if verb in FOLLOWUP_VERBS:
                return text_response(await self.followup(incident, verb, data, user))
            if verb == "storm_admit" and isinstance(data.get("u"), str):
                await self.service.admit(incident.id, data["u"], user)
                return text_response(t("storm.admitted", incident.language))
            if verb == "redraft":
                await self.service.redraft(incident.id, user, await self.groups_of(user))
                return text_response(t("verdict.redrafting", incident.language))
            if verb in standing.VERBS:
                reply = await standing.on_action(self.service, incident, verb, data, user)
                return text_response(reply)
            if verb == APPROVE_UPDATE and isinstance(data.get("v"), int):
                update, _ = await self.service.approve_update(incident.id, data["v"], user)
                return text_response(
                    t("update.posted_reply", incident.language, version=update.version)
                )
            if verb == "close_confirm":
                await self.service.close(incident.id, user, str(data.get("r") or ""))
                return text_response(t("command.closing", incident.language, key=incident.key))
        except ServiceError as exc:
            return text_response(refusal(exc, incident.language))
        return text_response(t("error.not_found", self.lang))
