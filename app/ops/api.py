"""The JSON API under /api/v1: incidents, one incident, its timeline and its exports."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator, BeforeValidator

from app.incidents.measures import measure
from app.incidents.service import IncidentService, NotFound
from app.models import Incident, Verdict, utcnow
from app.ops import exports, queries
from app.ops.api_models import (
    ERRORS,
    NOT_FOUND,
    IncidentDetail,
    IncidentPage,
    Timeline,
    bearer,
    session_cookie,
)
from app.ops.auth import ApiUser, Principal, api_principal, settings_of

NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def no_store(response: Response) -> None:
    """Incident data is never kept by browsers or proxies."""
    response.headers.update(NO_STORE)


# ----- parameters ---------------------------------------------------------------------------------

MAX_ID = queries.MAX_ID
IncidentId = Annotated[
    str,
    Path(
        pattern=r"^([1-9][0-9]{0,17}|[A-Za-z][A-Za-z0-9]{0,15}-[0-9]{4}-[0-9]{1,9})$",
        description="The incident's key (LEAK-YYYY-NNNN, DRILL-YYYY-NNNN) or numeric id.",
    ),
]
Status = Literal["open", "closed"]
SeverityName = Literal["SEV1", "SEV2", "SEV3", "SEV4"]
Format = Literal["json", "csv", "md", "ppc", "ppc.json"]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A day's local range must stay inside what datetime (and the database) can hold.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)


def _iso_text(value: object) -> object:
    # pydantic's lax date also takes 0 (1970-01-01) or a date-time; the API takes YYYY-MM-DD only.
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError("write the day as YYYY-MM-DD")
    return value


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"the day must be between {FIRST_DAY} and {LAST_DAY}")
    return value


Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_in_range)]

router = APIRouter(
    prefix="/api/v1",
    tags=["ops"],
    dependencies=[
        Depends(bearer),
        Depends(session_cookie),
        Depends(api_principal),
        Depends(no_store),
    ],
    responses=ERRORS,
)

EXPORT: dict[str, Any] = {
    "description": "The export as a download (an attachment named after the incident's key).",
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}},
        "text/markdown": {"schema": {"type": "string"}},
    },
    "headers": {"Content-Disposition": {"required": True, "schema": {"type": "string"}}},
}
MEDIA = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "ppc": ("text/markdown; charset=utf-8", "ppc.md"),
    "ppc.json": ("application/json", "ppc.json"),
}


def service_of(request: Request) -> IncidentService:
    service: IncidentService = request.app.state.runtime.service
    return service


def tz_of(request: Request) -> str:
    return settings_of(request).timezone


async def visible_incident(request: Request, key_or_id: str, user: Principal) -> Incident:
    """The incident by key or id, or NotFound when it does not exist or is outside the user's
    workspace (the same answer, so a key says nothing about another workspace)."""
    text = key_or_id.strip()
    if text.isascii() and text.isdigit() and not queries.is_id(text):
        raise NotFound(text)
    incident = await service_of(request).find(text)
    if not user.may_see(incident.workspace_id):
        raise NotFound(text)
    return incident


async def visible_bundle(request: Request, key_or_id: str, user: Principal) -> exports.Bundle:
    """The incident's bundle, or 404 when it does not exist or is outside the token's workspace."""
    try:
        incident = await visible_incident(request, key_or_id, user)
        return await exports.load_bundle(service_of(request), incident.id)
    except NotFound:
        raise HTTPException(404, f"There is no incident {key_or_id}.") from None


def list_item(incident: Incident, verdict: Verdict | None, tz: str) -> dict[str, Any]:
    deadline = queries.deadline_of(incident, verdict)
    return {
        **exports.incident_json(incident, tz),
        "next_deadline": (
            {"clock": deadline[0], "due": exports.iso(deadline[1], tz)} if deadline else None
        ),
    }


@router.get(
    "/incidents",
    summary="Incidents, newest first or by next deadline, cursor-paged",
    response_model=IncidentPage,
)
async def list_incidents(
    request: Request,
    user: ApiUser,
    status: Status | None = None,
    severity: SeverityName | None = None,
    drill: Annotated[bool | None, Query(description="true: drills only; false: none")] = None,
    opened_from: Annotated[
        Day | None, Query(description="opened on or after this day (configured timezone)")
    ] = None,
    opened_to: Annotated[
        Day | None, Query(description="opened on or before this day (configured timezone)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=40, description="next_cursor of the previous page")
    ] = None,
    sort: Annotated[
        Literal["opened", "deadline"],
        Query(
            description="opened: newest first; deadline: the earliest legal clock not yet met "
            "first (overdue ones first), incidents with none last"
        ),
    ] = "opened",
) -> dict[str, Any]:
    if cursor is not None and not queries.valid_cursor(cursor, sort):
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", "cursor"),
                    "msg": "That cursor is not a next_cursor of this sort.",
                    "input": cursor,
                }
            ]
        )
    tz = tz_of(request)
    start, end = queries.day_range(opened_from, opened_to, tz)
    where = queries.IncidentFilter(status, severity, drill, user.workspace_id, start, end)
    page = await queries.list_incidents(
        service_of(request).sessions, where, cursor=cursor, limit=limit, sort=sort
    )
    return {
        "items": [list_item(i, v, tz) for i, v in page.rows],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/incidents/{incident_id}",
    summary="One incident with its verdict and statements",
    response_model=IncidentDetail,
    responses=NOT_FOUND,
)
async def get_incident(request: Request, user: ApiUser, incident_id: IncidentId) -> dict[str, Any]:
    bundle = await visible_bundle(request, incident_id, user)
    tz = tz_of(request)
    summary = exports.summary_json(bundle, tz)
    return {
        "incident": summary["incident"],
        "discovered_at_assumed": summary["discovered_at_assumed"],
        "verdict": bundle.verdict,
        "verdict_version": bundle.verdicts[-1].version if bundle.verdicts else None,
        "statements": summary["statements"],
        "followups": summary["followups"],
        "action_items": summary["action_items"],
        "chain": summary["chain"],
        "response": measure(bundle.incident, bundle.events, bundle.verdict, utcnow()).as_json(),
    }


@router.get(
    "/incidents/{incident_id}/timeline",
    summary="The timeline and its hash chain status",
    response_model=Timeline,
    responses=NOT_FOUND,
)
async def get_timeline(request: Request, user: ApiUser, incident_id: IncidentId) -> dict[str, Any]:
    bundle = await visible_bundle(request, incident_id, user)
    tz = tz_of(request)
    return {
        "incident": bundle.incident.key,
        "chain": exports.chain_status(bundle),
        "events": [exports.event_json(e, tz) for e in bundle.events],
    }


@router.get(
    "/incidents/{incident_id}/export",
    summary="Export: json (complete), csv (timeline), md (report), ppc / ppc.json (PPC report)",
    response_class=StreamingResponse,
    responses={**NOT_FOUND, 200: EXPORT},
)
async def export_incident(
    request: Request,
    user: ApiUser,
    incident_id: IncidentId,
    fmt: Annotated[Format, Query(alias="format")] = "json",
) -> StreamingResponse:
    bundle = await visible_bundle(request, incident_id, user)
    media, extension = MEDIA[fmt]
    chunks = exports.render_text(bundle, fmt, tz_of(request), utcnow())
    return StreamingResponse(
        chunks,
        media_type=media,
        headers={
            **NO_STORE,
            "Content-Disposition": f'attachment; filename="{bundle.incident.key}.{extension}"',
        },
    )
