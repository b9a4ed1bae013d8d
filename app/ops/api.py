"""The JSON API under /api/v1: incidents, one incident, its timeline and its exports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.incidents.service import IncidentService, NotFound
from app.models import Incident, Verdict, utcnow
from app.ops import exports, queries
from app.ops.auth import ApiUser, Principal, api_principal, settings_of

NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def no_store(response: Response) -> None:
    """Incident data is never kept by browsers or proxies."""
    response.headers.update(NO_STORE)


router = APIRouter(
    prefix="/api/v1", tags=["ops"], dependencies=[Depends(api_principal), Depends(no_store)]
)

MAX_ID = 2**63 - 1
IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The incident's numeric id.")]
Status = Literal["open", "closed"]
SeverityName = Literal["SEV1", "SEV2", "SEV3", "SEV4"]
Format = Literal["json", "csv", "md", "ppc", "ppc.json"]

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


async def visible_bundle(request: Request, incident_id: int, user: Principal) -> exports.Bundle:
    """The incident's bundle, or 404 when it does not exist or is outside the token's workspace."""
    try:
        bundle = await exports.load_bundle(service_of(request), incident_id)
    except NotFound:
        raise HTTPException(404, f"There is no incident {incident_id}.") from None
    if not user.may_see(bundle.incident.workspace_id):
        raise HTTPException(404, f"There is no incident {incident_id}.")
    return bundle


def list_item(incident: Incident, verdict: Verdict | None, tz: str) -> dict[str, Any]:
    deadline = queries.next_deadline(incident, verdict, utcnow())
    return {
        **exports.incident_json(incident, tz),
        "next_deadline": (
            {"clock": deadline[0], "due": exports.iso(deadline[1], tz)} if deadline else None
        ),
    }


@router.get("/incidents", summary="Incidents, newest first, cursor-paged")
async def list_incidents(
    request: Request,
    user: ApiUser,
    status: Status | None = None,
    severity: SeverityName | None = None,
    drill: bool | None = None,
    opened_from: Annotated[
        date | None, Query(description="opened on or after this day (configured timezone)")
    ] = None,
    opened_to: Annotated[
        date | None, Query(description="opened on or before this day (configured timezone)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="next_cursor of the previous page")
    ] = None,
) -> dict[str, Any]:
    tz = tz_of(request)
    start, end = queries.day_range(opened_from, opened_to, tz)
    where = queries.IncidentFilter(status, severity, drill, user.workspace_id, start, end)
    page = await queries.list_incidents(
        service_of(request).sessions, where, cursor=cursor, limit=limit
    )
    return {
        "items": [list_item(i, v, tz) for i, v in page.rows],
        "next_cursor": page.next_cursor,
    }


@router.get("/incidents/{incident_id}", summary="One incident with its verdict and statements")
async def get_incident(request: Request, user: ApiUser, incident_id: IncidentId) -> dict[str, Any]:
    bundle = await visible_bundle(request, incident_id, user)
    tz = tz_of(request)
    summary = exports.summary_json(bundle, tz)
    return {
        "incident": summary["incident"],
        "verdict": bundle.verdict,
        "verdict_version": bundle.verdicts[-1].version if bundle.verdicts else None,
        "statements": summary["statements"],
        "followups": summary["followups"],
        "chain": summary["chain"],
    }


@router.get("/incidents/{incident_id}/timeline", summary="The timeline and its hash chain status")
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
