"""Every line a room shows, decided once for all platforms: values in, text out (mrkdwn-flavoured;
each renderer converts the markup it needs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.i18n import format_time, report_label, t
from app.incidents.company import FROM_SETTINGS
from app.incidents.deadlines import next_deadline
from app.incidents.service import ServiceError, Snapshot, awareness_assumed
from app.models import Followup, Incident, Statement
from app.triage import Question, question

# Which statement events count as a draft in the close summary.
DRAFT_EVENTS = ("statement.drafted", "statement.edited")


def badge(incident: Incident, lang: str) -> str:
    return f"[{t('drill.badge', lang)}] " if incident.is_drill else ""


def severity_label(severity: str | None, lang: str) -> str:
    return t(f"severity.{severity}", lang) if severity else t("severity.none", lang)


def home_row(incident: Incident, due: datetime | str | None, room: str, lang: str, tz: str) -> str:
    """One open incident in someone's list (Slack's App Home, Teams' `leak mine`)."""
    return t(
        "home.row",
        lang,
        key=incident.key,
        badge=badge(incident, lang),
        title=incident.title[:200],
        severity=severity_label(incident.severity, lang),
        next=format_time(due, lang, tz) if due else "—",
        channel=room,
    )


def refusal(exc: ServiceError, lang: str) -> str:
    """What a person reads when the service refuses: one `error.<code>` text per refusal."""
    return t(f"error.{exc.code}", lang, detail=exc.detail)


def answer_label(question: Question, value: Any, lang: str, tz: str | None = None) -> str:
    if value is None:
        return t("answer.none", lang)
    if question.kind == "datetime" and tz is not None:
        return format_time(str(value), lang, tz)
    if question.kind == "period" and isinstance(value, dict):
        ends = (value.get("from"), value.get("to"))
        return t("answer.period", lang, start=ends[0] or "…", end=ends[1] or "…")
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    labels = {option.value: option.label.get(lang) for option in question.options}
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value) or "—"
    if isinstance(value, int):
        return f"{value:,}"
    return labels.get(value, str(value))


# ----- summary and room --------------------------------------------------------------------------


def summary_title(incident: Incident, lang: str) -> str:
    return t(
        "room.summary.title",
        lang,
        badge=badge(incident, lang),
        key=incident.key,
        title=incident.title,
    )


def summary_fields(snap: Snapshot, lang: str, tz: str) -> str:
    incident = snap.incident
    discovered = format_time(incident.discovered_at, lang, tz)
    if awareness_assumed(snap.values):
        discovered += t("room.summary.assumed", lang)
    fields = t(
        "room.summary.fields",
        lang,
        status=t(f"room.status.{incident.status}", lang),
        severity=severity_label(incident.severity, lang),
        reporter=incident.reporter_id,
        reported=format_time(incident.created_at, lang, tz),
        discovered=discovered,
    )
    return f"{fields}\n{company}" if (company := company_line(snap, lang)) else fields


def company_line(snap: Snapshot, lang: str) -> str | None:
    """The company facts this incident took from the settings, still as answered (an answer
    changed in the room for this incident is no longer the settings')."""
    taken = [
        f"{t(f'ops.answer.{field}', lang)}: {answer_label(question(field), d.value, lang)}"
        for field, d in snap.answers.items()
        if d.actor == FROM_SETTINGS
    ]
    return t("room.summary.company", lang, facts=" · ".join(taken)) if taken else None


def deadline_text(snap: Snapshot, lang: str, tz: str) -> str:
    """The next legal deadline (overdue ones included), as a line for a room's summary."""
    clock = next_deadline(snap.incident, snap.verdict.data if snap.verdict else None)
    if clock is None:
        return t("room.summary.no_deadline", lang)
    label = t(f"followup.deadline.{clock.name}", lang)
    return t("room.summary.next", lang, label=label, due=format_time(clock.due, lang, tz))


def topic(snap: Snapshot, lang: str, tz: str) -> str:
    incident = snap.incident
    if incident.status == "closed":
        return t("room.topic_closed", lang, badge=badge(incident, lang), key=incident.key)
    clock = next_deadline(incident, snap.verdict.data if snap.verdict else None)
    upcoming = (
        f"{t(f'followup.deadline.{clock.name}', lang)} {format_time(clock.due, lang, tz)}"
        if clock
        else "—"
    )
    return t(
        "room.topic",
        lang,
        badge=badge(incident, lang),
        severity=severity_label(incident.severity, lang),
        next=upcoming,
    )[:250]


def closed_summary(incident: Incident, counts: dict[str, int], actor: str, lang: str) -> str:
    """The room's last message: who closed it, why, and what the timeline holds."""
    return t(
        "room.closed",
        lang,
        key=incident.key,
        actor=actor,
        resolution=incident.resolution or "",
        events=sum(counts.values()),
        answers=counts.get("answer.recorded", 0),
        verdicts=counts.get("verdict.issued", 0),
        statements=sum(v for k, v in counts.items() if k in DRAFT_EVENTS),
        notes=counts.get("note.added", 0),
    )


# ----- questions ---------------------------------------------------------------------------------


def question_header(
    incident: Incident, question: Question, number: int, lang: str, total: int | None = None
) -> str:
    section = t(f"question.section.{question.section}", lang)
    header = (
        t("question.progress", lang, n=number, total=total, section=section)
        if total
        else t("question.header", lang, n=number, section=section)
    )
    return f"{badge(incident, lang)}{incident.key} · {header}"


