"""Structured logs: one JSON object per line in production, readable lines in development."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


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
        return json.dumps(entry, ensure_ascii=False)


def configure(fmt: str = "auto", *, production: bool = False, level: int = logging.INFO) -> None:
    use_json = fmt == "json" or (fmt == "auto" and production)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if use_json
        else logging.Formatter("%(asctime)s %(levelname)-5s %(name)s: %(message)s", "%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "sqlalchemy.engine", "slack_bolt", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # A tick still running when the next is due is skipped by design, not worth a warning.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
