"""The Teams bot: the SDK's HTTP server (JWT validation on) mounted on FastAPI at /api/messages."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from microsoft_teams.api import ClientCredentials, InvokeResponse
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides
from microsoft_teams.apps.events import ActivityEvent
from microsoft_teams.apps.http import HttpServer
from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler

from app.runtime import Runtime
from app.settings import Settings
from app.teams import effects
from app.teams.activities import Activities
from app.teams.effects import TeamsChat
from app.teams.graph import Microsoft
from app.teams.home import TeamsHome

log = logging.getLogger(__name__)

ENDPOINT = "/api/messages"
MAX_BODY_BYTES = 256 * 1024


class Mount:
    """The SDK's HTTP server adapter for an existing FastAPI app: it adds the route and nothing
    else (the SDK's own FastAPIAdapter also takes over the app's lifespan and server). A body
    that is too large or not a JSON object is refused before the SDK sees it."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        async def route(request: Request) -> Response:
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                return JSONResponse({"error": "request body too large"}, status_code=413)
            raw = await request.body()
            if len(raw) > MAX_BODY_BYTES:
                return JSONResponse({"error": "request body too large"}, status_code=413)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if not isinstance(body, dict) or b"\\u0000" in raw:
                # (a NUL is refused: PostgreSQL stores none in text, and Teams sends none)
                return JSONResponse({"error": "malformed activity"}, status_code=400)
            result = await handler(HttpRequest(body=body, headers=dict(request.headers)))
            if result.get("body") is None:
                return Response(status_code=result["status"])
            return JSONResponse(result["body"], status_code=result["status"])

        self.app.add_api_route(path, route, methods=[method], include_in_schema=False)

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("leakdesk serves no static Teams pages")

    async def start(self, port: int) -> None:
        raise NotImplementedError("leakdesk's own server runs the app")

    async def stop(self) -> None:
        return None


def cloud_of(settings: Settings) -> CloudEnvironment:
    """Microsoft's public cloud, with the OpenID metadata (and so the JWKS) from the settings."""
    return with_overrides(PUBLIC, openid_metadata_url=settings.teams_openid_metadata_url)


def off_the_loop(server: HttpServer) -> None:
    """Runs the SDK's token validation in a worker thread: it fetches the signing keys with a
    blocking HTTP call (PyJWKClient, again every few minutes), which would otherwise stall every
    request being served while Microsoft's metadata host answers."""
    validator = getattr(server, "_token_validator", None)
    if validator is None:
        return
    validate = validator.validate_token

    async def in_thread(raw_token: str, service_url: str | None = None) -> dict[str, Any]:
        return await asyncio.to_thread(lambda: asyncio.run(validate(raw_token, service_url)))

    validator.validate_token = in_thread


def attach_teams(app: FastAPI, runtime: Runtime) -> HttpServer:
    settings = runtime.settings
    assert settings.teams_app_id is not None and settings.teams_app_password is not None
    chat = TeamsChat(settings, runtime.service, Microsoft(settings, errors=runtime.api_errors))
    room = effects.register(chat, runtime.service, runtime.queue, runtime.reactions)
    TeamsHome(runtime.service, settings, chat.microsoft).register(runtime.queue, chat.guard)
    runtime.closing(chat.close)
    activities = Activities(runtime.service, runtime.queue, chat, room)

    async def on_request(event: ActivityEvent) -> InvokeResponse[Any]:
        status, body = await activities.handle(event.body.model_dump(), event.token)
        runtime.queue.wrote()
        return InvokeResponse(status=status, body=body)

    server = HttpServer(Mount(app), messaging_endpoint=ENDPOINT)
    server.on_request = on_request
    server.initialize(
        credentials=ClientCredentials(
            client_id=settings.teams_app_id,
            client_secret=settings.teams_app_password.get_secret_value(),
            tenant_id=settings.teams_tenant_id,
        ),
        cloud=cloud_of(settings),
    )
    off_the_loop(server)
    app.state.teams = server
    app.state.teams_chat = chat
    return server
