"""The slack-bolt app: client, middleware and listener registration, mounted on FastAPI."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
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

from app.runtime import Runtime
from app.slack import approval, commands, followups, home, triage, work
from app.slack.common import Deps, provide
from app.slack.effects import SlackChat
from app.slack.installs import WorkspaceClients, oauth_settings

log = logging.getLogger(__name__)
bolt_log = get_bolt_logger(AsyncApp)

MAX_BODY_BYTES = 256 * 1024


def build_client(runtime: Runtime, token: str | None = None) -> AsyncWebClient:
    """A client with `token`, or the configured bot token."""
    settings = runtime.settings
    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    return web_client(runtime, token)


def web_client(runtime: Runtime, token: str | None) -> AsyncWebClient:
    settings = runtime.settings
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        # Only 429s are retried in place: Slack did nothing and says when to come back. A dropped
        # connection or a 500 may come after the message was posted, so those go back to the work
        # queue, whose next attempt looks for the message before posting again.
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
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
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        process_before_response=True,
        ignoring_self_events_enabled=False,
        **options,
    )
    bolt.middleware(only_our_workspace(runtime))
    bolt.middleware(deduplicate_events(runtime))
    bolt.middleware(provide(Deps(runtime.service, runtime.queue, settings)))
    for module in (commands, triage, approval, home, followups):
        module.register(bolt)
    chat = SlackChat(settings, runtime.service, worker_client, clients)
    work.register(chat, runtime.service, runtime.queue, runtime.reactions)
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
    """Refuses requests from a workspace this install does not serve."""
    expected = runtime.settings.slack_team_id

    async def check(context: Any, next: Any) -> Any:  # noqa: A002 - bolt's name
        if expected and context.team_id and context.team_id != expected:
            log.warning("refused a request from workspace %s", context.team_id)
            return BoltResponse(status=403, body="this workspace is not served here")
        return await next()

    return check


def deduplicate_events(runtime: Runtime) -> Any:
    """Events API deliveries are processed once, however often Slack retries them."""

    async def dedupe(body: dict[str, Any], next: Any) -> Any:  # noqa: A002
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            if not await runtime.service.first_delivery(str(event_id)):
                return BoltResponse(status=200, body="")
        return await next()

    return dedupe


OBJECT_FIELDS = ("user", "team", "channel", "view", "message", "container", "enterprise", "event")


def malformed(body: bytes) -> bool:
    """True when a body cannot be one of Slack's shapes (checked before bolt, whose own logging
    fails on some of them); unsigned bodies are refused by bolt's signature check either way."""
    text = body.decode("utf-8", "replace")
    if text.startswith("{"):
        return not _slack_object(_json(text))
    form = parse_qs(text)
    if "payload" in form:
        return not _slack_object(_json(form["payload"][0]))
    return False


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _slack_object(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("type", ""), str):
        return False
    if any(data.get(key) is not None and not isinstance(data[key], dict) for key in OBJECT_FIELDS):
        return False
    if "view" in data and data["view"] is None:  # bolt's own logging assumes an object
        return False
    actions = data.get("actions")
    return actions is None or (
        isinstance(actions, list) and all(isinstance(a, dict) for a in actions)
    )


def attach_slack(app: FastAPI, runtime: Runtime) -> AsyncApp:
    bolt = build_bolt_app(runtime)
    handler = AsyncSlackRequestHandler(bolt)

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse({"error": "request body too large"}, status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "request body too large"}, status_code=413)
        if malformed(body):
            return JSONResponse({"error": "malformed request body"}, status_code=400)
        try:
            response = await handler.handle(request)
        except (ValueError, KeyError, TypeError):
            # bolt parses the body before it dispatches; a body that is not Slack's shape is the
            # sender's error, and nothing has been stored.
            log.info("refused a malformed Slack request")
            return JSONResponse({"error": "malformed request body"}, status_code=400)
        runtime.queue.poke()
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
            runtime.queue.poke()

    return Handler(bolt, app_token)
