"""Exports of one incident: JSON (complete), CSV (timeline), Markdown report, PPC report draft."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from app.i18n import format_time, t
from app.incidents.service import IncidentService
from app.incidents.timeline import Break, verify_chain
from app.markdown import md
from app.models import Answer, Followup, Incident, Statement, TimelineEvent, Verdict
from app.ops import queries
from app.triage import AppiCategory, label
from app.triage.models import FIELD_ENUMS, DataCategory
from app.vocabulary import StatementKind

FORMATS = ("json", "csv", "md", "ppc", "ppc.json")
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

    @property
    def verdict(self) -> dict[str, Any] | None:
        return self.verdicts[-1].data if self.verdicts else None

    @property
    def current(self) -> dict[str, Any]:
        return {a.field: a.value for a in self.answers}

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
    )


# ----- JSON ---------------------------------------------------------------------------------------


def iso(value: datetime | None, tz: str) -> str | None:
    return value.astimezone(ZoneInfo(tz)).isoformat() if value else None


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


@cache
def _markdown_env() -> jinja2.Environment:
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


def report_markdown(bundle: Bundle, tz: str, now: datetime) -> str:
    """A readable report in the incident's language."""
    lang = bundle.incident.language if bundle.incident.language in ("ja", "en") else "ja"
    return (
        _markdown_env()
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


# ----- PPC report ---------------------------------------------------------------------------------

PPC_ITEMS = (
    ("summary", "概要"),
    ("data_items", "漏えい等が発生し又は発生したおそれがある個人データの項目"),
    ("people", "本人の数"),
    ("cause", "原因"),
    ("secondary_damage", "二次被害又はそのおそれの有無及びその内容"),
    ("individuals", "本人への対応の実施状況"),
    ("publication", "公表の実施状況"),
    ("prevention", "再発防止のための措置"),
    ("other", "その他参考となる事項"),
)


def _ja(field: str, value: Any) -> str:
    return value_label(field, value, "ja")


def _ppc_texts(bundle: Bundle, tz: str) -> dict[str, str | None]:
    """Each item's text, or None where nothing is known yet."""
    a, v, incident = bundle.current, bundle.verdict or {}, bundle.incident
    when = format_time(incident.discovered_at, "ja", tz)
    mode = a.get("leak_mode")
    summary = None
    if incident.purged_at is None:
        summary = f"{incident.title}（{when}に発覚"
        summary += f"、発生態様: {_ja('leak_mode', mode)}）" if mode else "）"
    items = None
    if a.get("data_categories"):
        items = _ja("data_categories", a["data_categories"])
        if a.get("encryption"):
            items += f"（暗号化: {_ja('encryption', a['encryption'])}）"
    people = f"{a['affected_count']:,}人（現時点の最大見込み）" if "affected_count" in a else None
    cause = None
    if mode and mode != "unknown":
        cause = f"発生態様: {_ja('leak_mode', mode)}"
        if a.get("controls_missing"):
            cause += f"。不備のあった安全管理措置: {_ja('controls_missing', a['controls_missing'])}"
    secondary = _secondary(a)
    notify = (v.get("appi") or {}).get("notify_individuals")
    individuals = {
        "required": f"本人への通知が必要（通知の実施状況: {UNKNOWN}）",
        "conditional": f"未確認事項次第で本人への通知が必要（通知の実施状況: {UNKNOWN}）",
        "not_required": "本人への通知義務の対象外の見込み",
    }.get(notify or "")
    published = bundle.published
    publication = None
    if published is not None:
        approvers = "、".join(a.approver for a in published.approvals)
        approved_at = max((ap.created_at for ap in published.approvals), default=None)
        publication = (
            f"お知らせ文（第{published.series}報・第{published.version}版）を"
            f"{format_time(approved_at, 'ja', tz)}に"
            f"承認済み（承認者: {approvers}）。掲載先・掲載日時: {UNKNOWN}"
        )
    prevention = None
    if a.get("controls_missing"):
        prevention = (
            f"次の安全管理措置の見直しを検討中: {_ja('controls_missing', a['controls_missing'])}"
            f"（具体的な措置: {UNKNOWN}）"
        )
    return {
        "summary": summary,
        "data_items": items,
        "people": people,
        "cause": cause,
        "secondary_damage": secondary,
        "individuals": individuals,
        "publication": publication,
        "prevention": prevention,
        "other": _other(bundle),
    }


def _secondary(a: dict[str, Any]) -> str | None:
    parts = []
    if a.get("secondary_damage") is True:
        parts.append("あり（悪用が確認されている）")
    elif a.get("secondary_damage") is False:
        parts.append("現時点で悪用は確認されていない")
    if a.get("published") is True:
        parts.append("データが公開の場（リークサイト等）に掲載されている")
    if a.get("access"):
        parts.append(f"第三者による閲覧・持ち出し: {_ja('access', a['access'])}")
    return "。".join(parts) or None


def _other(bundle: Bundle) -> str:
    a, v = bundle.current, bundle.verdict or {}
    parts = []
    if bundle.incident.is_drill:
        parts.append("本件は訓練（ドリル）です")
    if a.get("role") == "processor":
        parts.append("当社は委託先であり、委託元への通知が必要")
    if a.get("police_involved") is not None:
        parts.append(f"警察への相談・届出: {_ja('police_involved', a['police_involved'])}")
    if a.get("contained") is not None:
        parts.append(f"封じ込め済み: {_ja('contained', a['contained'])}")
    gdpr = v.get("gdpr") or {}
    if gdpr.get("relevant") is True:
        parts.append("EU・英国の本人が含まれる: GDPRに基づく監督機関への通知を要検討")
    parts.append(f"インシデント番号: {bundle.incident.key}")
    return "。".join(parts)


def report_kind(bundle: Bundle) -> str:
    """速報 while facts are still open; 確報 once the incident is closed with nothing unknown."""
    v = bundle.verdict or {}
    final = bundle.incident.status == "closed" and not v.get("open_questions")
    return "確報" if final else "速報"


def ppc_report(bundle: Bundle, tz: str) -> dict[str, Any]:
    """The PPC leak report (APPI rules art. 8's nine items), pre-filled, in Japanese."""
    v = bundle.verdict or {}
    appi = v.get("appi") or {}
    texts = _ppc_texts(bundle, tz)
    required = appi.get("report_required")
    return {
        "title": "個人情報保護委員会への漏えい等報告（下書き）",
        "incident": bundle.incident.key,
        "report_kind": report_kind(bundle),
        "report_required": required,
        "report_required_text": {
            True: "報告対象",
            "conditional": "未確認事項次第で報告対象",
            False: "報告対象外の見込み",
        }.get(required, UNKNOWN),
        "categories": [
            {"code": c, "label": label_of_category(c)} for c in appi.get("categories") or []
        ],
        "discovered_at": iso(bundle.incident.discovered_at, tz),
        "discovered_at_text": format_time(bundle.incident.discovered_at, "ja", tz),
        "preliminary_due": appi.get("preliminary_due"),
        "final_due": appi.get("final_due"),
        "items": [
            {
                "no": number,
                "key": key,
                "heading": heading,
                "text": texts[key] or UNKNOWN,
                "confirmed": texts[key] is not None,
            }
            for number, (key, heading) in enumerate(PPC_ITEMS, start=1)
        ],
        "open_questions": [q.get("ja") for q in v.get("open_questions") or []],
        "disclaimer": "本書は判断支援のための下書きです。法的助言ではありません。提出前に内容を確認してください。",
    }


def label_of_category(code: str) -> str:
    return label(AppiCategory(code)).get("ja")


def ppc_markdown(bundle: Bundle, tz: str) -> str:
    report = ppc_report(bundle, tz)
    return (
        _markdown_env()
        .get_template("ppc.md.j2")
        .render(
            r=report,
            unknown=UNKNOWN,
            when=lambda value: format_time(value, "ja", tz),
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
