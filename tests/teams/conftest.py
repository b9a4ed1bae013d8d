"""A Teams harness: the SDK-validated endpoint behind FastAPI, signed activities in, fakes out."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from app.main import create_app
from app.runtime import Runtime, build_runtime
from app.settings import Settings
from tests.conftest import make_settings
from tests.fakes.teams_activities import Activities, User
from tests.fakes.teams_services import Activity, FakeTeams

APP_ID = "5f3c1e2a-0b7d-4c55-9a0e-1d2c3b4a5f60"
TENANT = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
REPORTER = User("0e3c6a4e-1111-4a1a-9d1d-000000000001", "Rei Reporter")
RESPONDER = User("0e3c6a4e-2222-4a1a-9d1d-000000000002", "Riku Responder")
LEAD1 = User("0e3c6a4e-3333-4a1a-9d1d-000000000003", "Lena Lead")
LEAD2 = User("0e3c6a4e-4444-4a1a-9d1d-000000000004", "Leo Lead")
GENERAL = "19:general0000000000000000000000@thread.tacv2"


@pytest.fixture
def fake_teams() -> Iterator[FakeTeams]:
    with FakeTeams(tenant=TENANT) as fake:
        fake.catalog.append({"id": "catalog-leakdesk", "externalId": APP_ID})
        fake.people.update({u.aad: u.name for u in (REPORTER, RESPONDER, LEAD1, LEAD2)})
        yield fake


def teams_settings(database_url: str, fake: FakeTeams, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "teams_app_id": APP_ID,
        "teams_app_password": "test-app-password",
        "teams_tenant_id": TENANT,
        "teams_team_id": fake.team,
        "graph_api_url": fake.graph_url,
        "teams_openid_metadata_url": fake.openid_url,
        "teams_login_url": fake.login_url,
        "pr_leads": [LEAD1.aad, LEAD2.aad],
        "responders": [RESPONDER.aad],
        "language": "en",
    }
    values.update(overrides)
    return make_settings(database_url, **values)


@dataclass
class Teams:
    """Drives leakdesk as Teams and its users would."""

    fake: FakeTeams
    activities: Activities
    http: httpx.AsyncClient
    runtime: Runtime

    async def send(
        self, activity: dict[str, Any], *, token: str | None | bool = True
    ) -> httpx.Response:
        headers = {}
        if token is True:
            token = self.fake.token(APP_ID, service_url=activity["serviceUrl"])
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return await self.http.post("/api/messages", json=activity, headers=headers)

    async def say(
        self, text: str, *, user: User = REPORTER, conversation: str | None = None
    ) -> httpx.Response:
        response = await self.send(self.activities.message(text, user, conversation))
        assert response.status_code == 200, response.text
        return response

    async def work(self) -> int:
        return await self.runtime.queue.drain()

    def room(self) -> str:
        rooms = [c["id"] for c in self.fake.channels] + [c["id"] for c in self.fake.chats]
        assert rooms, "no incident room was created"
        return rooms[-1]

    async def incident_id(self) -> int:
        incident = await self.runtime.service.find_by_channel(self.room())
        assert incident is not None
        return incident.id

    async def refs(self) -> list[str]:
        rows = await self.runtime.service.message_refs(await self.incident_id(), "")
        return [r.ref for r in rows if r.ts is not None]

    async def posted(self, ref: str) -> Activity:
        row = await self.runtime.service.message_ref(await self.incident_id(), ref)
        assert row is not None and row.ts, f"no message for {ref}; refs: {await self.refs()}"
        found = [a for a in self.fake.activities if a.id == row.ts]
        assert found, f"{ref} was recorded but the fake never received it"
        return found[0]

    async def card(self, ref: str) -> dict[str, Any]:
        return card_of((await self.posted(ref)).body)

    def card_with(self, conversation: str, verb: str) -> dict[str, Any]:
        """The data of the `verb` action on the latest card in a conversation that has one."""
        for activity in reversed(self.fake.replies(conversation)):
            for attachment in activity.body.get("attachments", []):
                if any(a.get("verb") == verb for a in actions(attachment["content"])):
                    # Teams merges the card's inputs (as they stand) into the action's data.
                    content = attachment["content"]
                    return {**input_values(content), **action_data(content, verb)}
        raise AssertionError(f"no card with {verb} in {conversation}")

    def replies_to(self, user: User) -> list[str]:
        """Texts the bot sent to this user's personal chat."""
        return [
            a.body.get("summary", "") for a in self.fake.replies(self.activities.personal(user))
        ]

    async def fill_in_blanks(self, user: Any) -> None:
        """A PR lead fills in the draft's placeholders (the card period) with the Edit action."""
        from tests.slack.conftest import BLANK, FILLED

        statement = await self.runtime.service.latest_statement(await self.incident_id())
        assert statement is not None
        inputs = {f"text_{lang}": BLANK.sub(FILLED[lang], statement.texts[lang]) for lang in FILLED}
        await self.press("statement", "statement_edit", user=user, inputs=inputs)
        await self.work()

    async def press(
        self, ref: str, verb: str, *, user: User, inputs: dict[str, Any] | None = None
    ) -> httpx.Response:
        """Presses the card action `verb` on the message `ref`, with the card's inputs filled in."""
        posted = await self.posted(ref)
        data = dict(action_data(card_of(posted.body), verb))
        data.update(inputs or {})
        conversation = posted.conversation
        return await self.send(self.activities.execute(verb, data, user, conversation))

    async def answer(self, field: str, value: Any, *, user: User = RESPONDER) -> httpx.Response:
        """Answers a question the way a person does, on the one triage card, which must ask it:
        a button, or the card's input and Send."""
        card = await self.card("triage")
        posted = await self.posted("triage")
        asked = {a["data"].get("f") for a in actions(card) if a.get("verb") == "answer"}
        if asked != {field}:  # an earlier answer: "Change answers", pick it, answer again
            again = {**action_data(card, "ask_again"), "field": field}
            reply = await self.send(
                self.activities.execute("ask_again", again, user, posted.conversation)
            )
            card = reply.json()["value"]
            asked = {a["data"].get("f") for a in actions(card) if a.get("verb") == "answer"}
        assert asked == {field}, (field, asked)
        if value is None:  # the question's "Unknown" (or its own "unknown" choice)
            unknown = [a for a in actions(card) if a.get("verb") == "answer_unknown"]
            unknown = unknown or [a for a in actions(card) if a["data"].get("v") == "unknown"]
            verb, data = unknown[0]["verb"], unknown[0]["data"]
            activity = self.activities.execute(verb, data, user, posted.conversation)
            response = await self.send(activity)
            assert response.status_code == 200, response.text
            return response
        buttons = [a for a in actions(card) if a.get("verb") == "answer" and "v" in a["data"]]
        for button in buttons:
            if button["data"]["v"] == value:
                activity = self.activities.execute(
                    "answer", button["data"], user, posted.conversation
                )
                break
        else:
            (send,) = [
                a for a in actions(card) if a.get("verb") == "answer" and "v" not in a["data"]
            ]
            activity = self.activities.execute(
                "answer", {**send["data"], **self.typed(value)}, user, posted.conversation
            )
        response = await self.send(activity)
        assert response.status_code == 200, response.text
        return response

    def typed(self, value: Any) -> dict[str, Any]:
        """What a person types into the card's inputs for `value`: Input.Date + Input.Time for a
        time (in the configured zone), the two Input.Date of a period, else the one input."""
        if isinstance(value, datetime):
            local = value.astimezone(ZoneInfo(self.runtime.settings.timezone))
            return {"date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}"}
        if isinstance(value, dict):
            return {end: value[end] for end in ("from", "to") if value.get(end)}
        return {"value": ",".join(value) if isinstance(value, list) else str(value)}


