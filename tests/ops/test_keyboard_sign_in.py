"""On the embedded SQLite default, `leakdesk serve` lets the person at the keyboard into the ops
pages with a one-time link it prints; production (PostgreSQL, explicit settings) stays closed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from tests.server_process import Server


def printed_link(server: Server) -> str | None:
    for _ in range(50):
        found = re.search(r"(http://127\.0\.0\.1:\d+/login/once/[\w-]+)", server.log.read_text())
        if found:
            return found.group(1)
        time.sleep(0.1)
    return None


def test_serve_on_the_embedded_default_prints_a_one_time_sign_in_link(tmp_path: Path) -> None:
    server = Server({}, cwd=tmp_path).wait_healthy()
    try:
        link = printed_link(server)
        assert link is not None and link.startswith(server.url), server.log.read_text()
        with httpx.Client(base_url=server.url) as browser:
            before = browser.get("/")
            assert before.status_code == 303 and before.headers["location"].startswith("/login")
            login = browser.get("/login?lang=en")
            assert "one-time sign-in link" in login.text
            opened = browser.get(link, follow_redirects=True)
            assert (
                opened.status_code == 200 and "<table" in opened.text or "incidents" in opened.text
            )
            assert browser.get("/").status_code == 200
        with httpx.Client(base_url=server.url) as someone_else:
            reused = someone_else.get(link + "?lang=en")
            assert reused.status_code == 403 and "already used" in reused.text
            assert someone_else.get("/").status_code == 303
    finally:
        server.stop()


def test_explicit_settings_keep_the_pages_closed_and_print_no_link(tmp_path: Path) -> None:
    server = Server({"LEAKDESK_SESSION_SECRET": "s" * 40}, cwd=tmp_path).wait_healthy()
    try:
        assert printed_link(server) is None
        assert "/login/once/" not in server.log.read_text()
        with httpx.Client(base_url=server.url) as browser:
            assert browser.get("/login/once/anything").status_code == 403
            assert browser.get("/").status_code == 303
    finally:
        server.stop()


def test_only_the_embedded_development_default_gets_a_link() -> None:
    from app.ops.auth import KeyboardSignIn
    from tests.conftest import make_settings

    assert KeyboardSignIn.wanted(make_settings("sqlite+aiosqlite:///x.db"))
    for closed in (
        make_settings("postgresql://postgres@127.0.0.1:5432/leakdesk"),
        make_settings("sqlite+aiosqlite:///x.db", ops_token="t" * 32),
        make_settings("sqlite+aiosqlite:///x.db", session_secret="s" * 32),
    ):
        assert not KeyboardSignIn.wanted(closed)
