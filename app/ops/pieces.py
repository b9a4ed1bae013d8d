"""The statements of an incident in the API: every version of the notice series and of the pack
(GET /api/v1/incidents/{id}/statements), and an approved one as Markdown or as HTML ready to
paste into a website's CMS (…/statements/{kind}/{version}?format=md|html&lang=ja|en)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from app.ops import exports
from app.ops.api import NO_STORE, IncidentId, tz_of, visible_bundle
from app.ops.api import router as api_router
from app.ops.api_models import ERRORS, NOT_FOUND, Problem, StatementOut
from app.ops.auth import ApiUser
from app.statements.pack import render_html

router = APIRouter(
    prefix="/api/v1", tags=["ops"], dependencies=api_router.dependencies, responses=ERRORS
)

Kind = Literal["notice", "social", "letter", "qa"]
Version = Annotated[int, Path(ge=1, le=100_000, description="The version, counted per kind.")]
TextFormat = Literal["md", "html"]
Lang = Literal["ja", "en"]
NOT_APPROVED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "description": "That version is not approved: only approved words are exported.",
    }
}
TEXT: dict[str, Any] = {
    "description": "The approved text as a download: Markdown, or HTML for a website's CMS.",
    "content": {
        "text/markdown": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    },
}


@router.get(
    "/incidents/{incident_id}/statements",
    summary="Every statement version: the notice series (第1報, 第2報, …) and the pack's pieces",
    response_model=list[StatementOut],
    responses=NOT_FOUND,
)
async def list_statements(
    request: Request, user: ApiUser, incident_id: IncidentId
) -> list[dict[str, Any]]:
    bundle = await visible_bundle(request, incident_id, user)
    tz = tz_of(request)
    return [exports.statement_json(s, tz) for s in bundle.statements]


@router.get(
    "/incidents/{incident_id}/statements/{kind}/{version}",
    summary="An approved statement as Markdown, or as HTML ready to paste into a CMS",
    response_class=Response,  # the errors stay JSON problems; the text has its own type
    responses={**NOT_FOUND, **NOT_APPROVED, 200: TEXT},
)
async def export_statement(
    request: Request,
    user: ApiUser,
    incident_id: IncidentId,
    kind: Kind,
    version: Version,
    fmt: Annotated[TextFormat, Query(alias="format")] = "md",
    lang: Lang = "ja",
) -> Response:
    bundle = await visible_bundle(request, incident_id, user)
    found = next((s for s in bundle.statements if (s.kind, s.version) == (kind, version)), None)
    if found is None:
        raise HTTPException(404, f"There is no {kind} version {version} in this incident.")
    if found.status != "approved":
        raise HTTPException(409, f"{kind} version {version} is not approved; approve it first.")
    text = found.texts.get(lang) or ""
    body, media = (render_html(text), "text/html") if fmt == "html" else (text, "text/markdown")
    name = f"{bundle.incident.key}-{kind}-{found.series}-v{version}.{lang}.{fmt}"
    return Response(
        body,
        media_type=f"{media}; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )
