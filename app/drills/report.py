"""After-action report for any incident, drill or real, built from its timeline (Markdown)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.i18n import format_time, t
from app.incidents.deadlines import met_at
from app.incidents.service import IncidentService
from app.markdown import md
from app.models import Followup, FollowupState, TimelineEvent
from app.triage.clocks import legal_clocks


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
        f"- {t('report.summary', lang)}: {md(incident.title)}",
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
    clocks = legal_clocks(verdicts[-1].data if verdicts else None)
    if not clocks:
        lines.append(f"- {t('report.no_clocks', lang)}")
    for clock in clocks:
        name, due = clock.name, clock.due
        recorded = met_at(events, name)
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
    lines += [f"- {format_time(e.at, lang, tz)} `{e.kind}` {md(e.actor)}" for e in events]
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


def _prompt_counts(followups: list[Followup], events: list[TimelineEvent]) -> dict[str, int]:
    """Prompts posted, answered, snoozed (times) and missed (posted, never answered)."""
    return {
        "posted": sum(1 for e in events if e.kind == "followup.posted"),
        "done": sum(1 for r in followups if r.state == FollowupState.DONE),
        "not_needed": sum(1 for r in followups if r.state == FollowupState.NOT_NEEDED),
        "snoozed": sum(r.snoozes for r in followups),
        "missed": sum(1 for r in followups if r.state == FollowupState.POSTED),
    }
