"""After-action report for any incident, drill or real, built from its timeline (Markdown)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.i18n import format_time, t
from app.incidents.service import IncidentService
from app.models import TimelineEvent


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
        f"- {t('report.status', lang)}: {incident.status}"
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
    done_kinds = {e.data.get("kind") for e in events if e.kind == "followup.done" and e.data}
    clocks = _clocks(verdicts[-1].data if verdicts else None)
    if not clocks:
        lines.append(f"- {t('report.no_clocks', lang)}")
    now = service.clock()
    for name, due in clocks:
        if any(name in str(kind) for kind in done_kinds):
            state = t("report.clock_done", lang)
        elif datetime.fromisoformat(due) < now:
            state = t("report.clock_missed", lang)
        else:
            state = t("report.clock_open", lang)
        lines.append(f"- {name}: {format_time(due, lang, tz)} — {state}")
    lines += ["", f"## {t('report.followups', lang)}"]
    counts: dict[str, int] = {}
    for row in followups:
        counts[str(row.state)] = counts.get(str(row.state), 0) + 1
    lines.append("- " + (", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "—"))
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


def _clocks(verdict: dict | None) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    if not verdict:
        return []
    appi, gdpr = verdict.get("appi", {}), verdict.get("gdpr", {})
    found = []
    if appi.get("report_required") in (True, "conditional"):
        found += [("appi_preliminary", appi["preliminary_due"]), ("appi_final", appi["final_due"])]
    if gdpr.get("relevant") is True and gdpr.get("authority_due"):
        found.append(("gdpr", gdpr["authority_due"]))
    return [(name, due) for name, due in found if due]
