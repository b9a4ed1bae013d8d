"""Server-rendered ops pages: the incidents list, one incident's record and its report (sign-in is
`signin_pages.py`, the rendering they share `rendering.py`)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.i18n import LANGUAGES
from app.incidents.service import NotFound
from app.models import Incident, utcnow
from app.ops import exports, queries, signin_pages, views
from app.ops.api import IncidentId, service_of, tz_of, visible_incident
from app.ops.auth import PageUser, page_principal, read_session
from app.ops.measures import of_bundle
from app.ops.rendering import PAGE_HEADERS, language, render

STATUSES = ("open", "closed")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
DRILLS = {"yes": True, "no": False}
PAGE_SIZE = 50
EXPORTS = (("json", "json"), ("csv", "csv"), ("md", "md"), ("ppc", "ppc"), ("ppc.json", "ppc_json"))


router = APIRouter(include_in_schema=False)
protected = APIRouter(include_in_schema=False, dependencies=[Depends(page_principal)])

router.include_router(signin_pages.router)


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
