"""Response measures on the ops side: one incident's (its page and API record) and the aggregate
over a window of incidents (`/measures` and `GET /api/v1/measures`), drills left out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field

from app.incidents.measures import Measures, aggregate, measure
from app.models import utcnow
from app.ops import queries
from app.ops.api import Day, no_store, service_of, tz_of
from app.ops.api_models import ERRORS, _Out, bearer, session_cookie
from app.ops.auth import ApiUser, PageUser, Principal, api_principal, page_principal
from app.ops.bundle import Bundle

WINDOW = 200  # incidents measured at most, newest first


def of_bundle(bundle: Bundle) -> Measures:
    return measure(bundle.incident, bundle.events, bundle.verdict, utcnow())


async def window(
    request: Request, user: Principal, first: date | None, last: date | None
) -> dict[str, Any]:
    """The aggregate of the real incidents opened in `first`..`last` (local days)."""
    service = service_of(request)
    start, end = queries.day_range(first, last, tz_of(request))
    where = queries.IncidentFilter(None, None, False, user.workspace_id, start, end)
    page = await queries.list_incidents(service.sessions, where, limit=WINDOW)
    now = utcnow()
    found = [
        measure(
            incident, await service.timeline(incident.id), verdict.data if verdict else None, now
        )
        for incident, verdict in page.rows
    ]
    return {**aggregate(found), "truncated": page.next_cursor is not None}


class Span(_Out):
    count: int = Field(description="Incidents that reached this point.")
    median_seconds: float | None
    p90_seconds: float | None


class Spans(_Out):
    room: Span = Field(description="From the report to the room ready.")
    first_verdict: Span = Field(description="From the report to the first verdict.")
    approved_statement: Span = Field(description="From the report to an approved statement.")


class Aggregate(_Out):
    incidents: int
    spans: Spans
    clocks_met: int = Field(description="Legal clocks recorded as met by their due time.")
    clocks_missed: int = Field(description="Legal clocks met late or not met by their due time.")
    clocks_running: int = Field(description="Legal clocks not due yet and not met.")
    truncated: bool = Field(description=f"More than {WINDOW} incidents: the newest are measured.")


api = APIRouter(
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
DayQuery = Annotated[
    Day | None, Query(description="YYYY-MM-DD: opened on or after / on or before this day")
]


@api.get("/measures", summary="How fast incidents were answered", response_model=Aggregate)
async def measures_api(
    request: Request, user: ApiUser, opened_from: DayQuery = None, opened_to: DayQuery = None
) -> dict[str, Any]:
    return await window(request, user, opened_from, opened_to)


pages = APIRouter(include_in_schema=False, dependencies=[Depends(page_principal)])


@pages.get("/measures", response_class=HTMLResponse)
async def measures_page(
    request: Request, user: PageUser, opened_from: str = "", opened_to: str = ""
) -> Response:
    from app.ops.pages import day
    from app.ops.rendering import render

    first, last = day(opened_from), day(opened_to)
    data = await window(request, user, first, last)
    filters = {"opened_from": opened_from if first else "", "opened_to": opened_to if last else ""}
    return render(request, "measures.html", m=data, filters=filters)
