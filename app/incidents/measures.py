"""How fast the company answered an incident — report → room, → first verdict, → approved
statement — and its legal clocks met or missed, read from the timeline (ops page, API, the
aggregate page). Drills are measured too; aggregates leave them out."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.incidents.deadlines import met_at
from app.models import Incident, TimelineEvent
from app.triage.clocks import legal_clocks
from app.vocabulary import EventKind

SPANS = ("room", "first_verdict", "approved_statement")


@dataclass(frozen=True)
class ClockMeasure:
    name: str
    due: datetime
    met_at: datetime | None
    state: str  # met, met_late, missed, running

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "due": self.due.isoformat(),
            "met_at": self.met_at.isoformat() if self.met_at else None,
            "state": self.state,
        }


@dataclass(frozen=True)
class Measures:
    reported_at: datetime
    seconds: dict[str, float | None]  # SPANS → seconds from the report, None: not yet
    clocks: tuple[ClockMeasure, ...]

    @property
    def met(self) -> int:
        return sum(c.state == "met" for c in self.clocks)

    @property
    def missed(self) -> int:
        return sum(c.state in ("missed", "met_late") for c in self.clocks)

    def as_json(self) -> dict[str, Any]:
        return {
            "reported_at": self.reported_at.isoformat(),
            "seconds": dict(self.seconds),
            "clocks": [c.as_json() for c in self.clocks],
            "clocks_met": self.met,
            "clocks_missed": self.missed,
        }


def _first(events: Iterable[TimelineEvent], kind: str, **data: Any) -> datetime | None:
    for event in events:
        if event.kind == kind and all((event.data or {}).get(k) == v for k, v in data.items()):
            return event.at
    return None


def reported_at(incident: Incident, events: Sequence[TimelineEvent]) -> datetime:
    """When the report was acknowledged (before the worker took it), else when it was opened."""
    opened = next((e for e in events if e.kind == EventKind.INCIDENT_OPENED), None)
    raw = (opened.data or {}).get("reported_at") if opened else None
    return datetime.fromisoformat(raw) if raw else incident.created_at


def measure(
    incident: Incident,
    events: Sequence[TimelineEvent],
    verdict: Mapping[str, Any] | None,
    now: datetime,
) -> Measures:
    start = reported_at(incident, events)
    marks = {
        "room": _first(events, EventKind.ROOM_READY),
        "first_verdict": _first(events, EventKind.VERDICT_ISSUED),
        "approved_statement": _first(events, EventKind.STATEMENT_APPROVED, final=True),
    }
    seconds = {k: max(0.0, (at - start).total_seconds()) if at else None for k, at in marks.items()}
    clocks = []
    for clock in legal_clocks(verdict):
        done = met_at(events, clock.name)
        if done is not None:
            state = "met" if done <= clock.due else "met_late"
        else:
            state = "missed" if now > clock.due else "running"
        clocks.append(ClockMeasure(clock.name, clock.due, done, state))
    return Measures(start, seconds, tuple(clocks))


def aggregate(all_measures: Sequence[Measures]) -> dict[str, Any]:
    """Median and 90th percentile of each span over the incidents that reached it, and the
    clocks met and missed (late counts as missed)."""
    spans: dict[str, Any] = {}
    for span in SPANS:
        values = sorted(s for m in all_measures if (s := m.seconds[span]) is not None)
        spans[span] = {
            "count": len(values),
            "median_seconds": statistics.median(values) if values else None,
            "p90_seconds": _p90(values),
        }
    return {
        "incidents": len(all_measures),
        "spans": spans,
        "clocks_met": sum(m.met for m in all_measures),
        "clocks_missed": sum(m.missed for m in all_measures),
        "clocks_running": sum(c.state == "running" for m in all_measures for c in m.clocks),
    }


def _p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, max(0, round(0.9 * len(values)) - 1))]
