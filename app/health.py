"""Liveness and readiness endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.migrate import schema_status

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.runtime.engine
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        current, detail = await schema_status(engine)
    except Exception as exc:  # any driver error means "not ready", with the reason
        return JSONResponse({"status": "unavailable", "reason": f"database: {exc}"[:300]}, 503)
    if not current:
        return JSONResponse({"status": "unavailable", "reason": detail}, 503)
    return JSONResponse({"status": "ready", "schema": detail})
