"""Server-rendered ops pages: the incidents list, one incident's record, and sign-in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.i18n import LANGUAGES, format_time, other, t
from app.identity import Pending, SignIn, SignInError
from app.incidents.service import NotFound
from app.models import Incident, utcnow
from app.ops import exports, queries, views
from app.ops.api import IncidentId, service_of, tz_of, visible_incident
from app.ops.auth import (
    OPS_TOKEN_USER,
    KeyboardSignIn,
    PageUser,
    check_csrf,
    check_ops_token,
    clear_session,
    end_session,
    new_session,
    note_failure,
    page_principal,
    read_session,
    refuse_if_throttled,
    safe_next,
    settings_of,
    write_session,
)
from app.ops.measures import of_bundle

TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every value is text: a note's <script> shows as text
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
STATUSES = ("open", "closed")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
DRILLS = {"yes": True, "no": False}
PAGE_SIZE = 50
EXPORTS = (("json", "json"), ("csv", "csv"), ("md", "md"), ("ppc", "ppc"), ("ppc.json", "ppc_json"))

# Incident records must not be cached, framed or able to run script, even if escaping ever slipped.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}

router = APIRouter(include_in_schema=False)
protected = APIRouter(include_in_schema=False, dependencies=[Depends(page_principal)])


def language(request: Request, session: dict[str, Any]) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    stored = session.get("lang")
    return stored if stored in LANGUAGES else settings_of(request).language


def render(
    request: Request,
    name: str,
    status_code: int = 200,
    session: dict[str, Any] | None = None,
    **context: Any,
) -> Response:
    """A page in the reader's language; `?lang=` switches it and is remembered in the session."""
    session = read_session(request) if session is None else session
    lang = language(request, session)
    tz = tz_of(request)
    response = TEMPLATES.TemplateResponse(
        request,
        name,
        {
            **context,
            "lang": lang,
            "other_lang": "en" if lang == "ja" else "ja",
            "signed_in": bool(session.get("user")),
            "signed_in_as": session.get("name") or session.get("user") or "",
            "csrf": session.get("csrf", ""),
            "t": lambda key, /, **values: t(key, lang, **values),
            "when": lambda value: format_time(value, lang, tz),
            "fields": lambda data: views.event_fields(data, lang, tz),
            "badge": lambda prefix, value: views.badge(prefix, value, lang),
            "answer_label": lambda field: views.answer_label(field, lang),
            "followup_label": lambda kind, key: views.followup_label(kind, key, lang),
            "duration": lambda seconds: views.duration(seconds, lang),
        },
        status_code=status_code,
    )
    response.headers.update(PAGE_HEADERS)
    if session and session.get("lang") != lang and request.query_params.get("lang") == lang:
        write_session(request, response, {**session, "lang": lang})
    return response


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


TEMPLATES.env.filters["json"] = as_json


# ----- sign-in ------------------------------------------------------------------------------------


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


def day(text: str) -> date | None:
    """A YYYY-MM-DD day from a form field; anything else is no filter."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


# ----- incidents ----------------------------------------------------------------------------------


@protected.get("/", response_class=HTMLResponse)
async def incidents_page(
    request: Request,
    user: PageUser,
    status: str = "",
    severity: str = "",
    drill: str = "",
    cursor: str = "",
    opened_from: str = "",
    opened_to: str = "",
    sort: str = "",
) -> Response:
    sort = sort if sort in queries.SORTS else queries.SORTS[0]
    start, end = queries.day_range(day(opened_from), day(opened_to), tz_of(request))
    where = queries.IncidentFilter(
        status if status in STATUSES else None,
        severity if severity in SEVERITIES else None,
        DRILLS.get(drill),
        user.workspace_id,
        start,
        end,
    )
    page = await queries.list_incidents(
        service_of(request).sessions, where, cursor=cursor, limit=PAGE_SIZE, sort=sort
    )
    rows = [(i, queries.deadline_of(i, v)) for i, v in page.rows]
    filters = {
        "sort": sort if sort != queries.SORTS[0] else "",
        "status": status,
        "severity": severity,
        "drill": drill,
        "opened_from": opened_from if day(opened_from) else "",
        "opened_to": opened_to if day(opened_to) else "",
    }
    return render(
        request,
        "incidents.html",
        rows=rows,
        filters=filters,
        statuses=STATUSES,
        severities=SEVERITIES,
        sorts=queries.SORTS,
        now=utcnow(),
        next_cursor=page.next_cursor,
        next_query={k: v for k, v in filters.items() if v},
    )


@protected.get("/incidents/{incident_id}", response_class=HTMLResponse)
async def incident_page(request: Request, user: PageUser, incident_id: IncidentId) -> Response:
    try:
        found = await visible_incident(request, incident_id, user)
        bundle = await exports.load_bundle(service_of(request), found.id)
    except NotFound:
        return render(request, "error.html", 404, message_key="ops.error.not_found")
    now, clocks = utcnow(), queries.clocks(bundle.verdict)
    chart = views.deadline_chart(
        [(e.at, e.kind) for e in bundle.events],
        [(at, name) for name, at in clocks],
        bundle.incident.discovered_at,
        now,
        tz=tz_of(request),
    )
    return render(
        request,
        "incident.html",
        b=bundle,
        i=bundle.incident,
        v=bundle.verdict,
        clocks=clocks,
        chain=exports.chain_status(bundle),
        chart=chart,
        diffs={lang: views.statement_diffs(bundle.statements, lang) for lang in LANGUAGES},
        now=now,
        exports=EXPORTS,
        value_label=exports.value_label,
        response=of_bundle(bundle),
    )


router.include_router(protected)


@protected.get("/incidents/{incident_id}/report", response_class=HTMLResponse)
async def incident_report(
    request: Request, user: PageUser, incident_id: IncidentId, format: str = ""
) -> Response:
    """The after-action report, the same as `leakdesk report`: a page; `?format=md` for its
    Markdown, `?format=pdf` for a PDF of the PPC report and the after-action report."""
    from app.drills.report import after_action_report

    service = service_of(request)
    try:
        incident = await visible_incident(request, incident_id, user)
    except NotFound:
        return render(request, "error.html", 404, message_key="ops.error.not_found")
    if format == "pdf":
        return await incident_pdf_response(request, incident)
    lang = language(request, read_session(request))  # the page's language, as its labels
    text = await after_action_report(service, incident.id, lang=lang, tz=tz_of(request))
    if format == "md":
        return PlainTextResponse(
            text, media_type="text/markdown; charset=utf-8", headers=PAGE_HEADERS
        )
    return render(request, "report.html", i=incident, report=markdown_html(text))


MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in the text stays text


def markdown_html(text: str) -> Markup:
    """Markdown that leakdesk wrote (the after-action report), as HTML; any HTML inside it,
    e.g. in an incident's title, is escaped, never passed through."""
    return Markup(MARKDOWN.render(text))  # noqa: S704 - html is off: markdown-it escapes it


async def incident_pdf_response(request: Request, incident: Incident) -> Response:
    """The same PDF as `leakdesk export ID --format pdf`, as a download."""
    from app.ops.pdf import NoFont, incident_pdf

    try:
        data = await incident_pdf(service_of(request), incident.id, tz=tz_of(request), now=utcnow())
    except NoFont:
        return render(request, "error.html", 503, message_key="ops.error.no_pdf_font")
    return Response(
        data,
        media_type="application/pdf",
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="{incident.key}.pdf"',
        },
    )
