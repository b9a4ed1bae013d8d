"""The slack-bolt app: client, middleware and listener registration, mounted on FastAPI."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from app.db import yield_to_requests
from app.incidents.service import ServiceError
from app.logs import SLACK_SDK, level_set
from app.runtime import Runtime
from app.slack import approval, commands, followups, home, standing, timeline, triage, updates, work
from app.slack.bodies import BOLT_REFUSAL, bolt_request_of, is_command, malformed, refusal
from app.slack.common import (
    DELIVERY,
    Deps,
    channel_of,
    decode,
    gate,
    incident_id_of,
    signed_delivery,
)
from app.slack.effects import SlackChat
from app.slack.installs import WorkspaceClients, oauth_settings

log = logging.getLogger(__name__)
bolt_log = get_bolt_logger(AsyncApp)


def build_client(runtime: Runtime, token: str | None = None) -> AsyncWebClient:
    """A client with `token`, or the configured bot token."""
    settings = runtime.settings
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return web_client(runtime, token)


class WebClient(AsyncWebClient):
    """slack_sdk's client whose calls from background work wait for a gap between requests."""

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:
        await yield_to_requests()
        return await super().api_call(api_method, **kwargs)


def web_client(runtime: Runtime, token: str | None) -> AsyncWebClient:
    settings = runtime.settings
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        # Only 429s are retried in place: Slack did nothing and says when to come back. A dropped
        # connection or a 500 may come after the message was posted, so those go back to the work
        # queue, whose next attempt looks for the message before posting again.
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
        logger=level_set(SLACK_SDK[0]),
    )


def build_bolt_app(runtime: Runtime, client: AsyncWebClient | None = None) -> AsyncApp:
    settings = runtime.settings
    assert settings.slack_signing_secret is not None
    worker_client = client or build_client(runtime)
    client = worker_client
    clients = None
    options: dict[str, Any] = {}
    if settings.slack_bot_token is None and settings.slack_client_id is not None:
        # Multi-workspace: bolt authorises each request from the installation store, and the
        # worker finds each workspace's bot token there too.
        oauth = oauth_settings(settings, runtime.engine)
        options["oauth_settings"] = oauth
        clients = WorkspaceClients(
            oauth.installation_store, lambda token: build_client(runtime, token)
        )
    if clients is None:
        # One workspace: authorise from the settings instead of bolt's auth.test on first use,
        # so acknowledging a report never waits on (or fails with) Slack itself.
        # bolt gives listeners a client per request with the token `authorize` returns; its own
        # client carries none, or bolt would warn that "token will be ignored".
        options["authorize"] = static_authorize(runtime)
        client = web_client(runtime, None)
        bolt_log.addFilter(TOKEN_NOT_IGNORED)
    bolt = AsyncApp(
        # Bolt's logger, a name of its own (bolt sets that logger's level to the root's, so not
        # this module's). Without a name bolt reads its caller's file off inspect.stack(), which
        # reads the source of every frame: 291 → 6 ms an app built 40 frames deep here.
        name="app.slack.bolt",
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        process_before_response=True,
        ignoring_self_events_enabled=False,
        # Every request is verified before bolt sees it (`slack_events`: `refusal`, which also
        # refuses stale timestamps); bolt's own check was the same HMAC over the body again.
        request_verification_enabled=False,
        **options,
    )
    bolt.middleware(
        gate(
            [only_our_workspace(runtime), in_their_room(runtime), deduplicate_events(runtime)],
            Deps(runtime.service, runtime.queue, settings),
        )
    )
    for module in (commands, triage, approval, home, followups, standing, timeline, updates):
        module.register(bolt)
    chat = SlackChat(settings, runtime.service, worker_client, clients, runtime.api_errors)
    work.register(chat, runtime.service, runtime.queue, runtime.reactions)
    timeline.register_work(chat, runtime.service, runtime.queue)
    runtime.closing(chat.close)
    return bolt


class _TokenNotIgnored(logging.Filter):
    """Drops bolt's start-up warning that SLACK_BOT_TOKEN "will be ignored": bolt reads that
    variable from the environment itself and warns when `authorize` is given, but our
    `authorize` hands bolt that very token (from the settings), so the warning is false."""

    skipped = frozenset({warning_token_skipped(), warning_client_prioritized_and_token_skipped()})

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.skipped


TOKEN_NOT_IGNORED = _TokenNotIgnored()


def static_authorize(runtime: Runtime) -> Any:
    settings = runtime.settings
    assert settings.slack_bot_token is not None
    token = settings.slack_bot_token.get_secret_value()

    async def authorize(
        enterprise_id: str | None, team_id: str | None, **_: Any
    ) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    return authorize


def only_our_workspace(runtime: Runtime) -> Any:
    """Refuses requests from a workspace this install does not serve: with SLACK_TEAM_ID set, a
    request must name that workspace, and so must the person acting (a Slack Connect guest from
    another organisation's workspace does not count as one of ours)."""
    expected = runtime.settings.slack_team_id

    async def check(body: dict[str, Any], context: Any) -> BoltResponse | None:
        if not expected or body.get("type") == "url_verification" or body.get("ssl_check"):
            return None
        user = body.get("user") if isinstance(body.get("user"), dict) else {}
        person = user.get("team_id")
        if context.team_id != expected or (person is not None and person != expected):
            log.warning("refused a request from workspace %s (user's %s)", context.team_id, person)
            return BoltResponse(status=403, body="this workspace is not served here")
        return None

    return check


