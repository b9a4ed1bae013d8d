"""Delivers outgoing webhooks: signs each row's JSON (HMAC-SHA256 over `timestamp.body`) and POSTs
it; a receiver that does not answer 2xx is tried again with the queue's backoff, a delivery that
succeeded is on the incident's timeline (`webhook.delivered`), one that ran out of attempts too
(`work.dead`). What is announced, and when, is decided in `app.incidents.webhooks`."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlsplit

import httpx

from app.incidents.service import IncidentService
from app.incidents.webhooks import WORK_KIND
from app.vocabulary import EventKind
from app.work.queue import Claimed, Retry, WorkQueue

SIGNATURE = "X-Leakdesk-Signature"
TIMESTAMP = "X-Leakdesk-Timestamp"
TIMEOUT = 10.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of `{timestamp}.{body}` under the shared secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def encode(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class Deliverer:
    """The `webhook` rows' handler: one POST per row, signed at send time (a retry is signed
    anew, so its timestamp is fresh), with the delivery id stable across retries."""

    def __init__(
        self, service: IncidentService, secret: str, client: httpx.AsyncClient | None = None
    ) -> None:
        self.service = service
        self.secret = secret
        self.http = client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)

    async def __call__(self, item: Claimed) -> None:
        url, payload = item.payload["url"], item.payload["body"]
        body = encode(payload)
        timestamp = int(self.service.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "leakdesk-webhooks/1",
            "X-Leakdesk-Event": payload["type"],
            "X-Leakdesk-Delivery": payload["id"],
            TIMESTAMP: str(timestamp),
            SIGNATURE: sign(self.secret, timestamp, body),
        }
        host = urlsplit(url).netloc  # never the path or query: they may hold the receiver's token
        try:
            response = await self.http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise Retry(f"webhook to {host}: {type(exc).__name__}") from exc
        if not response.is_success:
            raise Retry(f"webhook to {host} answered {response.status_code}", _after(response))
        await self.service.record_effect(
            int(item.payload["incident_id"]),
            EventKind.WEBHOOK_DELIVERED,
            {
                "type": payload["type"],
                "delivery": payload["id"],
                "host": host,
                "status": response.status_code,
                "attempt": item.attempt,
            },
        )

    async def close(self) -> None:
        await self.http.aclose()


def _after(response: httpx.Response) -> float | None:
    """The receiver's Retry-After in seconds (429, 503), when it gives one as a number."""
    value = response.headers.get("Retry-After", "")
    return min(float(value), 3600.0) if value.isdigit() else None


def attach_webhooks(queue: WorkQueue, deliverer: Deliverer) -> None:
    queue.register(WORK_KIND, deliverer)
