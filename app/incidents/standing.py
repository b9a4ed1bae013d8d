"""Where an incident stands as its people decided: who holds each role, and the severity that
counts for the room's cadence (the more severe of the policy's verdict and the lead's call)."""

from __future__ import annotations

from app.models import Incident
from app.vocabulary import EventKind

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
# What people change about who runs the incident and what is left to do (the room shows each;
# the follow-ups are re-planned on each).
STANDING_EVENTS = (
    EventKind.ROLE_ASSIGNED,
    EventKind.SEVERITY_CALLED,
    EventKind.TASK_ADDED,
    EventKind.TASK_CHANGED,
    EventKind.TASK_DONE,
    EventKind.TASK_DROPPED,
)


def effective_severity(incident: Incident) -> str | None:
    """The more severe of the policy's verdict and the lead's call (what the room's cadence
    follows)."""
    called = (incident.severity_call or {}).get("severity")
    found = [s for s in (incident.severity, called) if s in SEVERITIES]
    return min(found) if found else None  # "SEV1" < "SEV2"


def holder(incident: Incident, role: str) -> str | None:
    return (incident.roles or {}).get(role)
