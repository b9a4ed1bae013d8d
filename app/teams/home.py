"""App Home's counterpart in Teams: `leak mine` in a personal chat lists the open incidents whose
room the person is in (Teams has no home tab a bot can publish; a card in the chat it is)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.i18n import t
from app.incidents.deadlines import next_deadline
from app.incidents.service import IncidentService
from app.settings import Settings
from app.teams import cards
from app.teams.effects import message
from app.teams.graph import Microsoft
from app.work.queue import Claimed, WorkQueue

KIND = "teams.my_incidents"
Handler = Callable[[Claimed], Awaitable[None]]


class TeamsHome:
    def __init__(self, service: IncidentService, settings: Settings, microsoft: Microsoft) -> None:
        self.service, self.settings, self.microsoft = service, settings, microsoft

    def register(
        self, queue: WorkQueue, guard: Callable[[Handler], Handler] = lambda handler: handler
    ) -> None:
        queue.register(KIND, guard(self.my_incidents))

    async def my_incidents(self, item: Claimed) -> None:
        """Rooms are read from Graph at the moment of asking, as Slack's App Home reads
        `users.conversations`: someone removed from a room no longer sees its incident."""
        user, lang = item.payload["user"], self.settings.language
        rows = []
        for incident, verdict in await self.service.open_incidents():
            if incident.platform != "teams" or incident.channel_id is None:
                continue
            team = self.settings.teams_team_id
            if user not in await self.microsoft.room_members(team, incident.channel_id):
                continue
            clock = next_deadline(incident, verdict.data if verdict else None)
            rows.append((incident, clock.due if clock else None))
        card = cards.my_incidents_card(rows, lang, self.settings.timezone)
        summary = t("home.title", lang)
        await self.microsoft.send(
            item.payload["service_url"], item.payload["conversation"], message(card, summary)
        )
