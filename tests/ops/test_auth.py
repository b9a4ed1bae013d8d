"""Nothing under /api or the ops pages is public: every route refuses a request without a login."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI

from app.main import create_app
from app.models import Incident
from app.ops.auth import SESSION_COOKIE
from tests.conftest import make_settings
from tests.ops.conftest import AUTH, OPS_TOKEN, form_csrf, sign_in

PUBLIC = {
    "/healthz",
    "/readyz",
    "/healthz/work",  # counts and an age, for monitoring: no incident data
    "/slack/events",
    "/api/messages",
    "/login",
}
MUST_BE_PROTECTED = {
    "/",
    "/docs",
    "/openapi.json",
    "/incidents/{incident_id}",
    "/logout",
    "/api/v1/incidents",
    "/api/v1/incidents/{incident_id}",
    "/api/v1/incidents/{incident_id}/timeline",
    "/api/v1/incidents/{incident_id}/export",
}


def refused(response: httpx.Response) -> bool:
    if response.status_code == 303:
        return response.headers["location"].startswith("/login")
    return response.status_code in (401, 403, 503)


def app_routes(app: FastAPI) -> list[Any]:
    """Every route the app serves, including those of included routers (FastAPI ≥0.16x nests them)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


async def assert_every_route_refuses(app: FastAPI, incident_id: int) -> set[str]:
    transport = httpx.ASGITransport(app=app)
    seen = set()
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for route in app_routes(app):
            path = getattr(route, "path", "")
            if path in PUBLIC:
                continue
            url = re.sub(r"{[^}]+}", str(incident_id), path) or "/"
            for method in sorted(getattr(route, "methods", None) or {"GET", "POST"}):
                response = await client.request(method, url)
                assert refused(response), f"{method} {path} answered {response.status_code}"
                seen.add(path)
    return seen


async def test_every_route_refuses_without_a_login(app: FastAPI, incident: Incident) -> None:
    seen = await assert_every_route_refuses(app, incident.id)
    assert MUST_BE_PROTECTED <= seen


async def test_without_secrets_every_route_is_closed(database_url: str) -> None:
    app = create_app(make_settings(database_url), start_worker=False)
    try:
        assert MUST_BE_PROTECTED <= await assert_every_route_refuses(app, 1)
    finally:
        await app.state.runtime.close()


async def test_pages_without_a_session_secret_say_which_setting_to_set(
    database_url: str,
) -> None:
    app = create_app(make_settings(database_url, ops_token=OPS_TOKEN), start_worker=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/")
        login = await client.get("/login")
    await app.state.runtime.close()
    assert page.status_code == 503 and "LEAKDESK_SESSION_SECRET" in page.text
    assert login.status_code == 503 and "LEAKDESK_SESSION_SECRET" in login.text


async def test_pages_send_strangers_to_the_login_form(client: httpx.AsyncClient) -> None:
    response = await client.get("/incidents/1?lang=en")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/incidents/1%3Flang%3Den"


async def test_signing_in_with_the_ops_token_opens_the_pages(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    response = await sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = await client.get("/")
    assert page.status_code == 200 and incident.key in page.text
    api = await client.get("/api/v1/incidents")  # the API accepts the ops session too
    assert api.status_code == 200


async def test_a_wrong_token_does_not_sign_in(client: httpx.AsyncClient) -> None:
    response = await sign_in(client, "not-the-token")
    assert response.status_code == 401
    assert (await client.get("/")).status_code == 303


async def test_login_needs_the_forms_csrf_token(client: httpx.AsyncClient) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"token": OPS_TOKEN, "csrf": "forged"})
    assert response.status_code == 403
    assert (await client.get("/")).status_code == 303


async def test_login_never_redirects_off_site(client: httpx.AsyncClient) -> None:
    page = await client.get("/login?next=//evil.example/")
    response = await client.post(
        "/login",
        data={"token": OPS_TOKEN, "csrf": form_csrf(page.text), "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/"


async def test_a_forged_session_cookie_is_ignored(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    cookie = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    assert (await client.get("/")).status_code == 303


async def test_logout_ends_the_session_and_needs_csrf(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    page = await client.get("/")
    assert (await client.post("/logout", data={"csrf": "forged"})).status_code == 403
    assert (await client.get("/")).status_code == 200
    response = await client.post("/logout", data={"csrf": form_csrf(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert (await client.get("/")).status_code == 303


async def test_the_api_schema_and_its_ui_need_a_login_too(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    for path in ("/docs", "/openapi.json", "/redoc", "/docs/oauth2-redirect"):
        response = await client.get(path)
        assert response.status_code in (303, 401, 404), path
    schema = await client.get("/openapi.json", headers=AUTH)
    assert schema.status_code == 200 and "/api/v1/incidents" in schema.json()["paths"]
    assert incident.key not in schema.text
    await sign_in(client)
    assert "swagger" in (await client.get("/docs")).text.lower()
    assert (await client.get("/openapi.json")).status_code == 200


async def test_incident_data_is_never_cached_framed_or_scripted(
    client: httpx.AsyncClient, incident: Incident
) -> None:
    await sign_in(client)
    page = await client.get(f"/incidents/{incident.id}")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text  # the pages need no script at all
    for path in ("", "/timeline", "/export?format=csv"):
        response = await client.get(f"/api/v1/incidents/{incident.id}{path}")
        assert response.headers["cache-control"] == "no-store", path
