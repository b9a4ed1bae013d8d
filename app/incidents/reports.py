"""A report as the acknowledgement records it, before it is an incident (pure).

The ack of `/leak` writes the report alone, as one work row (the floor for an ack that loses
nothing); the worker then takes it: opens its incident or, in a report storm, offers the
reporter the open incident it probably repeats (IncidentService.take_report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.incidents.masking import mask


@dataclass(frozen=True)
class Report:
    title: str  # masked
    reporter: str
    platform: str
    workspace_id: str | None = None
    drill: bool = False
    separate: bool = False  # the reporter chose a separate incident over a similar open one
    source: dict[str, Any] = field(default_factory=dict)  # masked
    masked: tuple[str, ...] = ()  # what the masker found in the title
    reported_at: datetime | None = None  # when the ack recorded it: the company knew from then

    def payload(self) -> dict[str, Any]:
        return {
            "team": self.workspace_id,
            "report": {
                "title": self.title,
                "reporter": self.reporter,
                "platform": self.platform,
                "drill": self.drill,
                "separate": self.separate,
                "source": self.source,
                "masked": list(self.masked),
                "reported_at": self.reported_at.isoformat() if self.reported_at else None,
            },
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Report | None:
        """The report in a work row's payload; None once it was taken (the payload says by
        which incident)."""
        data = payload.get("report")
        if not isinstance(data, dict):
            return None
        return cls(
            title=data["title"],
            reporter=data["reporter"],
            platform=data["platform"],
            workspace_id=payload.get("team"),
            drill=bool(data.get("drill")),
            separate=bool(data.get("separate")),
            source=dict(data.get("source") or {}),
            masked=tuple(data.get("masked") or ()),
            reported_at=datetime.fromisoformat(data["reported_at"])
            if data.get("reported_at")
            else None,
        )


def masked_report(
    title: str,
    reporter_id: str,
    platform: str,
    workspace_id: str | None,
    source: dict[str, Any] | None,
    *,
    drill: bool,
    at: datetime,
    separate: bool = False,
) -> Report:
    """A report as it may be stored: its title and source passed through the masker."""
    masked = mask(title.strip())
    return Report(
        title=masked.text,
        reporter=reporter_id,
        platform=platform,
        workspace_id=workspace_id,
        drill=drill,
        separate=separate,
        source={k: mask(v).text if isinstance(v, str) else v for k, v in (source or {}).items()},
        masked=masked.kinds,
        reported_at=at,
    )
