"""Microsoft's HTTP APIs as leakdesk uses them: app-only tokens, Graph rooms, Bot Connector posts."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from app.i18n import t
from app.settings import Settings
from app.tally import ApiErrors, operation
from app.teams.people import GUID, People, named, people_in
from app.work.queue import Permanent, Retry

BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


class Refused(Exception):  # noqa: N818 - Microsoft's answer, not our error
    """A 4xx answer that is not about rate limits: `status` and Microsoft's error code."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code = status, code


def failure(response: httpx.Response) -> Exception:
    """Maps an answer to the queue's vocabulary: wait and retry, give up, or let the caller decide."""
    if response.status_code == 429 or response.status_code >= 500:
        after = response.headers.get("Retry-After")
        return Retry(
            f"microsoft answered {response.status_code}",
            after=float(after) if after and after.isdigit() else None,
        )
    try:
        code = str((response.json().get("error") or {}).get("code", ""))
    except (ValueError, AttributeError):
        code = ""
    return Refused(response.status_code, code)


@dataclass
class _Token:
    value: str
    expires: float


class Microsoft:
    """One httpx client for Graph, the Bot Connector and the tenant's token endpoint."""

    def __init__(
        self,
        settings: Settings,
        client: httpx.AsyncClient | None = None,
        errors: ApiErrors | None = None,
    ) -> None:
        self.errors = errors or ApiErrors()
        self.settings = settings
        self.http = client or httpx.AsyncClient(timeout=10)
        self._owns_http = client is None
        self._tokens: dict[str, _Token] = {}
        self._catalog: dict[str, str] = {}  # the manifest's id → Graph's id in the catalog
        self._in_team: set[tuple[str, str]] = set()  # (team, app) installed (or found so)
        self._lock = asyncio.Lock()
        self.people = People()

    async def close(self) -> None:
        """Closes the HTTP client this object opened (one handed in belongs to the caller)."""
        if self._owns_http:
            await self.http.aclose()

    async def token(self, scope: str) -> str:
        """An app-only token for `scope`, cached until a minute before it expires."""
        async with self._lock:
            cached = self._tokens.get(scope)
            if cached and cached.expires > time.monotonic() + 60:
                return cached.value
            settings = self.settings
            assert settings.teams_app_id and settings.teams_app_password
            tenant = settings.teams_tenant_id or "botframework.com"
            response = await self.http.post(
                f"{settings.teams_login_url.rstrip('/')}/{tenant}/oauth2/v2.0/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": settings.teams_app_id,
                    "client_secret": settings.teams_app_password.get_secret_value(),
                    "scope": scope,
                },
            )
            if response.status_code != 200:
                error = failure(response)
                if isinstance(error, Refused):
                    raise Permanent(f"the token endpoint refused our credentials: {error}")
                raise error
            data = response.json()
            self._tokens[scope] = _Token(
                data["access_token"], time.monotonic() + float(data.get("expires_in", 3600))
            )
            return data["access_token"]

    async def _call(
        self, method: str, url: str, scope: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {await self.token(scope)}"}
        response = await self.http.request(method, url, json=body, headers=headers)
        if response.status_code >= 400:
            exc = failure(response)
            code = exc.code if isinstance(exc, Refused) and exc.code else None
            path = urlsplit(url).path
            self.errors.record(
                "teams", operation(method, path), code or f"http_{response.status_code}"
            )
            raise exc
        return response.json() if response.content else {}

    # ----- Graph ---------------------------------------------------------------------------------

    def _graph(self, path: str) -> str:
        return f"{self.settings.graph_api_url.rstrip('/')}/{path.lstrip('/')}"

    def _graph_beta(self, path: str) -> str:
        """The same path on Graph's beta endpoint (GRAPH_API_URL ends in its version, v1.0)."""
        base = self.settings.graph_api_url.rstrip("/").rsplit("/", 1)[0]
        return f"{base}/beta/{path.lstrip('/')}"

    def _members(self, users: list[str], owner: str | None) -> list[dict[str, Any]]:
        return [
            {
                "@odata.type": "#microsoft.graph.aadUserConversationMember",
                "user@odata.bind": f"https://graph.microsoft.com/v1.0/users('{user}')",
                "roles": ["owner"] if user == owner else [],
            }
            for user in users
        ]

    async def find_channel(self, team: str, name: str) -> str | None:
        escaped = name.replace("'", "''")
        url = self._graph(f"teams/{team}/channels?$filter=displayName eq '{quote(escaped)}'")
        found = await self._call("GET", url, GRAPH_SCOPE)
        for channel in found.get("value", []):
            if channel.get("displayName") == name:
                return str(channel["id"])
        return None

    async def create_private_channel(
        self, team: str, name: str, description: str, users: list[str], owner: str
    ) -> str:
        """A private channel whose members are `users`; app-only calls must name an owner."""
        body = {
            "displayName": name,
            "description": description[:1024],
            "membershipType": "private",
            "members": self._members(users, owner),
        }
        url = self._graph(f"teams/{team}/channels")
        return str((await self._call("POST", url, GRAPH_SCOPE, body))["id"])

    async def create_group_chat(self, topic: str, users: list[str]) -> str:
        body = {
            "chatType": "group",
            "topic": topic,
            # Every member of a group chat made by an app is one of its owners.
            "members": [{**m, "roles": ["owner"]} for m in self._members(users, None)],
        }
        return str((await self._call("POST", self._graph("chats"), GRAPH_SCOPE, body))["id"])

    def _members_path(self, team: str | None, room: str) -> str:
        """A private channel's members (in `team`), or a group chat's."""
        if team and room.endswith("@thread.tacv2"):
            return f"teams/{team}/channels/{quote(room, safe='')}/members"
        return f"chats/{quote(room, safe='')}/members"

    async def room_members(self, team: str | None, room: str) -> set[str]:
        """The Azure AD object ids of a room's members, every page."""
        url: str | None = self._graph(self._members_path(team, room))
        found: set[str] = set()
        while url:
            page = await self._call("GET", url, GRAPH_SCOPE)
            found.update(str(m["userId"]) for m in page.get("value", []) if m.get("userId"))
            url = page.get("@odata.nextLink")
        return found

    async def add_member(self, team: str | None, room: str, user: str) -> None:
        """Adds one person to a private channel of `team`, or to a group chat."""
        where = self._members_path(team, room)
        try:
            await self._call(
                "POST", self._graph(where), GRAPH_SCOPE, self._members([user], None)[0]
            )
        except Refused as exc:
            if exc.status != 409:  # 409: already a member
                raise

    async def member_groups(self, user: str, groups: list[str]) -> list[str]:
        """Which of `groups` the user is in (transitively); ids that are not groups never match."""
        found: list[str] = []
        for start in range(0, len(groups), 20):  # Graph takes at most 20 ids per call
            answer = await self._call(
                "POST",
                self._graph(f"users/{quote(user)}/checkMemberGroups"),
                GRAPH_SCOPE,
                {"groupIds": groups[start : start + 20]},
            )
            found.extend(str(g) for g in answer.get("value", []))
        return found

    def _configured(self, aad: str) -> bool:
        """Whether an id is in the settings' lists of people, where a group may stand."""
        s = self.settings
        return aad in {*s.pr_leads, *s.responders, *s.admins, *s.security_responders}

    async def group_name(self, group: str) -> str | None:
        """An Azure AD group's display name (Graph "Get group", GroupMember.Read.All, as
        `member_groups`); None for an id that is no group, or one Graph will not show."""
        url = self._graph(f"groups/{quote(group)}?$select=displayName")
        try:
            found = await self._call("GET", url, GRAPH_SCOPE)
        except Refused:
            return None
        return found.get("displayName")

    async def catalog_id(self, external_id: str) -> str:
        """Graph's id for our app in the org's catalog (which knows it by the manifest's id);
        looked up once per process, not once per room."""
        if (known := self._catalog.get(external_id)) is not None:
            return known
        query = f"appCatalogs/teamsApps?$filter=externalId eq '{quote(external_id)}'"
        found = (await self._call("GET", self._graph(query), GRAPH_SCOPE)).get("value", [])
        if not found:
            raise Refused(404, "AppNotInCatalog")
        self._catalog[external_id] = str(found[0]["id"])
        return self._catalog[external_id]

    async def _install(self, where: str, app: str) -> None:
        """Installs our app in a team or chat (`where`: its installedApps path); a retry's 409
        (already installed) is success."""
        bind = f"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{app}"
        try:
            await self._call("POST", self._graph(where), GRAPH_SCOPE, {"teamsApp@odata.bind": bind})
        except Refused as exc:
            if exc.status != 409:
                raise

    async def install_in_chat(self, chat: str, external_id: str) -> None:
        """Adds our app (so the bot) to a chat."""
        app = await self.catalog_id(external_id)
        await self._install(f"chats/{quote(chat, safe='')}/installedApps", app)

    async def add_to_private_channel(self, team: str, channel: str, external_id: str) -> None:
        """Makes the bot able to post in a private channel, as Microsoft documents for apps in
        private channels: the app is installed in the host team, then added to the channel
        (an app in the team is not in its private channels). Adding it to a channel is
        `POST /teams/{team}/channels/{channel}/enabledApps/$ref`, which Graph v1.0 allows for
        shared channels only and beta for private ones, so that call goes to beta. The team's
        installation is done once per process; if the channel then refuses the app (someone
        removed it from the team), it is installed again and the channel asked once more."""
        app = await self.catalog_id(external_id)
        cached = (team, app) in self._in_team
        if not cached:
            await self._install(f"teams/{quote(team, safe='')}/installedApps", app)
            self._in_team.add((team, app))
        try:
            await self._enable_in_channel(team, channel, app)
        except Refused as exc:
            if not cached or exc.status not in (400, 404):
                raise
            self._in_team.discard((team, app))
            await self._install(f"teams/{quote(team, safe='')}/installedApps", app)
            self._in_team.add((team, app))
            await self._enable_in_channel(team, channel, app)

    async def _enable_in_channel(self, team: str, channel: str, app: str) -> None:
        path = f"teams/{quote(team, safe='')}/channels/{quote(channel, safe='')}/enabledApps/$ref"
        body = {"@odata.id": f"https://graph.microsoft.com/beta/appCatalogs/teamsApps/{app}"}
        try:
            await self._call("POST", self._graph_beta(path), GRAPH_SCOPE, body)
        except Refused as exc:
            if exc.status != 409:  # already enabled (a retry)
                raise

    async def archive_channel(self, team: str, channel: str) -> None:
        """Graph v1.0 `channel: archive` (ChannelSettings.ReadWrite.All): 202, done soon after;
        members keep reading it, nobody can post. A channel without an owner cannot be archived."""
        path = f"teams/{quote(team, safe='')}/channels/{quote(channel, safe='')}/archive"
        await self._call("POST", self._graph(path), GRAPH_SCOPE, {})

    async def delete_channel(self, team: str, channel: str) -> None:
        path = f"teams/{quote(team, safe='')}/channels/{quote(channel, safe='')}"
        await self._call("DELETE", self._graph(path), GRAPH_SCOPE)

    # ----- Bot Connector -------------------------------------------------------------------------

    def _conversation(self, service_url: str, conversation: str) -> str:
        return f"{service_url.rstrip('/')}/v3/conversations/{quote(conversation, safe='')}"

    async def send(
        self,
        service_url: str,
        conversation: str,
        activity: dict[str, Any],
        reply_to: str | None = None,
    ) -> str:
        activity = await self.named(service_url, conversation, activity)
        url = self._conversation(service_url, conversation) + "/activities"
        if reply_to:
            url += f"/{quote(reply_to, safe='')}"
        return str((await self._call("POST", url, BOT_SCOPE, activity)).get("id", ""))

    async def member(self, service_url: str, conversation: str, member: str) -> dict[str, Any]:
        """One member of a conversation as Teams knows them (`aadObjectId` included): what a
        mention's `29:` id is in Azure AD (Bot Framework REST API, "Get conversation member":
        GET /v3/conversations/{conversationId}/members/{memberId}; 404 for a non-member)."""
        url = f"{self._conversation(service_url, conversation)}/members/{quote(member, safe='')}"
        found = await self._call("GET", url, BOT_SCOPE)
        self.people.learn_account(found)
        return found

    async def named(
        self, service_url: str, conversation: str, payload: Any, *, look_up: bool = True
    ) -> Any:
        """What the bot sends, with people named (app.teams.people): every message and edit
        passes here. Someone not known yet is read as a member of this conversation by Azure AD
        object id (Teams docs, "Get single member details": the member id may be the Teams user
        id, the UPN or the Microsoft Entra object id); `look_up=False` names only who is known."""
        ids = people_in(payload)
        if not ids:
            return payload
        room = conversation.split(";")[0]

        async def lookup(aad: str) -> dict[str, Any]:
            try:
                return await self.member(service_url, room, aad)
            except Refused:  # no member of the room: a configured group (PR leads may be one)?
                if not self._configured(aad) or (name := await self.group_name(aad)) is None:
                    raise
                self.people.learn_group(aad, name)
                return {}

        found = await self.people.find(ids, lookup if look_up else None)
        locale = payload.get("locale") if isinstance(payload, dict) else None
        lang = str(locale).split("-")[0] if locale else self.settings.language
        return named(payload, found, t("teams.someone", lang))

    async def update(
        self, service_url: str, conversation: str, activity_id: str, activity: dict[str, Any]
    ) -> None:
        activity = await self.named(service_url, conversation, activity)
        url = f"{self._conversation(service_url, conversation)}/activities/{quote(activity_id)}"
        await self._call("PUT", url, BOT_SCOPE, {**activity, "id": activity_id})


def aad_ids(ids: set[str]) -> list[str]:
    """The configured people who are Azure AD users (object ids); Slack ids are skipped."""
    return sorted(i for i in ids if GUID.match(i))
