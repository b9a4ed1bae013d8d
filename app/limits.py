"""Request body limits enforced while the body streams in, for every route (ASGI middleware).

A size check after `await request.body()` comes too late: a chunked body with no Content-Length
is read whole first (150 MiB cost the process 250 MiB). Here a declared length over the limit is
refused before a byte is read, and a stream is cut off at the first chunk past the limit.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# Slack's and Teams' payloads are far smaller (a modal's state is the largest, under 100 KiB);
# the ops pages take only small forms.
DEFAULT_LIMIT = 256 * 1024


class BodyTooLarge(Exception):
    """Raised inside the app when the body passes the limit; answered here with a 413."""


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared == "invalid":
            await _refuse(send, 400, "invalid Content-Length")
            return
        if isinstance(declared, int) and declared > self.limit:
            log.info("refused a request body of %d bytes on %s", declared, scope.get("path"))
            await _refuse(send, 413, "request body too large")
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            log.info(
                "refused a streamed request body past %d bytes on %s", self.limit, scope["path"]
            )
            if not started:
                await _refuse(send, 413, "request body too large")


def _content_length(scope: Scope) -> int | str | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) <= 18 else "invalid"
    return None


async def _refuse(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
