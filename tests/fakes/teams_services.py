"""Fake Microsoft services on 127.0.0.1: Bot Connector, Graph, the token endpoint and the Bot
Framework OpenID metadata + JWKS (a locally minted RS256 key). One threaded HTTP server, because
the Teams SDK fetches signing keys with a blocking call. Every call is recorded; any path can be
made to fail (429 with Retry-After, 403, 500)."""

from __future__ import annotations

import functools
import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KEY_ID = "leakdesk-test-key"


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


@dataclass
class Failure:
    method: str
    pattern: str
    status: int
    times: int
    retry_after: int | None = None
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class Activity:
    conversation: str
    id: str
    body: dict[str, Any]
    reply_to: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    at: float = field(default_factory=time.time)  # when it was accepted


@functools.cache
def signing_key() -> rsa.RSAPrivateKey:
    """The key Microsoft's fake signs its tokens with: one for the run, as one key a day is for
    Microsoft's bots (a 2,048-bit key took 0.1-0.2 s to make for each test)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeTeams:
    """The Microsoft side of a Teams bot, as seen from leakdesk."""

    def __init__(self, *, tenant: str = "tenant-1", team: str = "team-incidents") -> None:
        self.tenant, self.team = tenant, team
        self.key = signing_key()
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.channels: list[dict[str, Any]] = []
        self.chats: list[dict[str, Any]] = []
        self.activities: list[Activity] = []
        self.private_channels_refused = False
        # The tenant does not let apps into private channels (or the permission is missing).
        self.channel_apps_refused = False
        self.team_apps: list[str] = []  # catalog ids of the apps installed in the team
        self.groups: dict[str, set[str]] = {}  # user → the Azure AD groups they are in
        self.group_names: dict[str, str] = {}  # the tenant's groups: object id → display name
        self.people: dict[str, str] = {}  # the tenant's users: Azure AD object id → display name
        self.keys_delay = 0.0  # seconds the JWKS takes to answer
        # Seconds every Graph, Bot Connector and token call takes (bench/first_question.py
        # simulates Microsoft's latency with it); calls wait side by side, as Microsoft's do.
        self.latency = 0.0
        # The org's app catalog: Graph's id for our app, and the manifest id it was uploaded with.
        self.catalog: list[dict[str, Any]] = []
        self._ids = itertools.count(1_700_000_000_001)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ----- lifecycle and addresses -------------------------------------------------------------

    def __enter__(self) -> FakeTeams:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def service_url(self) -> str:
        return f"{self.url}/connector/"

    @property
    def graph_url(self) -> str:
        return f"{self.url}/graph/v1.0/"

    @property
    def openid_url(self) -> str:
        return f"{self.url}/botframework/v1/.well-known/openidconfiguration"

    @property
    def login_url(self) -> str:
        return f"{self.url}/login"

    # ----- tokens ------------------------------------------------------------------------------

    def token(
        self,
        audience: str,
        *,
        service_url: str | None = None,
        expires_in: int = 3600,
        issuer: str = ISSUER,
        key: rsa.RSAPrivateKey | None = None,
    ) -> str:
        """A Bot Framework connector token, signed as Microsoft signs them (RS256, kid)."""
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "iat": now - 10,
            "nbf": now - 10,
            "exp": now + expires_in,
            "serviceurl": service_url or self.service_url,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    # ----- failure injection and reading back --------------------------------------------------

    def fail(
        self,
        pattern: str,
        status: int,
        *,
        method: str = "POST",
        times: int = 1,
        retry_after: int | None = None,
        code: str = "Forbidden",
    ) -> None:
        body = {"error": {"code": code, "message": f"fake {status}"}}
        self.failures.append(Failure(method, pattern, status, times, retry_after, body))

    def calls_to(self, pattern: str, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if re.search(pattern, c.path) and method in (None, c.method)]

    def messages(self, conversation: str) -> list[Activity]:
        """Activities the bot posted in a room (its channel or chat, threads included)."""
        return [a for a in self.activities if a.conversation.split(";")[0] == conversation]

    def replies(self, conversation: str) -> list[Activity]:
        return [a for a in self.activities if a.conversation == conversation]

    # ----- request handling --------------------------------------------------------------------

    def _failure(self, method: str, path: str) -> Failure | None:
        with self._lock:
            for failure in self.failures:
                if failure.method == method and re.search(failure.pattern, path):
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                    return failure
        return None

    def handle(self, call: Call) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        with self._lock:
            self.calls.append(call)
        if self.latency and not call.path.startswith("/botframework/"):
            time.sleep(self.latency)
        if failure := self._failure(call.method, call.path):
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return failure.status, failure.body, headers
        path = call.path
        if path.endswith("/.well-known/openidconfiguration"):
            return 200, self._openid(), {}
        if path.endswith("/.well-known/keys"):
            time.sleep(self.keys_delay)
            return 200, self.jwks(), {}
        if path.startswith("/login/"):
            return self._login(call)
        if path.startswith("/graph/v1.0/"):
            return self._graph(call, path.removeprefix("/graph/v1.0"))
        if path.startswith("/graph/beta/"):
            return self._graph(call, path.removeprefix("/graph/beta"), beta=True)
        if path.startswith("/connector/v3/conversations/"):
            return self._connector(call, path.removeprefix("/connector/v3/conversations/"))
        return 404, {"error": {"code": "NotFound", "message": path}}, {}

    def _openid(self) -> dict[str, Any]:
        base = self.openid_url.rsplit("/", 1)[0]
        return {
            "issuer": ISSUER,
            "authorization_endpoint": f"{self.url}/login/authorize",
            "jwks_uri": f"{base}/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def _login(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        form = call.body if isinstance(call.body, dict) else {}
        if form.get("grant_type") != "client_credentials" or not form.get("client_secret"):
            return 400, {"error": "invalid_request"}, {}
        scope = str(form.get("scope", ""))
        token = f"fake-{'graph' if 'graph' in scope else 'bot'}-{uuid.uuid4().hex[:8]}"
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}, {}

    def _authorised(self, call: Call, kind: str) -> bool:
        return call.headers.get("authorization", "").startswith(f"Bearer fake-{kind}-")

    def _graph(
        self, call: Call, path: str, *, beta: bool = False
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        if not self._authorised(call, "graph"):
            return 401, {"error": {"code": "InvalidAuthenticationToken", "message": ""}}, {}
        body = call.body if isinstance(call.body, dict) else {}
        if m := re.fullmatch(r"/teams/([^/]+)/channels/([^/]+)/enabledApps/\$ref", path):
            return self._enable_app(unquote(m.group(2)), body, beta)
        if beta:
            return 404, {"error": {"code": "NotFound", "message": f"beta{path}"}}, {}
        if m := re.fullmatch(r"/teams/([^/]+)/installedApps", path):
            app = str(body.get("teamsApp@odata.bind", "")).rsplit("/", 1)[-1]
            if m.group(1) != self.team or app not in {a["id"] for a in self.catalog}:
                return 404, {"error": {"code": "NotFound", "message": "team or app"}}, {}
            if app in self.team_apps:
                return 409, {"error": {"code": "Conflict", "message": "installed"}}, {}
            self.team_apps.append(app)
            return 201, None, {}
        if m := re.fullmatch(r"/teams/([^/]+)/channels/([^/]+)/archive", path):
            return self._archive(m.group(1), unquote(m.group(2)))
        if (
            m := re.fullmatch(r"/teams/([^/]+)/channels/([^/]+)", path)
        ) and call.method == "DELETE":
            self.channels = [c for c in self.channels if c["id"] != unquote(m.group(2))]
            return 204, None, {}
        if m := re.fullmatch(r"/teams/([^/]+)/channels", path):
            if m.group(1) != self.team:
                return 404, {"error": {"code": "NotFound", "message": "team"}}, {}
            if call.method == "GET":
                wanted = _display_name_filter(call.query)
                found = [c for c in self.channels if wanted in (None, c["displayName"])]
                return 200, {"value": found}, {}
            if self.private_channels_refused and body.get("membershipType") == "private":
                return 403, {"error": {"code": "Forbidden", "message": "private channels"}}, {}
            if any(c["displayName"] == body.get("displayName") for c in self.channels):
                return 400, {"error": {"code": "NameAlreadyExists", "message": ""}}, {}
            channel = {
                "id": f"19:{uuid.uuid4().hex}@thread.tacv2",
                "displayName": body.get("displayName"),
                "membershipType": body.get("membershipType", "standard"),
                "members": [_member_id(m) for m in body.get("members", [])],
                "owners": [
                    _member_id(m) for m in body.get("members", []) if "owner" in m.get("roles", [])
                ],
                "apps": [],
            }
            self.channels.append(channel)
            return 201, channel, {}
        if m := re.fullmatch(r"/(?:teams/[^/]+/channels|chats)/([^/]+)/members", path):
            room = next(
                (r for r in [*self.channels, *self.chats] if r["id"] == unquote(m.group(1))), None
            )
            if room is None:
                return 404, {"error": {"code": "NotFound", "message": "room"}}, {}
            if call.method == "GET":  # one page of conversationMember objects
                members = [
                    {"@odata.type": "#microsoft.graph.aadUserConversationMember", "userId": m}
                    for m in room["members"]
                ]
                return 200, {"value": members}, {}
            user = _member_id(body)
            if user in room["members"]:
                return 409, {"error": {"code": "Conflict", "message": "member"}}, {}
            room["members"].append(user)
            return 201, {"id": f"member-{user}"}, {}
        if (m := re.fullmatch(r"/groups/([^/]+)", path)) and call.method == "GET":
            return self._group(unquote(m.group(1)), call.query)
        if m := re.fullmatch(r"/users/([^/]+)/checkMemberGroups", path):
            mine = self.groups.get(unquote(m.group(1)), set())
            return 200, {"value": [g for g in body.get("groupIds", []) if g in mine]}, {}
        if path == "/appCatalogs/teamsApps" and call.method == "GET":
            wanted = re.fullmatch(r"externalId eq '(.*)'", (call.query.get("$filter") or [""])[0])
            apps = [a for a in self.catalog if wanted and a["externalId"] == wanted.group(1)]
            return 200, {"value": apps}, {}
        if m := re.fullmatch(r"/chats/([^/]+)/installedApps", path):
            chat = next((c for c in self.chats if c["id"] == unquote(m.group(1))), None)
            if chat is None:
                return 404, {"error": {"code": "NotFound", "message": "chat"}}, {}
            app = str(body.get("teamsApp@odata.bind", "")).rsplit("/", 1)[-1]
            if app in chat["apps"]:
                return 409, {"error": {"code": "Conflict", "message": "installed"}}, {}
            chat["apps"].append(app)
            return 201, None, {}
        if path == "/chats" and call.method == "POST":
            chat = {
                "id": f"19:{uuid.uuid4().hex}@thread.v2",
                "topic": body.get("topic"),
                "chatType": body.get("chatType"),
                "members": [_member_id(m) for m in body.get("members", [])],
                "apps": [],
            }
            self.chats.append(chat)
            return 201, chat, {}
        return 404, {"error": {"code": "NotFound", "message": path}}, {}

    def _archive(
        self, team: str, channel_id: str
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        """Graph v1.0 `channel: archive` (learn.microsoft.com/graph/api/channel-archive): 202
        Accepted with a Location to poll; a channel without an owner cannot be archived; an
        archived channel takes no new messages (the Bot Connector refuses them here)."""
        channel = next((c for c in self.channels if c["id"] == channel_id), None)
        if team != self.team or channel is None:
            return 404, {"error": {"code": "NotFound", "message": "channel"}}, {}
        if not channel.get("owners"):
            message = "A channel without an owner cannot be archived."
            return 400, {"error": {"code": "BadRequest", "message": message}}, {}
        channel["archived"] = True
        location = f"/teams('{team}')/channels('{channel_id}')/operations('{uuid.uuid4()}')"
        return 202, None, {"Location": location}

    def _enable_app(
        self, channel_id: str, body: dict[str, Any], beta: bool
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        """Adds an app to a channel (Graph `channel: add enabledApps`): the app must be in the
        team already; v1.0 takes shared channels only, beta private ones too."""
        channel = next((c for c in self.channels if c["id"] == channel_id), None)
        if channel is None:
            return 404, {"error": {"code": "NotFound", "message": "channel"}}, {}
        kinds = ("shared", "private") if beta else ("shared",)
        if channel["membershipType"] not in kinds:
            message = f"allowed only for channels with membershipType {' or '.join(kinds)}"
            return 400, {"error": {"code": "BadRequest", "message": message}}, {}
        if self.channel_apps_refused:
            return 403, {"error": {"code": "Forbidden", "message": "apps in private channels"}}, {}
        app = str(body.get("@odata.id", "")).rsplit("/", 1)[-1]
        if app not in self.team_apps:
            return 400, {"error": {"code": "BadRequest", "message": "app not in the team"}}, {}
        if app in channel["apps"]:
            return 409, {"error": {"code": "Conflict", "message": "enabled"}}, {}
        channel["apps"].append(app)
        return 204, None, {}

    def _group(
        self, group: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        """Graph "Get group" (GET /groups/{id}, application permission GroupMember.Read.All at
        least): the group with the properties `$select` names (with its id), or 404
        Request_ResourceNotFound for an id that is no group of the tenant."""
        name = self.group_names.get(group)
        if name is None:
            message = f"Resource '{group}' does not exist or one of its queried reference-property"
            return 404, {"error": {"code": "Request_ResourceNotFound", "message": message}}, {}
        found = {"id": group, "displayName": name, "mailEnabled": False, "securityEnabled": True}
        wanted = {
            "id",
            *(query.get("$select") or ["displayName,mailEnabled,securityEnabled"])[0].split(","),
        }
        context = "https://graph.microsoft.com/v1.0/$metadata#groups/$entity"
        return (
            200,
            {"@odata.context": context, **{k: v for k, v in found.items() if k in wanted}},
            {},
        )

    def _member(
        self, conversation: str, member: str
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        """Bot Framework REST API "Get conversation member" (GET /v3/conversations/{id}/members/
        {memberId}; Teams docs, "Get single member details": the member id may be the Teams user
        id, the UPN or the Microsoft Entra object id). The member with their Teams user id, name
        and `aadObjectId`, or 404 for someone not in the room or not in the tenant (a Teams user
        id is `29:` and, in these fakes, their Azure AD id)."""
        aad = member.removeprefix("29:")
        rooms = [*self.channels, *self.chats]
        room = next((c for c in rooms if c["id"] == conversation.split(";")[0]), None)
        name = self.people.get(aad)
        if name is None or (room is not None and aad not in room["members"]):
            return 404, {"error": {"code": "MemberNotFoundInConversation", "message": member}}, {}
        found = {"id": f"29:{aad}", "aadObjectId": aad, "name": name, "userRole": "user"}
        return 200, found, {}

    def _connector(
        self, call: Call, rest: str
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        if not self._authorised(call, "bot"):
            return 401, {"error": {"code": "Unauthorized", "message": ""}}, {}
        parts = [unquote(p) for p in rest.split("/")]
        conversation = parts[0]
        body = call.body if isinstance(call.body, dict) else {}
        room = next((c for c in self.channels if c["id"] == conversation.split(";")[0]), None)
        if room is not None and room.get("archived") and call.method == "POST":
            message = "The channel is archived."
            return 403, {"error": {"code": "Forbidden", "message": message}}, {}
        if room is not None and room["membershipType"] == "private" and not room["apps"]:
            # Bot Connector's answer when the bot is not in the conversation (an app in the team
            # is not in its private channels until it is added to each one).
            message = "The bot is not part of the conversation roster."
            return 403, {"error": {"code": "BotNotInConversationRoster", "message": message}}, {}
        if call.method in ("POST", "PUT") and too_big(body):
            # "The bot message size limit is 100 KB … encoded as UTF-16 … the bot receives a 413
            # status code (RequestEntityTooLarge), which contains the error code
            # MessageSizeTooBig" (learn.microsoft.com, Teams: Format your bot messages).
            error = {"code": "MessageSizeTooBig", "message": "Message size too big"}
            return 413, {"error": error}, {}
        with self._lock:
            if len(parts) == 3 and parts[1] == "members" and call.method == "GET":
                return self._member(conversation, parts[2])
            if len(parts) == 2 and call.method == "POST":
                activity = Activity(conversation, str(next(self._ids)), body)
                self.activities.append(activity)
                return 201, {"id": activity.id}, {}
            if len(parts) == 3 and call.method == "POST":
                activity = Activity(conversation, str(next(self._ids)), body, reply_to=parts[2])
                self.activities.append(activity)
                return 201, {"id": activity.id}, {}
            if len(parts) == 3 and call.method == "PUT":
                for activity in self.activities:
                    if activity.id == parts[2]:
                        activity.history.append(activity.body)
                        activity.body = body
                        return 200, {"id": activity.id}, {}
                return 404, {"error": {"code": "ActivityNotFound", "message": ""}}, {}
        return 404, {"error": {"code": "NotFound", "message": rest}}, {}


MESSAGE_LIMIT = 100 * 1024  # bytes of the activity as UTF-16 (Teams' bot message size limit)


def too_big(body: Any) -> bool:
    """An activity past Teams' bot message size limit (its JSON, measured as UTF-16)."""
    return len(json.dumps(body, ensure_ascii=False).encode("utf-16-le")) > MESSAGE_LIMIT


def _member_id(member: dict[str, Any]) -> str:
    bind = str(member.get("user@odata.bind", ""))
    found = re.search(r"users\('([^']+)'\)", bind)
    return found.group(1) if found else bind


def _display_name_filter(query: dict[str, list[str]]) -> str | None:
    raw = (query.get("$filter") or [""])[0]
    found = re.fullmatch(r"displayName eq '(.*)'", raw)
    return found.group(1).replace("''", "'") if found else None


def _handler(fake: FakeTeams) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            kind = self.headers.get("content-type", "")
            body: Any = None
            if raw and "json" in kind:
                body = json.loads(raw)
            elif raw:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            call = Call(self.command, parts.path, parse_qs(parts.query), body, headers)
            status, payload, extra = fake.handle(call)
            data = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

    return Handler
