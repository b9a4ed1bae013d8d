"""Reports and exports carry text, never markup; sign-out ends a session; wrong tokens are
throttled; /docs loads nothing from another origin."""

from __future__ import annotations

import re

import httpx
import pytest

from app.ops.auth import SESSION_COOKIE
from app.runtime import Runtime
from tests.ops.conftest import AUTH, form_csrf, seed_incident, sign_in

HOSTILE = (
    "<script>alert(1)</script> [click](javascript:alert(1)) "
    "![pixel](https://tracker.example/p.png) <javascript:alert(2)>"
)


def no_markup(text: str) -> None:
    assert 'href="javascript' not in text.lower() and "<img" not in text.lower()
    if text.lstrip().startswith("<!doctype"):  # rendered: escaped markup is shown as text
        return
    assert "<script>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text)  # an unescaped link
    assert "![pixel](" not in text
    assert "<javascript:" not in text


async def test_the_after_action_report_prints_the_title_as_text(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    incident = await seed_incident(runtime, title=HOSTILE, note=HOSTILE)
    await sign_in(client)
    response = await client.get(f"/incidents/{incident.id}/report")
    assert response.status_code == 200
    no_markup(response.text)
    assert "alert(1)" in response.text  # the words are kept, as text


@pytest.mark.parametrize("fmt", ["md", "ppc"])
async def test_markdown_exports_keep_no_links_no_images_no_html(
    client: httpx.AsyncClient, runtime: Runtime, fmt: str
) -> None:
    incident = await seed_incident(runtime, title=HOSTILE, note=HOSTILE)
    response = await client.get(
        f"/api/v1/incidents/{incident.id}/export", params={"format": fmt}, headers=AUTH
    )
    assert response.status_code == 200
    no_markup(response.text)


async def test_a_session_cookie_no_longer_works_after_sign_out(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    kept = client.cookies.get(SESSION_COOKIE)
    page = await client.get("/")
    assert page.status_code == 200
    await client.post("/logout", data={"csrf": form_csrf(page.text)})
    client.cookies.set(SESSION_COOKIE, kept)  # someone kept a copy of the cookie
    assert (await client.get("/")).status_code == 303
    assert (await client.get("/api/v1/incidents")).status_code == 401


async def test_fifty_wrong_tokens_in_a_burst_are_throttled(client: httpx.AsyncClient) -> None:
    statuses = [
        (
            await client.get("/api/v1/incidents", headers={"Authorization": f"Bearer wrong{n}"})
        ).status_code
        for n in range(50)
    ]
    assert statuses[0] == 401
    assert statuses.count(429) >= 25, statuses
    throttled = await client.get("/api/v1/incidents", headers=AUTH)
    assert throttled.status_code == 429  # even the right token waits: guessing learns nothing
    assert int(throttled.headers["retry-after"]) > 0


async def test_wrong_tokens_at_the_sign_in_form_are_throttled(client: httpx.AsyncClient) -> None:
    statuses = [(await sign_in(client, token=f"wrong{n}")).status_code for n in range(30)]
    assert 429 in statuses, statuses


async def test_docs_load_nothing_from_another_origin(client: httpx.AsyncClient) -> None:
    await sign_in(client)
    page = await client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "cdn" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and f'nonce="{nonce.group(1)}"' in page.text
    for source in sources:
        asset = await client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 1000, source
    client.cookies.clear()
    assert (await client.get(sources[0])).status_code == 303  # behind the login too


def test_healthz_work_is_in_the_documented_public_routes() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for doc in ("docs/security.md", "docs/ops.md"):
        text = (root / doc).read_text(encoding="utf-8")
        assert "/healthz/work" in text, doc
