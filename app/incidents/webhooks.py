"""Outgoing webhooks: which timeline events are announced to ticketing and paging tools, and what
an announcement says — ids, severity, status, times and links, never leaked data or free text.

The rows are written in the event's own transaction (after the deadline has been refreshed), one
per receiving URL, and delivered by `app.webhooks`. They carry no `incident_id`: a slow receiver
must not hold up the room's own rows of the incident, which run in order behind each other. The
incident is named in the payload instead (`incident_id`), so a row that goes dead is still shown
on its incident's timeline (`Lifecycle.on_work_dead`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.reactions import Event, Reactions
from app.models import Incident
from app.vocabulary import EventKind
from app.work.queue import WorkSpec, add_work

WORK_KIND = "webhook"
# About two hours of retries (2 s, 4 s, … then every 15 minutes) before a row is dead.
MAX_ATTEMPTS = 15

# timeline event → the webhook's event type
TYPES: dict[str, str] = {
    EventKind.INCIDENT_OPENED: "incident.opened",
    EventKind.VERDICT_ISSUED: "incident.verdict_changed",
    EventKind.STATEMENT_APPROVED: "incident.statement_approved",
    EventKind.INCIDENT_CLOSED: "incident.closed",
}


@dataclass(frozen=True)
class Webhooks:
    """Where to announce (LEAKDESK_WEBHOOK_URLS), whether drills are announced, and the base of
    the links (LEAKDESK_PUBLIC_URL)."""

    urls: tuple[str, ...]
    drills: bool = False
    public_url: str | None = None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _details(event: Event) -> dict[str, Any] | None:
    """The event's own facts, picked field by field (never its free text); None: not announced."""
    data = event.data
    if event.kind == EventKind.VERDICT_ISSUED:
        return {
            "version": data.get("version"),
            "severity": data.get("severity"),
            "previous_severity": data.get("previous_severity"),
            "rules": list(data.get("rules") or []),
            "provisional": bool(data.get("provisional")),
        }
    if event.kind == EventKind.STATEMENT_APPROVED:
        if not data.get("final"):
            return None  # SEV1's first of two approvals: the statement is not approved yet
        return {
            "kind": data.get("kind", "notice"),
            "series": data.get("series", 1),
            "version": data.get("version"),
            "approvals": data.get("approvals"),
        }
    return {}


def links(incident: Incident, public_url: str | None) -> dict[str, str | None]:
    if not public_url:
        return {"ops": None, "api": None}
    return {
        "ops": f"{public_url}/incidents/{incident.key}",
        "api": f"{public_url}/api/v1/incidents/{incident.key}",
    }


def body(event: Event, *, delivery: str, public_url: str | None) -> dict[str, Any] | None:
    """The JSON a receiver gets for `event`, or None when the event is not announced."""
    details = _details(event)
    if details is None or event.kind not in TYPES:
        return None
    incident = event.incident
    return {
        "id": delivery,
        "type": TYPES[event.kind],
        "occurred_at": _when(event.at),
        "sequence": incident.timeline_seq,
        "incident": {
            "id": incident.id,
            "key": incident.key,
            "drill": incident.is_drill,
            "status": incident.status,
            "severity": incident.severity,
            "severity_call": (incident.severity_call or {}).get("severity"),
            "platform": incident.platform,
            "opened_at": _when(incident.created_at),
            "discovered_at": _when(incident.discovered_at),
            "closed_at": _when(incident.closed_at),
            "next_deadline": _when(incident.deadline_at),
            "links": links(incident, public_url),
        },
        "data": details,
    }


def register_webhooks(reactions: Reactions, webhooks: Webhooks) -> None:
    """Adds a delivery row per URL to the transaction of every announced event."""
    if not webhooks.urls:
        return

    @reactions.within(*TYPES)
    async def _announce(session: AsyncSession, event: Event) -> None:
        if event.incident.is_drill and not webhooks.drills:
            return
        for url in webhooks.urls:
            delivery = uuid.uuid4().hex
            payload = body(event, delivery=delivery, public_url=webhooks.public_url)
            if payload is None:
                return
            spec = WorkSpec(
                WORK_KIND,
                {"url": url, "incident_id": event.incident.id, "body": payload},
                max_attempts=MAX_ATTEMPTS,
            )
            add_work(session, spec, incident_id=None, now=event.at)
