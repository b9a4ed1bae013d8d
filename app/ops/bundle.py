"""Everything recorded about one incident, read once for every export and the incident page, and
how its values read (`value_label`, `iso`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from app.incidents.service import IncidentService
from app.incidents.timeline import Break, verify_chain
from app.markdown import md
from app.models import ActionItem, Answer, Followup, Incident, Statement, TimelineEvent, Verdict
from app.ops import queries
from app.triage import label
from app.triage.models import FIELD_ENUMS, DataCategory
from app.vocabulary import StatementKind

UNKNOWN = "未確認"
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Bundle:
    """Everything recorded about one incident, read once, for every export and the incident page."""

    incident: Incident
    answers: list[Answer]
    verdicts: list[Verdict]
    statements: list[Statement]
    followups: list[Followup]
    events: list[TimelineEvent]
    chain_break: Break | None
    tasks: list[ActionItem] = field(default_factory=list)  # the action items, by number

    @property
    def verdict(self) -> dict[str, Any] | None:
        return self.verdicts[-1].data if self.verdicts else None

    @property
    def current(self) -> dict[str, Any]:
        return {a.field: a.value for a in self.answers}

    @property
    def awareness_assumed(self) -> bool:
        """Nobody has answered when the company first knew: the report's time stands in."""
        return "discovered_at" not in self.current

    @property
    def notices(self) -> list[Statement]:
        """The notice's versions, every report of the series, oldest first."""
        return [s for s in self.statements if s.kind == StatementKind.NOTICE]

    @property
    def published(self) -> Statement | None:
        """The notice as last approved (the latest report)."""
        return next((s for s in reversed(self.notices) if s.status == "approved"), None)

    @property
    def series(self) -> list[Statement]:
        """Each report of the series (第1報, 第2報, …) as approved, oldest first."""
        reports: dict[int, Statement] = {}
        for s in self.notices:
            if s.status == "approved":
                reports[s.series] = s
        return [reports[n] for n in sorted(reports)]


async def load_bundle(service: IncidentService, incident_id: int) -> Bundle:
    """Reads one incident and its history; NotFound when there is no such incident."""
    incident = await service.get(incident_id)
    events = await service.timeline(incident_id)
    return Bundle(
        incident=incident,
        answers=await queries.answers(service.reads, incident_id),
        verdicts=await service.verdicts(incident_id),
        statements=await queries.statements(service.reads, incident_id),
        followups=await service.followups(incident_id),
        events=events,
        chain_break=verify_chain(incident.key, events, service.config.chain_keys),
        tasks=await service.tasks(incident_id),
    )


def iso(value: datetime | None, tz: str) -> str | None:
    return value.astimezone(ZoneInfo(tz)).isoformat() if value else None


@cache
def markdown_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML: values pass through the `md` filter instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md
    return env


def value_label(field: str, value: Any, lang: str) -> str:
    """An answer value as people read it (labels of closed sets, yes/no, numbers)."""
    if value is None:
        return label(None).get(lang)
    if isinstance(value, list):
        return ("、" if lang == "ja" else ", ").join(
            value_label(field, v, lang) for v in value
        ) or "—"
    if isinstance(value, bool):
        return label(value).get(lang)
    enum_type = FIELD_ENUMS.get(field)
    if enum_type is not None and value in enum_type._value2member_map_:
        member = enum_type(value)
        if member is DataCategory.NONE:  # shares "none" with Encryption in the label table
            return (
                "個人データ・秘密情報は含まれない"
                if lang == "ja"
                else "No personal data or secrets"
            )
        return label(member).get(lang)
    return f"{value:,}" if isinstance(value, int) else str(value)
