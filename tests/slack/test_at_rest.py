"""With the encryption key set, nothing anyone wrote is readable in the database file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from app.incidents.crypto import vault
from app.main import create_app
from app.runtime import build_runtime
from tests.conftest import SIGNING_SECRET
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackRequests
from tests.slack.conftest import Slack, slack_settings
from tests.slack.test_statements import open_with_verdict

MARKERS = ("qzxtitle", "qzxnote", "qzxedit", "qzxresolution", "qzxrepeat")


async def test_no_planted_marker_is_readable_in_the_raw_database_file(
    database_url: str, fake_slack: FakeSlack
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("reads the SQLite file itself")
    settings = slack_settings(
        database_url, fake_slack, encryption_key=Fernet.generate_key().decode()
    )
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as http:
            slack = Slack(
                fake_slack,
                SlackRequests(SIGNING_SECRET, response_url=fake_slack.response_url),
                http,
                runtime,
            )
            await open_with_verdict(slack, title="qzxtitle customer list sent to a supplier")
            room = slack.room()["id"]
            await slack.command("note qzxnote called the supplier", user="U0RESP1", channel=room)
            await slack.press("statement", "statement_edit", user="U0LEAD1")
            (view,) = [v for v in fake_slack.views if v.get("callback_id") == "statement_edit"]
            await slack.send(
                slack.requests.submit(view, {"text_en": "qzxedit notice"}, user_id="U0LEAD1")
            )
            await slack.command("qzxrepeat customer list sent to a supplier", user="U0OTHER")
            await slack.work()
            await slack.close("qzxresolution supplier deleted it")
            await slack.work()
            assert "qzx" not in slack.room()["name"]
    finally:
        await runtime.close()
        vault.configure(None)
    path = Path(database_url.split("///", 1)[1])
    raw = b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()
    ).lower()
    found = [marker for marker in MARKERS if marker.encode() in raw]
    assert found == [], f"readable at rest: {found}"
