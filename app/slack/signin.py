"""Sign in with Slack (OpenID Connect) for the ops pages: the redirect, the code, who may enter.

`SlackSignIn` is the identity port the ops pages use (app/identity.py); ops never imports this."""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth import OpenIDConnectAuthorizeUrlGenerator
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from app.identity import Pending, Person, SignInError
from app.runtime import Runtime
from app.settings import Settings
from app.slack.app import build_client
from app.slack.common import group_members
from app.slack.installs import WorkspaceClients, installation_store

log = logging.getLogger(__name__)

# The person's name and workspace come with `profile`; nothing here needs their email.
SCOPES = ("openid", "profile")
CALLBACK_PATH = "/login/slack/callback"
STATE_SECONDS = 600
USER_ID = "https://slack.com/user_id"
TEAM_ID = "https://slack.com/team_id"
# Slack refused the code itself (expired, used, forged): starting again is the fix.
CODE_ERRORS = frozenset({"invalid_code", "code_already_used", "code_expired", "invalid_grant"})
UNREACHABLE = (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError)


def missing_settings(settings: Settings) -> list[str]:
    """The settings Sign in with Slack still needs (empty: it is on)."""
    needed = {
        "SLACK_CLIENT_ID": settings.slack_client_id,
        "SLACK_CLIENT_SECRET": settings.slack_client_secret,
        "LEAKDESK_PUBLIC_URL": settings.public_url,
        "LEAKDESK_SESSION_SECRET": settings.session_secret,
        "LEAKDESK_OPS_MEMBERS": settings.ops_members or None,
    }
    return [name for name, value in needed.items() if value is None]


def redirect_uri(settings: Settings) -> str:
    return f"{settings.public_url}{CALLBACK_PATH}"


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _states(runtime: Runtime) -> AsyncSQLAlchemyOAuthStateStore:
    # slack_sdk's store: one row per state, shared by every replica, deleted when consumed.
    return AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=runtime.engine)


async def start(runtime: Runtime, next_path: str) -> tuple[str, Pending]:
    """Slack's authorize URL, and what the browser must bring back to the callback."""
    settings = runtime.settings
    assert settings.slack_client_id is not None
    pending = Pending(await _states(runtime).async_issue(), secrets.token_urlsafe(24), next_path)
    generator = OpenIDConnectAuthorizeUrlGenerator(
        client_id=settings.slack_client_id,
        # slack_sdk puts the value into the query as given: encode it so it stays one parameter.
        redirect_uri=quote(redirect_uri(settings), safe=""),
        scopes=list(SCOPES),
        authorization_url=settings.slack_oidc_authorize_url,
    )
    url = generator.generate(pending.state, nonce=pending.nonce, team=settings.slack_team_id)
    return url, pending


async def finish(
    runtime: Runtime, pending: Pending | None, state: str | None, code: str | None
) -> Person:
    """The person Slack vouches for, once the state is this browser's and unused, and they are an
    ops member; raises SignInError otherwise (nothing is stored for them)."""
    if pending is None or not state or not same(state, pending.state):
        raise SignInError(400, "ops.login.slack_state")
    if not await _states(runtime).async_consume(state):  # used already, or expired
        raise SignInError(400, "ops.login.slack_state")
    if not code:
        raise SignInError(400, "ops.login.slack_code")
    person = await _identify(runtime, code, pending.nonce)
    expected_team = runtime.settings.slack_team_id
    if expected_team and person.team_id != expected_team:
        log.warning(
            "refused ops sign-in: %s of %s (not SLACK_TEAM_ID)", person.user_id, person.team_id
        )
        raise SignInError(403, "ops.login.slack_not_allowed")
    try:
        allowed = await is_ops_member(runtime, person.user_id, person.team_id)
    except UNREACHABLE as exc:
        raise _failure(exc) from exc
    if not allowed:
        log.warning(
            "refused ops sign-in: %s of %s is not an ops member", person.user_id, person.team_id
        )
        raise SignInError(403, "ops.login.slack_not_allowed")
    log.info("ops sign-in with Slack: %s of %s", person.user_id, person.team_id)
    return person


async def _identify(runtime: Runtime, code: str, nonce: str) -> Person:
    settings = runtime.settings
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    client = build_client(runtime, token="")
    try:
        tokens = await client.openid_connect_token(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            code=code,
            redirect_uri=redirect_uri(settings),
        )
        _check_id_token(tokens.get("id_token"), settings.slack_client_id, nonce)
        info = await client.openid_connect_userInfo(token=str(tokens.get("access_token") or ""))
    except UNREACHABLE as exc:
        raise _failure(exc) from exc
    user_id, team_id = info.get(USER_ID) or info.get("sub"), info.get(TEAM_ID)
    if not isinstance(user_id, str) or not isinstance(team_id, str) or not user_id or not team_id:
        raise SignInError(502, "ops.login.slack_refused", error="no_user")
    name = info.get("name")
    return Person(user_id, team_id, name if isinstance(name, str) and name else user_id)


def _check_id_token(id_token: Any, client_id: str, nonce: str) -> None:
    """The ID token came straight from Slack over TLS (OIDC Core 3.1.3.7: its signature need not be
    checked); it must be for this app and carry the nonce this browser was given."""
    try:
        claims = jwt.decode(
            str(id_token or ""),
            options={"verify_signature": False, "verify_aud": True, "verify_exp": False},
            audience=client_id,
        )
    except jwt.InvalidTokenError:
        raise SignInError(400, "ops.login.slack_state") from None
    if not same(str(claims.get("nonce", "")), nonce):
        raise SignInError(400, "ops.login.slack_state")


def _failure(exc: Exception) -> SignInError:
    if isinstance(exc, SlackApiError) and exc.response.status_code == 200:
        error = str(exc.response.get("error") or "")
        if error in CODE_ERRORS:
            return SignInError(400, "ops.login.slack_code")
        return SignInError(502, "ops.login.slack_refused", error=error)
    return SignInError(502, "ops.login.slack_down")


async def is_ops_member(runtime: Runtime, user_id: str, team_id: str) -> bool:
    """Listed by id in LEAKDESK_OPS_MEMBERS, or in one of its user groups now: groups are read
    live from Slack, so removing someone from the group takes effect at their next sign-in."""
    members = runtime.settings.ops_members
    if user_id in members:
        return True
    groups = [member for member in members if member.startswith("S")]
    client = await bot_client(runtime, team_id) if groups else None
    if client is None:
        return False
    for group in groups:
        if user_id in (await group_members(client, group) or []):
            return True
    return False


async def bot_client(runtime: Runtime, team_id: str) -> AsyncWebClient | None:
    """The bot's client for the workspace: the configured token, or that workspace's install."""
    settings = runtime.settings
    if settings.slack_bot_token is not None:
        return build_client(runtime)
    store = installation_store(settings, runtime.engine)
    return await WorkspaceClients(store, lambda token: build_client(runtime, token)).for_team(
        team_id
    )


class SlackSignIn:
    """Sign in with Slack as the ops pages use it (app.identity.SignIn)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def missing_settings(self) -> list[str]:
        return missing_settings(self.runtime.settings)

    async def start(self, next_path: str) -> tuple[str, Pending]:
        return await start(self.runtime, next_path)

    async def finish(self, pending: Pending | None, state: str | None, code: str | None) -> Person:
        return await finish(self.runtime, pending, state, code)
