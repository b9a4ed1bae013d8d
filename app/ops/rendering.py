"""How an ops page is rendered: the templates (autoescaped), the reader's language (`?lang=`
remembered in the session), the helpers every page gets, and the headers that keep an incident
record out of caches and frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from app.i18n import LANGUAGES, format_time, t
from app.ops import views
from app.ops.api import tz_of
from app.ops.auth import read_session, settings_of, write_session

TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,  # every value is text: a note's <script> shows as text
        trim_blocks=True,
        lstrip_blocks=True,
    )
)

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