def answered_line(
    question: Question, value: Any, actor: str, at: datetime, lang: str, tz: str
) -> str:
    return t(
        "question.answered",
        lang,
        answer=answer_label(question, value, lang, tz),
        actor=actor,
        at=format_time(at, lang, tz),
    )


# ----- verdicts ----------------------------------------------------------------------------------


def verdict_title(incident: Incident, version: int, severity: str | None, lang: str) -> str:
    return t(
        "verdict.title",
        lang,
        badge=badge(incident, lang),
        version=version,
        severity=severity_label(severity, lang),
    )


def open_question_lines(data: dict[str, Any], lang: str) -> str:
    return "\n".join(f"• {q[lang]}" for q in data.get("open_questions") or [])


def clock_lines(data: dict[str, Any], lang: str, tz: str) -> str:
    appi, gdpr = data["appi"], data["gdpr"]
    categories = ", ".join(appi.get("categories") or []) or "—"
    required = appi.get("report_required")
    key = {True: "required", "conditional": "conditional"}.get(required, "not_required")
    lines = [t(f"verdict.appi.{key}", lang, categories=categories)]
    if required in (True, "conditional"):
        lines.append(
            t(
                "verdict.appi.preliminary",
                lang,
                target=format_time(appi.get("preliminary_target"), lang, tz),
                due=format_time(appi.get("preliminary_due"), lang, tz),
            )
        )
        lines.append(
            t("verdict.appi.final", lang, due=format_time(appi.get("final_due"), lang, tz))
        )
    individuals = appi.get("notify_individuals")
    if required in (True, "conditional") or individuals == "recommended":
        lines.append(
            t(
                "verdict.appi.individuals",
                lang,
                value=t(f"value.{individuals}", lang) if individuals else "—",
            )
        )
    if gdpr.get("notify_controller"):
        lines.append(t("verdict.gdpr.controller", lang))
    elif gdpr.get("relevant") is True:
        lines.append(
            t("verdict.gdpr.relevant", lang, due=format_time(gdpr.get("authority_due"), lang, tz))
        )
    elif gdpr.get("relevant") == "unknown":
        lines.append(t("verdict.gdpr.unknown", lang))
    return "\n".join(lines)


# ----- statements --------------------------------------------------------------------------------


def statement_title(incident: Incident, statement: Statement, lang: str) -> str:
    return t(
        "statement.title",
        lang,
        badge=badge(incident, lang),
        report=report_label(statement.series, lang),
        version=statement.version,
        status=t(f"statement.status.{statement.status}", lang),
    )


def redraft_offer(
    lang: str, next_report: int | None = None, *, overtaken: bool = False
) -> tuple[str, str]:
    """The offer under a verdict change note and its button: redraft the draft, or, once the
    notice was approved, draft the next report (第2報) stating what changed; `overtaken`: under
    the facts that changed since a draft they do not rewrite was written."""
    if overtaken:
        return t("statement.overtaken.offer", lang), t("verdict.redraft", lang)
    if next_report is None:
        return t("verdict.redraft_offer", lang), t("verdict.redraft", lang)
    return (
        t("verdict.next_report_offer", lang, series=next_report),
        t("verdict.next_report", lang, series=next_report),
    )


def approvals_line(statement: Statement, needed: int, names: str, lang: str) -> str:
    return t(
        "statement.approvals", lang, count=len(statement.approvals), needed=needed, names=names
    )


def findings_lines(statement: Statement, lang: str) -> str | None:
    """The checker's findings as a titled list, or None when it found nothing."""
    findings = [f for found in statement.findings.values() for f in found]
    if not findings:
        return None
    lines = "\n".join(f"• `{f['code']}` {f[lang]}" for f in findings[:20])
    return f"{t('statement.findings', lang, count=len(findings))}\n{lines}"


# ----- follow-up prompts -------------------------------------------------------------------------


def prompt_texts(
    row: Followup, incident: Incident, lang: str, tz: str, detail: str = ""
) -> tuple[str, str]:
    """The prompt's title and body for its kind (`appi_final:-7d` → "due in 7 days"); `detail`
    is what the prompt is about when its row cannot say (an action item's line)."""
    name = row.key.split(":", 1)[1] if ":" in row.key else ""
    body_key = {
        "appi_preliminary": f"followup.body.appi_preliminary.{name}",
        "principal": f"followup.body.principal.{name}",
        "appi_final": "followup.body.appi_final." + ("due" if name == "due" else "before"),
    }.get(row.kind, f"followup.body.{row.kind}")
    values = {
        "badge": badge(incident, lang),
        "key": incident.key,
        "severity": severity_label(incident.severity, lang),
        "deadline": format_time(row.deadline_at, lang, tz),
        "days": name.strip("-d"),
        "hours": name.rstrip("h"),
        "action": t(f"followup.action.{name}", lang) if row.kind == "action" else "",
        "detail": detail,
    }
    return t(f"followup.title.{row.kind}", lang, **values), t(body_key, lang, **values)


def prompt_done_label(row: Followup, lang: str) -> str:
    return t("followup.no_change" if row.kind == "status" else "followup.done", lang)


def settled_line(
    row: Followup, state: str, actor: str, lang: str, tz: str, until: datetime | str | None = None
) -> str:
    """Who did what to a prompt (done / snoozed until / not needed because)."""
    return t(
        f"followup.state.{state}",
        lang,
        actor=row.done_by or actor,
        at=format_time(row.done_at, lang, tz),
        reason=row.reason or "",
        until=format_time(until, lang, tz),
    )
