"""Makes the incident room's screenshots in docs/images/ from the Block Kit the bot really posts.

    python docs/room_screenshots.py        # needs Debian's chromium and `pip install -e '.[test]'`

Walks a card-data SEV1 (two PR leads) and a misdirected e-mail (SEV3) from `/leak` to the
approved statement through the real bolt app and the fake Slack (tests/slack/room_walk.py), in
Japanese and in English, then draws the room's channel and the verdict's thread as Slack's client
lays them out (docs/blockkit_html.py) and saves them with headless Chromium:

    docs/images/room-sev1-{ja,en}.png          the channel: summary, triage card, living verdict
    docs/images/room-sev1-thread-{ja,en}.png   the verdict's thread: changes, draft, approvals
    docs/images/room-sev3-ja.png               the misdirected e-mail's channel
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from blockkit_html import message, page  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from app.migrate import upgrade  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.slack.conftest import driven  # noqa: E402
from tests.slack.room_walk import CARD_SEV1, MISDIRECTED_SEV3, walk  # noqa: E402

IMAGES = ROOT / "docs" / "images"
CHROMIUM = shutil.which("chromium")  # Debian's package, found on PATH (as docs/screenshots.py)

WALKS = {
    "sev1": (
        {"ja": "ウェブショップでカード情報漏えいの疑い", "en": "Card data skimmed on the web shop"},
        CARD_SEV1,
        ["U0LEAD1", "U0LEAD2"],
    ),
    "sev3": (
        {"ja": "顧客リストを誤送信", "en": "Customer list e-mailed to the wrong address"},
        MISDIRECTED_SEV3,
        ["U0LEAD1"],
    ),
}


def _names(fake: FakeSlack) -> Any:
    def name(user: str) -> str:
        if user.startswith("B") or not user:
            return "leakdesk"
        try:
            found = fake.user(user)
        except Exception:  # an id the fake does not know: show it as Slack would, raw
            return user
        return str(found.get("real_name") or found.get("name") or user)

    return name


def _time(ts: str, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(float(ts), UTC).astimezone(ZoneInfo(tz)).strftime("%H:%M")


def _panes(fake: FakeSlack, room: dict[str, Any], verdict_ts: str | None) -> tuple[str, str]:
    names = _names(fake)
    tz = "Asia/Tokyo"
    messages = fake.messages(room["id"])
    top = [m for m in messages if m["thread_ts"] in (None, m["ts"])]
    channel = [
        message(
            m,
            names,
            replies=sum(1 for r in messages if r["thread_ts"] == m["ts"] and r["ts"] != m["ts"]),
            edited=bool(m.get("edited")),
            time=_time(m["ts"], tz),
        )
        for m in top
    ]
    topic = room.get("topic", {}).get("value", "")
    channel_html = page(f"🔒 {room['name']}", topic, channel)
    thread = fake.thread(room["id"], verdict_ts) if verdict_ts else []
    thread_html = page(
        "スレッド / Thread",
        room["name"],
        [message(m, names, edited=bool(m.get("edited")), time=_time(m["ts"], tz)) for m in thread],
    )
    return channel_html, thread_html


async def _walk(name: str, lang: str, folder: Path) -> tuple[str, str]:
    summaries, facts, approvers = WALKS[name]
    url = f"sqlite+aiosqlite:///{folder / f'{name}-{lang}.db'}"
    await asyncio.to_thread(upgrade, url)
    with FakeSlack() as fake:
        async with driven(url, fake, language=lang) as slack:
            counts = await walk(slack, summaries[lang], facts, approvers)
            print(f"{name} {lang}: {counts.line()}")
            verdict = slack.message_with_ref("verdict:1")
            return _panes(fake, slack.room(), verdict.get("ts"))


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="leakdesk-room-"))
    shots: dict[str, str] = {}
    try:
        for lang in ("ja", "en"):
            channel, thread = await _walk("sev1", lang, folder)
            shots[f"room-sev1-{lang}"] = channel
            shots[f"room-sev1-thread-{lang}"] = thread
        shots["room-sev3-ja"] = (await _walk("sev3", "ja", folder))[0]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM)
            page_ = await browser.new_page(viewport={"width": 760, "height": 600})
            for name, markup in shots.items():
                await page_.set_content(markup)
                await page_.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)
                print(f"docs/images/{name}.png")
            await browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if CHROMIUM is None:
        sys.exit("chromium is not on PATH: apt-get install chromium")
    asyncio.run(main())
