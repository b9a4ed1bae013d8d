"""Exports of one incident: JSON (complete), CSV (timeline), Markdown report, PPC report draft."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from app.i18n import format_time, t
from app.models import ActionItem, Followup, Incident, Statement, TimelineEvent
from app.ops import queries
from app.ops.bundle import TEMPLATES as TEMPLATES
from app.ops.bundle import UNKNOWN as UNKNOWN
from app.ops.bundle import Bundle, iso, markdown_env, value_label
from app.ops.bundle import load_bundle as load_bundle
from app.ops.ppc_report import PPC_ITEMS as PPC_ITEMS
from app.ops.ppc_report import label_of_category as label_of_category
from app.ops.ppc_report import ppc_markdown, ppc_report
from app.ops.ppc_report import report_kind as report_kind

FORMATS = ("json", "csv", "md", "ppc", "ppc.json")

# ----- JSON ---------------------------------------------------------------------------------------


def chain_status(bundle: Bundle) -> dict[str, Any]:
    broken = bundle.chain_break
    return {
        "intact": broken is None,
        "events": len(bundle.events),
        "head": bundle.incident.timeline_head,
        "break": {"seq": broken.seq, "reason": broken.reason} if broken else None,
    }


def incident_json(incident: Incident, tz: str) -> dict[str, Any]:
    return {
        "id": incident.id,
        "key": incident.key,
        "title": incident.title,
        "status": incident.status,
        "severity": incident.severity,
        "drill": incident.is_drill,
        "platform": incident.platform,
        "workspace_id": incident.workspace_id,
        "channel_id": incident.channel_id,
        "channel_name": incident.channel_name,
        "reporter": incident.reporter_id,
        "language": incident.language,
        "discovered_at": iso(incident.discovered_at, tz),
        "created_at": iso(incident.created_at, tz),
        "updated_at": iso(incident.updated_at, tz),
        "closed_at": iso(incident.closed_at, tz),
        "resolution": incident.resolution,
        "purged_at": iso(incident.purged_at, tz),
        "roles": dict(incident.roles or {}),
        "severity_call": severity_call_json(incident, tz),
    }


def severity_call_json(incident: Incident, tz: str) -> dict[str, Any] | None:
    """The incident lead's call beside the policy's verdict (`severity`), or None."""
    call = incident.severity_call
    if not call:
        return None
    at = call.get("at")
    return {
        "severity": call.get("severity"),
        "reason": call.get("reason"),
        "by": call.get("by"),
        "at": iso(datetime.fromisoformat(at), tz) if at else None,
    }


def task_json(item: ActionItem, tz: str) -> dict[str, Any]:
    return {
        "number": item.number,
        "title": item.title,
        "state": item.state,
        "owner": item.owner,
        "due_at": iso(item.due_at, tz),
        "source": item.source,
        "created_by": item.created_by,
        "created_at": iso(item.created_at, tz),
        "done_by": item.done_by,
        "done_at": iso(item.done_at, tz),
    }


def statement_json(statement: Statement, tz: str) -> dict[str, Any]:
    return {
        "kind": statement.kind,
        "series": statement.series,
        "version": statement.version,
        "verdict_version": statement.verdict_version,
        "status": statement.status,
        "author": statement.author,
        "created_at": iso(statement.created_at, tz),
        "next_update_at": iso(statement.next_update_at, tz),
        "texts": statement.texts,
        "findings": statement.findings,
        "approvals": [
            {"approver": a.approver, "at": iso(a.created_at, tz)} for a in statement.approvals
        ],
    }


def followup_json(item: Followup, tz: str) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind,
        "due_at": iso(item.due_at, tz),
        "deadline_at": iso(item.deadline_at, tz),
        "status": item.state,
        "snoozes": item.snoozes,
        "done_by": item.done_by,
        "done_at": iso(item.done_at, tz),
    }


def event_json(event: TimelineEvent, tz: str) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": iso(event.at, tz),
        "actor": event.actor,
        "kind": event.kind,
        "data": event.data,
        "data_hash": event.data_hash,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def summary_json(bundle: Bundle, tz: str) -> dict[str, Any]:
    """The export without its timeline: incident, answers, verdicts, statements, chain status."""
    return {
        "incident": incident_json(bundle.incident, tz),
        "discovered_at_assumed": bundle.awareness_assumed,
        "answers": [
            {"field": a.field, "value": a.value, "actor": a.actor, "at": iso(a.answered_at, tz)}
            for a in bundle.answers
        ],
        "current_answers": bundle.current,
        "verdict": bundle.verdict,
        "verdicts": [
            {
                "version": v.version,
                "severity": v.severity,
                "policy_version": v.policy_version,
                "created_at": iso(v.created_at, tz),
                "verdict": v.data,
            }
            for v in bundle.verdicts
        ],
        "statements": [statement_json(s, tz) for s in bundle.statements],
        "followups": [followup_json(f, tz) for f in bundle.followups],
        "action_items": [task_json(item, tz) for item in bundle.tasks],
        "chain": chain_status(bundle),
    }


def iter_json(bundle: Bundle, tz: str) -> Iterator[str]:
    """The complete export as JSON text, in chunks: the timeline goes out one event at a time."""
    head = json.dumps(summary_json(bundle, tz), ensure_ascii=False, indent=1)
    yield head[: head.rindex("}")].rstrip() + ',\n "timeline": ['
    for index, event in enumerate(bundle.events):
        yield (
            ("," if index else "") + "\n  " + json.dumps(event_json(event, tz), ensure_ascii=False)
        )
    yield "\n ]\n}\n"


# ----- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = ("seq", "at", "actor", "kind", "data", "hash")


def iter_csv(bundle: Bundle, tz: str) -> Iterator[str]:
    """The timeline, one row per event, with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def row(values: tuple[Any, ...]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield row(CSV_COLUMNS)
    for event in bundle.events:
        data = json.dumps(event.data, ensure_ascii=False, sort_keys=True)
        yield row((event.seq, iso(event.at, tz), event.actor, event.kind, data, event.hash))


# ----- Markdown -----------------------------------------------------------------------------------


def report_markdown(bundle: Bundle, tz: str, now: datetime) -> str:
    """A readable report in the incident's language."""
    lang = bundle.incident.language if bundle.incident.language in ("ja", "en") else "ja"
    return (
        markdown_env()
        .get_template("report.md.j2")
        .render(
            b=bundle,
            i=bundle.incident,
            v=bundle.verdict,
            clocks=queries.clocks(bundle.verdict),
            chain=chain_status(bundle),
            lang=lang,
            now=now,
            t=lambda name, **values: t(name, lang, **values),
            when=lambda value: format_time(value, lang, tz),
            value_label=lambda field, value: value_label(field, value, lang),
        )
    )


def render_text(bundle: Bundle, fmt: str, tz: str, now: datetime) -> Iterator[str]:
    """One export as text chunks; `fmt` is one of FORMATS."""
    if fmt == "json":
        return iter_json(bundle, tz)
    if fmt == "csv":
        return iter_csv(bundle, tz)
    if fmt == "md":
        return iter([report_markdown(bundle, tz, now)])
    if fmt == "ppc":
        return iter([ppc_markdown(bundle, tz)])
    if fmt == "ppc.json":
        return iter([json.dumps(ppc_report(bundle, tz), ensure_ascii=False, indent=2) + "\n"])
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
