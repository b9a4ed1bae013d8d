"""The PPC leak report draft (APPI rules art. 8's nine items), pre-filled in Japanese from what is
recorded; 未確認 where nothing is known yet."""

from __future__ import annotations

from typing import Any

from app.i18n import format_time
from app.ops.bundle import UNKNOWN, Bundle, iso, markdown_env, value_label
from app.triage import AppiCategory, label

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
        "discovered_at_text": format_time(bundle.incident.discovered_at, "ja", tz)
        + ("（仮：報告日時。発覚日時は未確認）" if bundle.awareness_assumed else ""),
        "discovered_at_assumed": bundle.awareness_assumed,
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
        markdown_env()
        .get_template("ppc.md.j2")
        .render(
            r=report,
            unknown=UNKNOWN,
            when=lambda value: format_time(value, "ja", tz),
        )
    )
