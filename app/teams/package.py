"""The Teams app package (`leakdesk teams-package`): manifest.json and two icons in a zip."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.i18n import t
from app.settings import Settings
from app.teams.graph import GUID

MANIFEST_VERSION = "1.22"
SCHEMA = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"
    "/MicrosoftTeams.schema.json"
)
ACCENT = (0xC0, 0x39, 0x2B)
REPORT_COMMAND = "reportLeak"
TASK_COMMAND = "createTask"  # the "Create action item" message action (app/teams/standing.py)
TIMELINE_COMMAND = "addToTimeline"  # app/teams/timeline.py


def message_action(command: str, title: str, description: str, lang: str) -> dict[str, Any]:
    """An action command in a message's "…" menu, run without a dialog (its note optional)."""
    return {
        "id": command,
        "type": "action",
        "title": t(title, lang),
        "description": t(description, lang),
        "context": ["message"],
        "fetchTask": False,
        "parameters": [
            {
                "name": "note",
                "title": t("teams.package.note", lang),
                "description": t("teams.package.note", lang),
                "inputType": "textarea",
            }
        ],
    }


def manifest(
    settings: Settings,
    *,
    version: str,
    website: str,
    privacy: str,
    terms: str,
    developer: str,
) -> dict[str, Any]:
    """The manifest from the settings: the app id is the bot's Azure app (client) id."""
    if not settings.teams_app_id:
        raise ValueError("TEAMS_APP_ID is not set: register the bot in Azure first")
    if not GUID.match(settings.teams_app_id):
        raise ValueError(
            f"TEAMS_APP_ID must be a GUID (the bot's Application (client) ID in Azure), "
            f"not {settings.teams_app_id!r}"
        )
    lang = settings.language
    bot = settings.teams_app_id
    commands = [
        {"title": word, "description": t(f"teams.package.command.{word}", lang)}
        for word in ("leak", "help")
    ]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": bot,
        "developer": {
            "name": developer,
            "websiteUrl": website,
            "privacyUrl": privacy,
            "termsOfUseUrl": terms,
        },
        "name": {"short": "leakdesk", "full": t("teams.package.name", lang)},
        "description": {
            "short": t("teams.package.short", lang),
            "full": t("teams.package.full", lang),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": bot,
                "scopes": ["personal", "team", "groupChat"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["personal", "team", "groupChat"], "commands": commands}
                ],
            }
        ],
        "composeExtensions": [
            {
                "botId": bot,
                "commands": [
                    message_action(REPORT_COMMAND, "shortcut.title", "teams.package.report", lang),
                    message_action(
                        TIMELINE_COMMAND,
                        "timeline.action_title",
                        "timeline.action_description",
                        lang,
                    ),
                    {
                        **message_action(
                            TASK_COMMAND, "task.shortcut_title", "teams.package.task", lang
                        ),
                        "parameters": [
                            {
                                "name": "due",
                                "title": t("task.field.due", lang)[:32],
                                "description": t("task.field.due", lang),
                                "inputType": "text",
                            }
                        ],
                    },
                ],
            }
        ],
        # The incident room is a private channel: without this Teams does not let the app in.
        "supportedChannelTypes": ["privateChannels"],
        # The Azure AD app behind the bot (the same id): what admins consent to for Graph.
        "webApplicationInfo": {"id": bot},
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def write_package(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return path


# ----- icons (PNG written directly: no imaging library needed) --------------------------------

Pixel = tuple[int, int, int, int]


def png(size: int, paint: Callable[[int, int], Pixel]) -> bytes:
    """An RGBA PNG of size × size whose pixel (x, y) is paint(x, y)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(paint(x, y)) for x in range(size)) for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _drop(x: float, y: float) -> bool:
    """A water drop (a leak) in the unit square."""
    cx, cy, r = 0.5, 0.62, 0.24
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return True
    return 0.14 <= y <= cy and abs(x - cx) <= (y - 0.14) / (cy - 0.14) * r


def color_icon() -> bytes:
    """192 × 192, full colour: a white drop on the accent colour."""
    white, accent = (255, 255, 255, 255), (*ACCENT, 255)
    return png(192, lambda x, y: white if _drop(x / 192, y / 192) else accent)


def outline_icon() -> bytes:
    """32 × 32, white on transparent, as Teams requires for the outline icon."""
    white, clear = (255, 255, 255, 255), (0, 0, 0, 0)
    return png(32, lambda x, y: white if _drop((x + 0.5) / 32, (y + 0.5) / 32) else clear)
