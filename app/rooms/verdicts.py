"""The living verdict and its thread: the verdict posted once and edited to the latest version,
a change note per material change (with the redraft offer), the statement's draft edited in
place, its publication."""

from __future__ import annotations

from collections.abc import Sequence

from app.briefing import change_lines, material_changes
from app.briefing.changes import Change
from app.incidents.service import Snapshot
from app.models import Followup, Incident, Statement, utcnow
from app.rooms import brief, texts
from app.rooms.posting import Posting
from app.work.queue import Claimed, Permanent, waiting_on

# The first verdict's message lives on: later versions edit it, and its thread holds the draft
# and every change note (the ref keeps its name so rooms opened before stay whole).
LIVING_VERDICT = "verdict:1"


class VerdictThread(Posting):
    """The room's verdict and statement handlers."""

    async def post_verdict(self, item: Claimed) -> None:
        """One living verdict: the first version is posted, later ones edit it in place, and
        each new version says in its thread exactly what changed (with the redraft offer when
        the statement was drafted on an earlier version); the summary and the topic follow
        (from the same reads: this row writes nothing they show, only where its messages are)."""
        assert item.incident_id is not None
        version = item.payload["version"]
        snap, followups = await self._state(item.incident_id)
        incident = snap.incident
        if snap.verdict is None or snap.verdict.version < version:
            raise Permanent(f"verdict v{version} not found")
        if incident.channel_id is None:
            raise waiting_on(item, "room not ready yet", now=utcnow())
        await self.sync_verdict(item, incident, snap, followups, new=version == 1)
        # A first verdict, or open questions narrowing: the edit says it all.
        if changes := await self._changes(incident.id, version):
            await self._note_changes(item, snap, version, changes)
        await self._refresh(item, snap, followups)

    async def _changes(self, incident_id: int, version: int) -> tuple[Change, ...]:
        """What is material in `version` against the one before (nothing in the first)."""
        if version == 1:
            return ()
        verdicts = {v.version: v for v in await self.service.verdicts(incident_id)}
        previous, current = verdicts.get(version - 1), verdicts[version]
        return material_changes(previous.data, current.data) if previous else ()

    async def _note_changes(
        self, item: Claimed, snap: Snapshot, version: int, changes: Sequence[Change]
    ) -> None:
        """What changed in `version`, one line each, in the living verdict's thread."""
        incident, lang = snap.incident, snap.incident.language
        lines = change_lines(version, changes, lang, self.tz)
        statement = snap.statement
        redraft = statement is not None and statement.verdict_version != version
        # Once the notice was approved, the redraft is the next report of the series (第2報).
        following = statement.series + 1 if statement and statement.status == "approved" else None
        await self.post_once(
            item,
            incident,
            f"verdict_change:{version}",
            self.render.change_note(incident, lines, lang, redraft=redraft, next_report=following),
            "\n".join(lines),
            thread=await self._verdict_thread(incident.id),
        )

    async def sync_verdict(
        self,
        item: Claimed,
        incident: Incident,
        snap: Snapshot | None = None,
        followups: list[Followup] | None = None,
        *,
        new: bool = False,
    ) -> None:
        """Posts the living verdict, or edits it to the latest version and state (from `snap`
        and `followups` when the caller has just read them; `new`: the first verdict's row,
        which most likely posts it)."""
        lang = incident.language
        current = await brief.current_brief(
            self.service, incident.id, lang, self.tz, utcnow(), snap=snap, followups=followups
        )
        if current is None:
            return
        message = self.render.verdict(incident, current, lang)
        await self._show(item, incident, LIVING_VERDICT, message, current.title, new=new)

    async def _verdict_thread(self, incident_id: int) -> str | None:
        """The living verdict's message, whose thread holds the draft and the change notes."""
        posted = await self.service.message_ref(incident_id, LIVING_VERDICT)
        return posted.ts if posted else None

    async def statement_message(self, incident_id: int) -> object | None:
        """The latest statement's message as it should look now (None before the first draft)."""
        incident = await self.service.get(incident_id)
        statement = await self.service.latest_statement(incident_id)
        if statement is None:
            return None
        return self._statement_message(incident, statement)

    def _statement_message(self, incident: Incident, statement: Statement) -> object:
        needed = self.service.approvals_needed(incident.severity)
        leads = self.settings.pr_leads
        approvers = brief.approvers_line(
            statement, leads, needed, incident.severity, incident.language
        )
        return self.render.statement(incident, statement, needed, incident.language, approvers)

    async def sync_statement(self, item: Claimed) -> None:
        """The draft lives in the living verdict's thread, edited in place: the room's language
        first, the other as a second reply; the verdict and the summary show its state."""
        assert item.incident_id is not None
        snap, followups = await self._state(item.incident_id)
        incident, statement = snap.incident, snap.statement
        if statement is None:
            return
        thread = await self._verdict_thread(incident.id)
        if thread is None:
            raise waiting_on(item, "verdict not posted yet", now=utcnow())
        lang = incident.language
        message = self._statement_message(incident, statement)
        text = texts.statement_title(incident, statement, lang)
        posted = await self._show(item, incident, "statement", message, text, thread=thread)
        other_text = self.render.statement_text(statement, lang)
        # The other language follows the draft's first post (not posted before it).
        await self._show(
            item, incident, "statement_text", other_text, text, thread=thread, new=posted
        )
        await self.sync_verdict(item, incident, snap, followups)
        await self._sync_summary(item, incident, snap, followups)

    async def publish_statement(self, item: Claimed) -> None:
        assert item.incident_id is not None
        snap = await self.service.snapshot(item.incident_id)
        incident = snap.incident
        statement = await self.service.statement(incident.id, item.payload["version"])
        lang = incident.language
        next_steps = brief.next_steps_line(
            statement,
            snap.verdict.data if snap.verdict else None,
            self.settings.pr_leads,
            lang,
            self.tz,
        )
        await self.post_once(
            item,
            incident,
            f"published:{statement.version}",
            self.render.published(incident, statement, lang, self.tz, next_steps),
            self.render.published_text(statement, lang, self.tz),
        )
