"""The one triage card: the next question that matters (「質問 4/8」), edited in place, and the
card that says triage is done; answering again from it."""

from __future__ import annotations

from app.briefing import triage_progress
from app.i18n import t
from app.incidents.service import Snapshot
from app.models import Incident
from app.rooms import texts
from app.rooms.pack_thread import PackThread
from app.triage import (
    AFTER_ACTION,
    QUESTIONS,
    TECHNICAL,
    Question,
    open_questions,
    question,
)
from app.work.queue import Claimed

TRIAGE = "triage"  # the one triage card
REVIEW = "review"  # the after-action review's card
HAND_OFF = "hand_off"  # the security responders' card of the technical questions


class TriageCard(PackThread):
    """The room's triage handlers; when no question is left, the living verdict says so."""

    async def _post_next_question(
        self, item: Claimed, incident: Incident, snap: Snapshot, *, new: bool = False
    ) -> None:
        """Triage advances in one card (「質問 4/8」), edited in place (`new`: the room's
        first); when no question that matters is left, the card and the living verdict say so
        (and the verdict no longer lists the open questions answered since it was issued)."""
        message, label, upcoming = self._triage(snap)
        await self._show(item, incident, TRIAGE, message, label, new=new)
        if upcoming is None:
            await self.sync_verdict(item, incident, snap)

    def _triage(self, snap: Snapshot) -> tuple[object, str, Question | None]:
        """The triage card as it should read now, its notification text, and its question."""
        incident, lang, handed = snap.incident, snap.incident.language, snap.handed
        answers = self.service.answers_model(incident, snap.values)
        asked = set(snap.answers)  # an answer of "unknown" was asked: it is not asked again
        # The after-action review's questions are not the urgent triage's (self.review), nor
        # are those handed to the security responders (self.hand_off).
        skipped = asked | AFTER_ACTION | set(handed)
        still_open = list(open_questions(answers, skipped, self.service.policy))
        upcoming = still_open[0] if still_open else None
        previous = max(snap.answers.items(), key=lambda kv: kv[1].at, default=None)
        last = None
        if previous is not None:
            field, detail = previous
            answered = texts.answered_line(
                question(field), detail.value, detail.actor, detail.at, lang, self.tz
            )
            last = t("question.previous", lang, question=question(field).text.get(lang))
            last = f"{last}\n{answered}"
        answered = [q for q in QUESTIONS if q.id in asked]
        if upcoming is None:
            done = t("question.all_done", lang)
            message = self.render.triage_done(incident, lang, len(asked), last, answered)
            return message, done, None
        # The card counts the questions it asked: not the review's, nor the responders' card's.
        number, total = triage_progress(asked - AFTER_ACTION - set(handed), still_open)
        offer = (  # one press hands the technical questions to the security responders
            t("handoff.button", lang)
            if upcoming.id in TECHNICAL and self.settings.security_responders and not handed
            else None
        )
        message = self.render.question(
            incident,
            upcoming,
            number,
            lang,
            self.tz,
            None,
            total=total,
            previous=last,
            answered=answered,
            hand_off=offer,
        )
        return message, upcoming.text.get(lang), upcoming

    async def next_question(self, item: Claimed) -> None:
        """Every card an answer changes, and the summary and the topic when it was awareness
        (shown as an assumption until answered), from one snapshot: this row writes nothing any
        of them reads (only where its messages are), and a later answer queues a row of its own."""
        assert item.incident_id is not None
        answered = item.payload.get("field")  # (a hand-off's row names none)
        refresh = answered == "discovered_at"  # awareness moves the summary's "aware since"
        # The cards show no action items (the summary does; so does the verdict, which reads
        # them itself once triage is done).
        snap = await self.service.snapshot(item.incident_id, tasks=refresh)
        incident = snap.incident
        if incident.status == "open" and incident.channel_id:
            await self._post_next_question(item, incident, snap)
            await self.offer_next_report(item, incident, snap)
            await self.note_overtaken(item, incident, snap)
            # The review's card shows its own answer only: once offered, it is kept current when
            # that changes.
            if answered is None or answered in AFTER_ACTION:
                await self._edit(item, incident, REVIEW, *self._review(snap))
            if snap.handed:
                await self._edit(item, incident, HAND_OFF, *self._hand_off(snap))
            if refresh:
                await self._refresh(item, snap)

    def _hand_off(self, snap: Snapshot) -> tuple[object, str]:
        """The security responders' card: @mentions them, then asks the handed questions one at
        a time (「質問 1/3」); says so once they are all answered."""
        incident, lang, handed = snap.incident, snap.incident.language, snap.handed
        intro = t("handoff.intro", lang, who=self.render.mention(list(snap.handed_to)))
        answers = self.service.answers_model(incident, snap.values)
        others = {q.id for q in QUESTIONS if q.id not in handed}
        still_open = list(open_questions(answers, set(snap.answers) | others, self.service.policy))
        if not still_open:
            done = f"{intro}\n{t('handoff.done', lang)}"
            return self.render.note(done), done
        upcoming = still_open[0]
        number = 1 + sum(1 for f in handed if f in snap.answers)
        total = number + len(still_open) - 1
        message = self.render.question(
            incident, upcoming, number, lang, self.tz, None, total=total, previous=intro
        )
        return message, f"{intro} {upcoming.text.get(lang)}"

    async def hand_off(self, item: Claimed) -> None:
        """Posts the security responders' card (once), @mentioning them in the room."""
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        if snap.incident.status == "open" and snap.incident.channel_id and snap.handed:
            await self._show(item, snap.incident, HAND_OFF, *self._hand_off(snap))

    def _review(self, snap: Snapshot) -> tuple[object, str]:
        """The after-action review's card: what to strengthen so it does not happen again,
        asked of the organisation, not of the reporter; its answer counts in the verdict."""
        incident, lang = snap.incident, snap.incident.language
        (field,) = AFTER_ACTION
        intro = t("review.intro", lang)
        message = self.render.question(
            incident, question(field), 1, lang, self.tz, snap.answers.get(field), total=1,
            previous=intro,
        )  # fmt: skip
        return message, intro

    async def review(self, item: Claimed) -> None:
        """Offers the after-action review in the room, once (after the first statement is out,
        or when someone asks to close)."""
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        if snap.incident.status == "open" and snap.incident.channel_id:
            await self._show(item, snap.incident, REVIEW, *self._review(snap))

    async def answer_again(self, incident_id: int, field: str) -> object:
        """One answered question with its answer, to answer again (「回答を変更」)."""
        snap = await self.service.snapshot(incident_id)
        incident, lang = snap.incident, snap.incident.language
        asked = list(snap.answers)
        number = asked.index(field) + 1 if field in asked else len(asked) + 1
        return self.render.question(
            incident, question(field), number, lang, self.tz, snap.answers.get(field)
        )

    async def question_message(self, incident_id: int, field: str | None = None) -> object:
        """The card an answer was given on, as it should look now (what a platform answers an
        answer with): the review's for its question, else the triage card."""
        snap = await self.service.snapshot(incident_id)
        if field in AFTER_ACTION:
            return self._review(snap)[0]
        if field in snap.handed:
            return self._hand_off(snap)[0]
        message, _, _ = self._triage(snap)
        return message
