"""Structured logs: one JSON object per line in production, readable lines in development."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: a value carrying one
# could forge a log line or move a terminal's cursor.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str, *, keep_newlines: bool = False) -> str:
    """The text with control characters written as escapes (\\n, \\x1b, \\u2028)."""

    def one(match: re.Match[str]) -> str:
        char = match.group(0)
        if keep_newlines and char == "\n":
            return char
        if char in "\n\r\t":
            return json.dumps(char)[1:-1]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _CONTROL.sub(one, text)


class PlainFormatter(logging.Formatter):
    """Readable lines for development: one record, one line (a traceback keeps its lines)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = escape(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: object) -> str:  # noqa: N802
        return escape(super().formatException(ei), keep_newlines=True)  # type: ignore[arg-type]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in ("incident", "work_id", "kind", "request_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        # json escapes C0 controls itself; U+2028/2029 and C1 controls it leaves as they are.
        return escape(json.dumps(entry, ensure_ascii=False))


def configure(fmt: str = "auto", *, production: bool = False, level: int = logging.INFO) -> None:
    use_json = fmt == "json" or (fmt == "auto" and production)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if use_json
        else PlainFormatter("%(asctime)s %(levelname)-5s %(name)s: %(message)s", "%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic's INFO lines ("Will assume transactional DDL." at every start) say nothing to act
    # on; the embedded database's own migration is announced in leakdesk's line.
    for noisy in ("httpx", "sqlalchemy.engine", "slack_bolt", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in SLACK_SDK:  # (level_set)
        logging.getLogger(name).setLevel(level)
    # A tick still running when the next is due is skipped by design, not worth a warning.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


# The loggers of slack_sdk's Web API and response_url clients, as leakdesk builds them.
SLACK_SDK = ("slack_sdk.web.async_base_client", "slack_sdk.webhook.async_client")


def level_set(name: str) -> logging.Logger:
    """The logger `name` with a level of its own, the root's (for slack_sdk's clients).

    slack_sdk decides whether to build a debug line of every request (its whole body and
    headers) and every response by the logger's own level (`logger.level <= DEBUG`), not by
    whether debug is enabled: a logger left at NOTSET (0) builds both on every call and the
    handlers then drop them, 0.1-0.2 ms of CPU a Slack call (a 12-block post: 1.30 → 1.14 ms).
    """
    logger = logging.getLogger(name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.getLogger().getEffectiveLevel())
    return logger
