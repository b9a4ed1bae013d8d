"""The API's OpenAPI schema and its Swagger UI, behind the same login as everything else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from app.ops.auth import ApiUser, PageUser

router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
async def openapi(request: Request, user: ApiUser) -> JSONResponse:
    """The schema, for a bearer token or a signed-in session."""
    return JSONResponse(request.app.openapi(), headers={"Cache-Control": "no-store"})


@router.get("/docs")
async def docs(request: Request, user: PageUser) -> HTMLResponse:
    """Swagger UI for a signed-in person (its requests carry the session cookie)."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title="leakdesk API")
