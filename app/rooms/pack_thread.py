"""The notice series and the pack in the verdict's thread: after a report was approved, the offer
of the next one when facts change (the verdict's own change note offers it when the verdict
changes); before, what changed since a draft the facts do not rewrite was written; and the
pack — the pieces drafted from the approved report — as one message beside the notice, edited
in place as each piece is edited and approved."""

from __future__ import annotations

from app.i18n import t
from app.incidents.service import Snapshot
from app.models import Incident, utcnow
from app.rooms.pack import pack_text, pack_view
from app.rooms.verdicts import VerdictThread
from app.work.queue import Claimed, waiting_on

PACK = "pack"  # the pack's one message


class PackThread(VerdictThread):
    """The room's handlers for the series' next report and the pack."""

    async def offer_next_report(self, item: Claimed, incident: Incident, snap: Snapshot) -> None:
        """After a report was approved, facts that change what it said (and not the verdict,
        whose change note offers it) are listed in the verdict's thread with the offer to draft
        the next report — one message per report, edited as more facts change."""
        lang = incident.language
        offer = await self.service.next_report(snap, lang)
        if offer is None:
            return
        title = t(
            "statement.next_report.title", lang, series=offer.series, previous=offer.series - 1
        )
        lines = [title, *(f"• {point}" for point in offer.points)]
        message = self.render.change_note(
            incident, lines, lang, redraft=True, next_report=offer.series
        )
        thread = await self._verdict_thread(incident.id)
        ref = f"next_report:{offer.series}"
        await self._show(item, incident, ref, message, "\n".join(lines), thread=thread)

    async def note_overtaken(self, item: Claimed, incident: Incident, snap: Snapshot) -> None:
        """A draft the facts do not rewrite (a PR lead's edit or redraft, or one with approvals
        already) whose words later answers would change: what changed is listed in the
        verdict's thread with the redraft offer — one message per version, edited as more
        facts change — so nobody approves an edit the facts have overtaken unawares."""
        lang = incident.language
        points = self.service.edit_overtaken(snap, lang)
        if not points or snap.statement is None:
            return
        version = snap.statement.version
        lines = [t("statement.overtaken.title", lang, version=version)]
        lines += [f"• {point}" for point in points]
        message = self.render.change_note(incident, lines, lang, redraft=True, overtaken=True)
        thread = await self._verdict_thread(incident.id)
        ref = f"overtaken:{version}"
        await self._show(item, incident, ref, message, "\n".join(lines), thread=thread)

    async def pack_message(
        self, incident_id: int, lang: str | None = None, *, actions: bool = True
    ) -> object | None:
        """The pack's message as it should look now, in `lang` (the room's by default); None
        before the first piece."""
        snap = await self.service.snapshot(incident_id)
        incident = snap.incident
        view = pack_view(incident, snap.pieces, self.service, lang or incident.language)
        if view is None:
            return None
        return self.render.pack(incident, view, actions=actions)

    async def sync_pack(self, item: Claimed, snap: Snapshot) -> None:
        """The pieces drafted from the approved notice live in one message beside it, in the
        verdict's thread; the verdict's statement line counts them."""
        incident = snap.incident
        view = pack_view(incident, snap.pieces, self.service, incident.language)
        if view is None:
            return
        thread = await self._verdict_thread(incident.id)
        if thread is None:
            raise waiting_on(item, "verdict not posted yet", now=utcnow())
        message = self.render.pack(incident, view)
        await self._show(item, incident, PACK, message, pack_text(view), thread=thread)
        await self.sync_verdict(item, incident, snap)

    async def sync_statement(self, item: Claimed) -> None:
        """A piece of the pack is shown in the pack's message; the notice as before."""
        if item.payload.get("kind", "notice") == "notice":
            await super().sync_statement(item)
            return
        assert item.incident_id is not None
        await self.sync_pack(item, await self.service.snapshot(item.incident_id))
