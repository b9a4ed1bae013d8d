"""The API's OpenAPI schema and its Swagger UI, behind the same login as everything else.

Swagger UI's files are served from here (the `swagger-ui-bundle-v2` package), not from a CDN:
the page loads nothing from another origin, and its Content-Security-Policy says so.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from swagger_ui_bundle import swagger_ui_path

from app.ops.auth import ApiUser, PageUser

router = APIRouter(include_in_schema=False)

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
}
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leakdesk API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script nonce="{nonce}">
SwaggerUIBundle({{url: {url}, dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"}});
</script></body></html>
"""


def csp(nonce: str) -> str:
    # Swagger UI sets style attributes and shows inline SVG/data images; nothing else runs.
    return (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'"
    )


@router.get("/openapi.json")
async def openapi(request: Request, user: ApiUser) -> JSONResponse:
    """The schema, for a bearer token or a signed-in session."""
    return JSONResponse(request.app.openapi(), headers={"Cache-Control": "no-store"})


@router.get("/docs")
async def docs(request: Request, user: PageUser) -> HTMLResponse:
    """Swagger UI for a signed-in person (its requests carry the session cookie)."""
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(
        PAGE.format(nonce=nonce, url=json.dumps("/openapi.json")),
        headers={
            "Content-Security-Policy": csp(nonce),
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/docs/assets/{name}")
async def asset(name: str, user: PageUser) -> Response:
    """Swagger UI's own script and stylesheet, from the installed package."""
    if name not in ASSETS:
        return JSONResponse({"error": "not found"}, status_code=404)
    return FileResponse(
        Path(swagger_ui_path) / name,
        media_type=ASSETS[name],
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