_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def shown_ids(node: Any) -> list[str]:
    """Azure AD object ids a message shows its readers: its texts, not the ids it carries for
    Teams (mention entities) or for the bot (an action's `data`)."""
    if isinstance(node, str):
        return _GUID.findall(node)
    if isinstance(node, list):
        return [i for v in node for i in shown_ids(v)]
    if isinstance(node, dict):
        return [i for k, v in node.items() if k not in ("msteams", "data") for i in shown_ids(v)]
    return []


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def actions(node: Any) -> list[dict[str, Any]]:
    """Every Action.Execute in a card, nested show-cards included."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            found.append(node)
        for value in node.values():
            found.extend(actions(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(actions(value))
    return found


def input_values(node: Any) -> dict[str, Any]:
    """The values a card's own inputs hold (not those of a card shown by an action)."""
    found: dict[str, Any] = {}
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Input.") and "id" in node:
            found[node["id"]] = node.get("value", "")
        for key, value in node.items():
            if key not in ("actions", "card"):
                found.update(input_values(value))
    elif isinstance(node, list):
        for value in node:
            found.update(input_values(value))
    return found


def action_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    matches = [a for a in actions(card) if a.get("verb") == verb]
    assert matches, f"no {verb} action on the card"
    return matches[0].get("data") or {}


@pytest.fixture
async def teams(database_url: str, fake_teams: FakeTeams) -> AsyncIterator[Teams]:
    async with driven_teams(database_url, fake_teams) as teams:
        yield teams


@contextlib.asynccontextmanager
async def driven_teams(
    database_url: str, fake_teams: FakeTeams, **overrides: Any
) -> AsyncIterator[Teams]:
    """leakdesk with these settings, driven as Teams and its users would."""
    settings = teams_settings(database_url, fake_teams, **overrides)
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://leakdesk.test") as http:
        yield Teams(
            fake_teams,
            Activities(fake_teams.service_url, TENANT, fake_teams.team),
            http,
            runtime,
        )
    await runtime.close()
