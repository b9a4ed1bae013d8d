"""Who may read the ops pages and API: bearer tokens, a signed-cookie session, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import SecretStr

from app.settings import Settings

SESSION_COOKIE = "leakdesk_ops"
SESSION_MAX_AGE = 12 * 3600
OPS_TOKEN_USER = "ops-token"

NOT_CONFIGURED = (
    "The ops API is off: set LEAKDESK_OPS_TOKEN (then send Authorization: Bearer <token>), "
    "or LEAKDESK_SESSION_SECRET and sign in at /login."
)
NO_SESSION_SECRET = (
    "The ops pages are off: set LEAKDESK_SESSION_SECRET (a long random string) and "
    "LEAKDESK_OPS_TOKEN to sign in."
)


@dataclass(frozen=True)
class Principal:
    """Who is asking; `workspace_id` limits a workspace-scoped API token, or a person signed in
    with Slack, to that workspace's incidents (None: the ops token, which sees all)."""

    name: str
    workspace_id: str | None = None

    def may_see(self, workspace_id: str | None) -> bool:
        return self.workspace_id is None or self.workspace_id == workspace_id


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


# ----- sessions -----------------------------------------------------------------------------------


def _serializer(settings: Settings) -> URLSafeTimedSerializer | None:
    secret = _secret(settings.session_secret)
    return URLSafeTimedSerializer(secret, salt="leakdesk.ops.session") if secret else None


