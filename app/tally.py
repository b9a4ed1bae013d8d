"""Chat platform API errors, counted in this process by platform, method and error (what
`/metrics` reports as `leakdesk_chat_api_errors_total`): the adapters record, metrics read."""

from __future__ import annotations

import re
import threading
from collections import Counter

# Path words kept as they are when a URL becomes a method label; anything else is an id.
_WORDS = frozenset(
    {
        "teams", "channels", "chats", "members", "installedApps", "enabledApps", "$ref",
        "archive", "users", "checkMemberGroups", "appCatalogs", "teamsApps", "conversations",
        "activities", "v3", "v1.0", "beta", "oauth2", "v2.0", "token", "groups",
    }
)  # fmt: skip
_ROOTS = ("v1.0", "beta", "v3")
_SAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def operation(method: str, path: str) -> str:
    """`POST teams/{id}/channels/{id}/archive`: an HTTP call as a label with few values."""
    segments = [p for p in path.split("?", 1)[0].split("/") if p]
    # from the API's version on (a base URL's own path, e.g. a proxy's prefix, is not the call)
    start = next((i for i, p in enumerate(segments) if p in _ROOTS), 0)
    parts = [p if p in _WORDS else "{id}" for p in segments[start:]]
    return f"{method} {'/'.join(parts)}"


class ApiErrors:
    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()

    def record(self, platform: str, method: str, error: str) -> None:
        key = (platform, method[:80], _SAFE.sub("_", error)[:60] or "unknown")
        with self._lock:
            self._counts[key] += 1

    def counts(self) -> list[tuple[tuple[str, str, str], int]]:
        with self._lock:
            return sorted(self._counts.items())
