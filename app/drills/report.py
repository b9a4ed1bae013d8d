"""After-action report for any incident, drill or real, built from its timeline (Markdown)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.i18n import format_time, t
from app.incidents.service import IncidentService
from app.models import Followup, FollowupState, TimelineEvent


def _first(events: list[TimelineEvent], kind: str) -> datetime | None:
    return next((e.at for e in events if e.kind == kind), None)


def _span(start: datetime, end: datetime | None, lang: str) -> str:
    if end is None:
        return t("report.not_yet", lang)
    minutes = int((end - start) / timedelta(minutes=1))
    return t("report.minutes", lang, hours=minutes // 60, minutes=minutes % 60)


async def after_action_report(
    service: IncidentService, incident_id: int, *, lang: str, tz: str
) -> str:
    incident = await service.get(incident_id)
    events = await service.timeline(incident_id)
    verdicts = await service.verdicts(incident_id)
    followups = await service.followups(incident_id)
    opened = incident.created_at
    lines = [
        f"# {t('report.title', lang, key=incident.key)}"
        + (" [DRILL]" if incident.is_drill else ""),
        "",
        f"- {t('report.summary', lang)}: {incident.title}",
        f"- {t('report.opened', lang)}: {format_time(opened, lang, tz)}",
        f"- {t('report.status', lang)}: {t(f'ops.status.{incident.status}', lang)}"
        + (f" ({format_time(incident.closed_at, lang, tz)})" if incident.closed_at else ""),
        f"- {t('report.severity', lang)}: {incident.severity or '—'}"
        f" ({t('report.versions', lang, count=len(verdicts))})",
        "",
        f"## {t('report.times', lang)}",
        f"- {t('report.to_verdict', lang)}: {_span(opened, _first(events, 'verdict.issued'), lang)}",
        f"- {t('report.to_statement', lang)}: {_span(opened, _first(events, 'statement.published'), lang)}",
        "",
        f"## {t('report.clocks', lang)}",
    ]
    clocks = _clocks(verdicts[-1].data if verdicts else None)
    if not clocks:
        lines.append(f"- {t('report.no_clocks', lang)}")
    for name, due in clocks:
        recorded = _recorded(events, name)
        if recorded is None:
            state = t("report.clock_not_recorded", lang)
        elif recorded <= due:
            state = t("report.clock_met", lang, at=format_time(recorded, lang, tz))
        else:
            state = t("report.clock_late", lang, at=format_time(recorded, lang, tz))
        label = t(f"followup.deadline.{name}", lang)
        lines.append(f"- {label}: {format_time(due, lang, tz)} — {state}")
    lines += ["", f"## {t('report.followups', lang)}"]
    if followups:
        lines += [
            f"- {t(f'report.prompts.{state}', lang)}: {count}"
            for state, count in _prompt_counts(followups, events).items()
        ]
    else:
        lines.append(f"- {t('report.no_followups', lang)}")
    lines += ["", f"## {t('report.timeline', lang)}"]
    lines += [f"- {format_time(e.at, lang, tz)} `{e.kind}` {e.actor}" for e in events]
    broken = await service.verify(incident_id)
    lines += [
        "",
        t(
            "drill.chain_ok" if broken is None else "drill.chain_broken",
            lang,
            key=incident.key,
            events=len(events),
        ),
    ]
    return "\n".join(lines) + "\n"


def _clocks(verdict: dict[str, Any] | None) -> list[tuple[str, datetime]]:
    """The legal clocks a verdict started, named as the follow-ups name them."""
    if not verdict:
        return []
    appi, gdpr = verdict.get("appi") or {}, verdict.get("gdpr") or {}
    found: list[tuple[str, Any]] = []
    if appi.get("report_required") in (True, "conditional"):
        # A processor discharges its duty by notifying its principal on the same schedule.
        if (verdict.get("actions") or {}).get("notify_principal"):
            found.append(("principal", appi.get("preliminary_due")))
        else:
            found.append(("appi_preliminary", appi.get("preliminary_due")))
            found.append(("appi_final", appi.get("final_due")))
    if gdpr.get("relevant") is True:
        found.append(("gdpr", gdpr.get("authority_due")))
    return [(name, datetime.fromisoformat(due)) for name, due in found if due]


def _recorded(events: list[TimelineEvent], clock: str) -> datetime | None:
    """When the room first recorded a clock as met: its prompt marked done, or a note naming it
    (by key or by its label in either language)."""
    names = {clock.lower()} | {
        t(f"followup.deadline.{clock}", lang).lower() for lang in ("ja", "en")
    }
    for event in events:
        data = event.data or {}
        if event.kind == "followup.done" and data.get("kind") == clock:
            return event.at
        if event.kind == "note.added" and any(
            n in str(data.get("text", "")).lower() for n in names
        ):
            return event.at
    return None


def _prompt_counts(followups: list[Followup], events: list[TimelineEvent]) -> dict[str, int]:
    """Prompts posted, answered, snoozed (times) and missed (posted, never answered)."""
    return {
        "posted": sum(1 for e in events if e.kind == "followup.posted"),
        "done": sum(1 for r in followups if r.state == FollowupState.DONE),
        "not_needed": sum(1 for r in followups if r.state == FollowupState.NOT_NEEDED),
        "snoozed": sum(r.snoozes for r in followups),
        "missed": sum(1 for r in followups if r.state == FollowupState.POSTED),
    }
