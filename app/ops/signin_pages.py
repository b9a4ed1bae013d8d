"""The ops sign-in pages: a token or password, Sign in with Slack, the one-time link `leakdesk
serve` prints, and sign-out; each sign-in starts a fresh session."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.i18n import LANGUAGES, other, t
from app.identity import Pending, SignIn, SignInError
from app.ops.auth import (
    OPS_TOKEN_USER,
    KeyboardSignIn,
    check_csrf,
    check_ops_token,
    clear_session,
    end_session,
    new_session,
    note_failure,
    read_session,
    refuse_if_throttled,
    safe_next,
    settings_of,
    write_session,
)
from app.ops.rendering import language, render

router = APIRouter(include_in_schema=False)


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    settings = settings_of(request)
    if settings.session_secret is None:
        return render(request, "error.html", 503, message_key="ops.error.no_session_secret")
    session = read_session(request) or new_session()
    if request.query_params.get("lang") in LANGUAGES:
        session["lang"] = request.query_params["lang"]
    response = render_login(request, session, next)
    write_session(request, response, session)
    return response


def render_login(
    request: Request,
    session: dict[str, Any],
    next: str | None,
    error: str | None = None,
    status_code: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    """The sign-in page; an error is said in the reader's language and then in the other one,
    since someone who is not signed in may not have chosen theirs."""
    lang = language(request, session)
    settings = settings_of(request)
    target = safe_next(next)
    return render(
        request,
        "login.html",
        status_code,
        session,
        login_csrf=session["csrf"],
        next=target,
        errors=[t(error, lang, **(values or {})), t(error, other(lang), **(values or {}))]
        if error
        else [],
        token_login=settings.ops_token is not None,
        keyboard_login=getattr(request.app.state, "keyboard_sign_in", None) is not None,
        slack_login=f"/login/slack?next={quote(target)}"
        if not sign_in_of(request).missing_settings()
        else None,
    )


@router.post("/login")
async def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    settings = settings_of(request)
    if settings.session_secret is None:
        return render(request, "error.html", 503, message_key="ops.error.no_session_secret")
    session = read_session(request)
    check_csrf(session, csrf)
    refuse_if_throttled(request)
    if not check_ops_token(settings, token):
        note_failure(request)
        return render_login(request, session, next, "ops.login.failed", 401)
    return signed_in(request, session, next, new_session(OPS_TOKEN_USER))


def signed_in(
    request: Request, before: dict[str, Any], next: str | None, fresh: dict[str, Any]
) -> Response:
    """A new session (new CSRF token: one planted before sign-in is useless), same language."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if before.get("lang"):
        fresh["lang"] = before["lang"]
    write_session(request, response, fresh)
    return response


# Sign in with Slack: public by nature (the person is not signed in yet). The start only redirects
# to Slack; the callback signs in no one without this browser's unused state and an ops member.


@router.get("/login/slack")
async def slack_login(request: Request, next: str | None = None) -> Response:
    session = read_session(request) or new_session()
    refused = slack_login_off(request, session)
    if refused is not None:
        return refused
    url, pending = await sign_in_of(request).start(safe_next(next))
    response = RedirectResponse(url, status_code=302)
    write_session(request, response, {**session, "oidc": pending.as_dict()})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login/slack/callback")
async def slack_callback(
    request: Request, state: str | None = None, code: str | None = None, error: str | None = None
) -> Response:
    session = read_session(request) or new_session()
    refused = slack_login_off(request, session)
    if refused is not None:
        return refused
    pending = Pending.of(session.pop("oidc", None))  # single-use in the browser too
    try:
        if error:  # the person chose Cancel on Slack's page
            raise SignInError(400, "ops.login.slack_cancelled")
        person = await sign_in_of(request).finish(pending, state, code)
    except SignInError as exc:
        response = render_login(
            request, session, pending.next if pending else None, exc.key, exc.status, exc.values
        )
        write_session(request, response, session)
        return response
    fresh = new_session(person.user_id, name=person.name, team=person.team_id)
    return signed_in(request, session, pending.next if pending else None, fresh)


def sign_in_of(request: Request) -> SignIn:
    """Sign in with Slack, as the app was wired with it (app/slack/signin.py)."""
    return request.app.state.sign_in  # type: ignore[no-any-return]


def slack_login_off(request: Request, session: dict[str, Any]) -> Response | None:
    """503 naming the settings Sign in with Slack still needs, or None when it is on."""
    settings = settings_of(request)
    if settings.session_secret is None:
        return render(request, "error.html", 503, message_key="ops.error.no_session_secret")
    missing = sign_in_of(request).missing_settings()
    if not missing:
        return None
    names = ", ".join(missing)
    response = render_login(request, session, None, "ops.login.slack_off", 503, {"settings": names})
    write_session(request, response, session)
    return response


@router.get("/login/once/{token}")
async def keyboard_login(request: Request, token: str) -> Response:
    """The one-time link `leakdesk serve` printed at start-up (the embedded default only)."""
    link: KeyboardSignIn | None = getattr(request.app.state, "keyboard_sign_in", None)
    if link is None or not link.redeem(token):
        return render(request, "error.html", 403, message_key="ops.error.link_used")
    return signed_in(request, read_session(request), "/", new_session(OPS_TOKEN_USER))


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    session = read_session(request)
    check_csrf(session, csrf)
    await end_session(request, session)
    response = RedirectResponse("/login", status_code=303)
    clear_session(response)
    return response