def read_session(request: Request) -> dict[str, Any]:
    """The signed session cookie's contents, or {} when absent, tampered with or expired."""
    serializer = _serializer(settings_of(request))
    raw = request.cookies.get(SESSION_COOKIE)
    if serializer is None or not raw:
        return {}
    try:
        data = serializer.loads(raw, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


def write_session(request: Request, response: Response, data: dict[str, Any]) -> None:
    settings = settings_of(request)
    serializer = _serializer(settings)
    if serializer is None:
        raise HTTPException(503, NO_SESSION_SECRET)
    response.set_cookie(
        SESSION_COOKIE,
        serializer.dumps(data),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")


def new_session(user: str | None = None, **fields: str) -> dict[str, Any]:
    """A fresh session with its own CSRF token (a new one at sign-in: no session fixation)."""
    data: dict[str, Any] = {"csrf": secrets.token_urlsafe(32)}
    if user:
        data["user"] = user
        data["sid"] = secrets.token_urlsafe(16)  # what sign-out ends (the cookie itself lives on)
        data.update(fields)
    return data


def _ended_key(sid: str) -> str:
    return f"ops-session-ended:{sid}"[:128]


async def end_session(request: Request, session: dict[str, Any]) -> None:
    """Sign-out: the session's id is remembered in the database (every replica sees it), so a
    copy of the cookie kept by anyone no longer signs them in."""
    sid = session.get("sid")
    if not isinstance(sid, str) or not sid:
        return
    await request.app.state.runtime.service.first_delivery(_ended_key(sid))


async def live_session_principal(request: Request) -> Principal | None:
    """The signed-in person of a session that was not ended by signing out."""
    session = read_session(request)
    principal = session_principal(session)
    if principal is None:
        return None
    sid = session.get("sid")
    if not isinstance(sid, str) or not sid:
        return None  # a session from before sign-out could end one: sign in again
    ended = await request.app.state.runtime.service.was_delivered(_ended_key(sid))
    return None if ended else principal


class Throttle:
    """Wrong credentials from one client address: past `limit` in `window` seconds, every
    attempt is refused (429) without being checked, until the window has passed."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, client: str, now: float) -> int:
        failures = self._failures.get(client)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(client, None)
            return 0
        return int(failures[0] + self.window - now) + 1 if len(failures) >= self.limit else 0

    def failed(self, client: str, now: float) -> None:
        if len(self._failures) > 10_000:  # many addresses: forget the oldest-seen
            self._failures.pop(next(iter(self._failures)))
        self._failures.setdefault(client, deque()).append(now)


def throttle_of(request: Request) -> Throttle:
    state = request.app.state
    if not hasattr(state, "auth_throttle"):
        state.auth_throttle = Throttle()
    throttle: Throttle = state.auth_throttle
    return throttle


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def refuse_if_throttled(request: Request) -> None:
    wait = throttle_of(request).retry_after(client_of(request), time.monotonic())
    if wait:
        raise HTTPException(
            429, "Too many wrong tokens; try again later.", {"Retry-After": str(wait)}
        )


def note_failure(request: Request) -> None:
    throttle_of(request).failed(client_of(request), time.monotonic())


def session_principal(session: dict[str, Any]) -> Principal | None:
    """The signed-in person: the ops token sees every workspace, anyone else only the workspace
    (`team`) they signed in with; a session without one is not signed in (fail closed)."""
    user, team = session.get("user"), session.get("team")
    if not isinstance(user, str) or not user:
        return None
    if user == OPS_TOKEN_USER:
        return Principal(user)
    return Principal(user, team) if isinstance(team, str) and team else None


def check_csrf(session: dict[str, Any], given: str | None) -> None:
    expected = session.get("csrf")
    if not expected or not given or not same(given, expected):
        raise HTTPException(403, "The form expired or did not come from this site; reload it.")


def check_ops_token(settings: Settings, token: str) -> bool:
    expected = _secret(settings.ops_token)
    return bool(expected) and same(token, expected or "")


# ----- the person at the keyboard (the embedded SQLite default) -------------------------------------


@dataclass
class KeyboardSignIn:
    """A one-time sign-in link that `leakdesk serve` prints at start-up on the embedded SQLite
    default when no ops sign-in is configured: whoever can read the terminal may open the pages.
    The session secret is made for this process only, so restarting signs everyone out."""

    digest: str | None

    @staticmethod
    def wanted(settings: Settings) -> bool:
        return (
            settings.is_sqlite
            and settings.environment != "production"
            and settings.ops_token is None
            and settings.session_secret is None
        )

    @classmethod
    def start(cls, settings: Settings) -> tuple[Settings, KeyboardSignIn, str]:
        """Settings with a session secret of this process's own, the link's state, its token."""
        token = secrets.token_urlsafe(32)
        secret = SecretStr(secrets.token_urlsafe(48))
        return (
            settings.model_copy(update={"session_secret": secret}),
            cls(token_digest(token)),
            token,
        )

    def redeem(self, token: str) -> bool:
        """True once, for the printed token; never again (the link is single-use)."""
        if self.digest is None or not same(token_digest(token), self.digest):
            return False
        self.digest = None
        return True


# ----- dependencies -------------------------------------------------------------------------------


async def _token_principal(request: Request, token: str) -> Principal | None:
    if check_ops_token(settings_of(request), token):
        return Principal(OPS_TOKEN_USER)
    row = await request.app.state.runtime.service.api_token(token_digest(token))
    return Principal(f"token:{row.name}", row.workspace_id) if row else None


async def api_principal(request: Request) -> Principal:
    """A bearer token (the ops token or a stored one), else a signed-in ops session."""
    header = request.headers.get("authorization")
    if header:
        refuse_if_throttled(request)
        scheme, _, token = header.partition(" ")
        principal = None
        if scheme.lower() == "bearer" and token.strip():
            principal = await _token_principal(request, token.strip())
        if principal is None:
            note_failure(request)
            raise HTTPException(
                401, "That bearer token is not valid.", {"WWW-Authenticate": "Bearer"}
            )
        return principal
    principal = await live_session_principal(request)
    if principal is not None:
        return principal
    settings = settings_of(request)
    if settings.ops_token is None and settings.session_secret is None:
        raise HTTPException(503, NOT_CONFIGURED)
    raise HTTPException(
        401,
        "Send Authorization: Bearer <token>, or sign in at /login.",
        {"WWW-Authenticate": "Bearer"},
    )


async def page_principal(request: Request) -> Principal:
    """A signed-in ops session; others are sent to /login (or told which setting is missing)."""
    if settings_of(request).session_secret is None:
        raise HTTPException(503, NO_SESSION_SECRET)
    principal = await live_session_principal(request)
    if principal is not None:
        return principal
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise HTTPException(303, "Sign in first.", {"Location": f"/login?next={quote(target)}"})


ApiUser = Annotated[Principal, Depends(api_principal)]
PageUser = Annotated[Principal, Depends(page_principal)]


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
