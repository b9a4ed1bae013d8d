"""The Teams bot: the SDK's HTTP server (JWT validation on) mounted on FastAPI at /api/messages."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from microsoft_teams.api import ClientCredentials, InvokeResponse
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides
from microsoft_teams.apps.events import ActivityEvent
from microsoft_teams.apps.http import FastAPIAdapter, HttpServer

from app.runtime import Runtime
from app.settings import Settings
from app.teams.activities import Activities
from app.teams.effects import TeamsEffects

log = logging.getLogger(__name__)

ENDPOINT = "/api/messages"


def cloud_of(settings: Settings) -> CloudEnvironment:
    """Microsoft's public cloud, with the OpenID metadata (and so the JWKS) from the settings."""
    return with_overrides(PUBLIC, openid_metadata_url=settings.teams_openid_metadata_url)


def attach_teams(app: FastAPI, runtime: Runtime) -> HttpServer:
    settings = runtime.settings
    assert settings.teams_app_id is not None and settings.teams_app_password is not None
    effects = TeamsEffects(runtime)
    effects.register(runtime.queue, runtime.reactions)
    activities = Activities(runtime, effects)

    async def on_request(event: ActivityEvent) -> InvokeResponse[Any]:
        status, body = await activities.handle(event.body.model_dump(), event.token)
        runtime.queue.poke()
        return InvokeResponse(status=status, body=body)

    server = HttpServer(FastAPIAdapter(app=app), messaging_endpoint=ENDPOINT)
    server.on_request = on_request
    server.initialize(
        credentials=ClientCredentials(
            client_id=settings.teams_app_id,
            client_secret=settings.teams_app_password.get_secret_value(),
            tenant_id=settings.teams_tenant_id,
        ),
        cloud=cloud_of(settings),
    )
    app.state.teams = server
    app.state.teams_effects = effects
    return server