OUTSIDE_THE_ROOM = frozenset({"storm_separate"})  # pressed where the reporter reported
ROOMS_KEPT = 10_000  # incidents whose room `in_their_room` remembers


def in_their_room(runtime: Runtime) -> Any:
    """An action on an incident (its id in the value, or in a question's block id) counts only
    when pressed in that incident's own room, as Teams checks too: the ids in a value are
    the sender's to forge, and a private room's members are the ones who may act in it."""
    # Each incident's room, once a press came from it. Safe to keep: an incident's room is made
    # once (a room is opened only for an incident without one) and no incident row is deleted,
    # so a match stays a match; anything else is read again. Bounded by emptying it.
    rooms: dict[int, str] = {}

    async def check(body: dict[str, Any], context: Any) -> BoltResponse | None:
        if body.get("type") != "block_actions":
            return None
        channel = channel_of(body)
        for action in body.get("actions") or []:
            incident_id = _incident_of_action(action)
            if incident_id is None or action.get("action_id") in OUTSIDE_THE_ROOM:
                continue
            if channel is not None and rooms.get(incident_id) == channel:
                continue
            try:
                incident = await runtime.service.get(incident_id)
            except ServiceError:
                incident = None
            if incident is None or incident.channel_id != channel:
                log.info("refused %s from outside its incident's room", action.get("action_id"))
                return BoltResponse(status=200, body="")
            if channel is not None:
                if len(rooms) >= ROOMS_KEPT:
                    rooms.clear()
                rooms[incident_id] = channel
        return None

    return check


def _incident_of_action(action: dict[str, Any]) -> int | None:
    found = incident_id_of(decode(action.get("value")))
    if found is not None:
        return found
    parts = str(action.get("block_id") or "").split(":")
    if len(parts) >= 3 and parts[0] == "q" and parts[1].isdigit() and len(parts[1]) <= 18:
        return int(parts[1]) or None
    return None


def deduplicate_events(runtime: Runtime) -> Any:
    """Events API deliveries are processed once, however often Slack retries them."""

    async def dedupe(body: dict[str, Any], context: Any) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await runtime.service.first_delivery(str(event_id)):
            return BoltResponse(status=200, body="")
        return None

    return dedupe


def attach_slack(app: FastAPI, runtime: Runtime) -> AsyncApp:
    bolt = build_bolt_app(runtime)
    handler = AsyncSlackRequestHandler(bolt)
    assert runtime.settings.slack_signing_secret is not None
    secret = runtime.settings.slack_signing_secret.get_secret_value()

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        body = await request.body()  # its size is limited while it streams (app/limits.py)
        if why := refusal(body, request.headers, secret, time.time()):
            log.info("refused a Slack request: %s (%d bytes)", why, len(body))
            return JSONResponse(BOLT_REFUSAL, status_code=401)
        # Slack never resends a slash command: the same signature again is a replay within the
        # five minutes the signature is good for (a second incident, otherwise). The listener
        # records it, a report in the transaction of its one INSERT (app.slack.common.DELIVERY).
        once = {DELIVERY: signed_delivery(request.headers)} if is_command(body) else None
        try:
            # bolt parses the body once, here; what it parsed is checked before it dispatches.
            # A body that is not Slack's shape is the sender's error, and nothing is stored.
            bolt_request = bolt_request_of(request, body, once)
            why = malformed(body, bolt_request.body)
            if why is None:
                response = to_starlette_response(await bolt.async_dispatch(bolt_request))
        except (ValueError, KeyError, TypeError):
            why = "not Slack's shape"
        if why is not None:
            log.info("refused a signed Slack request: %s (%d bytes)", why, len(body))
            return JSONResponse({"error": "malformed request body"}, status_code=400)
        runtime.queue.wrote()
        return response

    if runtime.settings.slack_bot_token is None:

        @app.get("/slack/install", include_in_schema=False)
        async def slack_install(request: Request) -> Response:
            return await handler.handle(request)

        @app.get("/slack/oauth_redirect", include_in_schema=False)
        async def slack_oauth_redirect(request: Request) -> Response:
            return await handler.handle(request)

    app.state.bolt = bolt
    return bolt


def socket_mode_handler(bolt: AsyncApp, runtime: Runtime, app_token: str) -> Any:
    """bolt's Socket Mode handler, poking the worker after each request as the HTTP endpoint
    does: the work a request wrote (a report, an answer's next question) runs at once, not at
    the next tick. (A bolt middleware cannot: its `next()` returns before the listener runs.)"""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    class Handler(AsyncSocketModeHandler):
        async def handle(self, client: Any, req: Any) -> None:
            await super().handle(client, req)
            runtime.queue.wrote()

    return Handler(bolt, app_token)
