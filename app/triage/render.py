"""A readable text summary of a verdict (`leakdesk assess --format text`): one language, then the other."""

from __future__ import annotations

from datetime import datetime

from app.triage.models import Text, Verdict
from app.triage.policy import Policy, default_policy
from app.triage.questions import label

HEADINGS = {
    "title": Text(ja="判定", en="Verdict"),
    "provisional": Text(ja="暫定（未確認の事項あり）", en="provisional (open questions)"),
    "policy": Text(ja="ポリシー", en="Policy"),
    "reasons": Text(ja="理由", en="Reasons"),
    "appi": Text(
        ja="個人情報保護法（個人情報保護委員会への報告・本人通知）",
        en="APPI (report to the PPC, notice to individuals)",
    ),
    "gdpr": Text(ja="GDPR（EU・EEA・英国）", en="GDPR (EU/EEA/UK)"),
    "actions": Text(ja="推奨対応", en="Recommended actions"),
    "open": Text(ja="未確認の事項", en="Open questions"),
    "other": Text(ja="日本語", en="English"),
}
REPORT = {
    True: Text(ja="必要", en="required"),
    False: Text(ja="不要", en="not required"),
    "conditional": Text(ja="条件付きで必要", en="required unless the open facts turn out better"),
}
NOTICE = {
    "required": Text(ja="必要", en="required"),
    "recommended": Text(ja="推奨（法的義務ではない）", en="recommended (not a legal duty)"),
    "conditional": Text(ja="条件付きで必要", en="conditional"),
    "assess": Text(ja="リスクに応じて判断", en="decide on the risk"),
    "not_required": Text(ja="不要", en="not required"),
}
RELEVANT = {True: Text(ja="対象", en="applies"), False: Text(ja="対象外", en="does not apply"),
            "unknown": Text(ja="不明（本人の居住地を確認）", en="unknown (check where the people live)")}  # fmt: skip
FIELDS = {
    "categories": Text(ja="該当類型", en="Categories"),
    "report": Text(ja="報告", en="Report"),
    "preliminary_target": Text(ja="速報（目安）", en="Preliminary report, target"),
    "preliminary_due": Text(ja="速報（期限）", en="Preliminary report, latest"),
    "final_due": Text(ja="確報（期限）", en="Final report due"),
    "notify": Text(ja="本人通知", en="Notice to individuals"),
    "relevant": Text(ja="適用", en="Applies"),
    "authority_due": Text(ja="監督機関への通知期限", en="Authority notice due"),
    "press_conference": Text(ja="記者会見", en="Press conference"),
    "rapid_public_disclosure": Text(ja="速やかな公表", en="Rapid public disclosure"),
    "coordinate_with_police": Text(ja="警察", en="Police"),
    "timely_disclosure_review": Text(ja="適時開示の検討", en="Timely disclosure review"),
    "notify_principal": Text(ja="委託元への通知", en="Notify the principal"),
    "notify_controller": Text(ja="管理者（委託元）への通知", en="Notify the controller"),
    "announcement": Text(ja="公表の方法", en="How to speak"),
}
RECOMMEND = {
    True: Text(ja="推奨", en="recommended"),
    False: Text(ja="—", en="—"),
    "conditional": Text(ja="条件付き（理由を参照）", en="conditional (see the reasons)"),
}


def format_text(
    verdict: Verdict, lang: str, policy: Policy | None = None, *, both: bool = True
) -> str:
    """The verdict in `lang` ("ja" or "en"), followed by the same in the other language
    unless `both` is false."""
    primary = "en" if lang == "en" else "ja"
    other = "ja" if primary == "en" else "en"
    policy = policy or default_policy()
    if not both:
        return _block(verdict, primary, policy)
    rule = "-" * 72
    parts = [_block(verdict, primary, policy), "", rule, HEADINGS["other"].get(other), rule, ""]
    return "\n".join([*parts, _block(verdict, other, policy)])


def _block(v: Verdict, lang: str, policy: Policy) -> str:
    lines = [_title(v, lang, policy), f"{HEADINGS['policy'].get(lang)}: {v.policy_version}", ""]
    lines += [f"{HEADINGS['reasons'].get(lang)}:"]
    lines += [f"  - {getattr(r, lang)}" for r in v.reasons]
    lines += ["", f"{HEADINGS['appi'].get(lang)}:", *_appi(v, lang)]
    lines += ["", f"{HEADINGS['gdpr'].get(lang)}:", *_gdpr(v, lang)]
    lines += ["", f"{HEADINGS['actions'].get(lang)}:", *_actions(v, lang)]
    if v.open_questions:
        lines += ["", f"{HEADINGS['open'].get(lang)}:"]
        lines += [f"  ? {q.field}: {getattr(q, lang)}" for q in v.open_questions]
    return "\n".join(lines)


def _title(v: Verdict, lang: str, policy: Policy) -> str:
    severity_label = policy.label(v.severity)
    title = f"{HEADINGS['title'].get(lang)}: {v.severity.value} ({getattr(severity_label, lang)})"
    if v.rules:
        title += f"  [{', '.join(v.rules)}]"
    return title + (f"  {HEADINGS['provisional'].get(lang)}" if v.provisional else "")


def _row(key: str, value: str, lang: str) -> str:
    return f"  {FIELDS[key].get(lang)}: {value}"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M %z") if value else "—"


def _appi(v: Verdict, lang: str) -> list[str]:
    appi = v.appi
    rows = [_row("report", REPORT[appi.report_required].get(lang), lang)]
    if appi.categories:
        rows.append(
            _row("categories", ", ".join(label(c).get(lang) for c in appi.categories), lang)
        )
    if appi.report_required is not False:
        rows += [
            _row(key, _when(getattr(appi, key)), lang)
            for key in ("preliminary_target", "preliminary_due", "final_due")
        ]
    return rows + [_row("notify", NOTICE[appi.notify_individuals].get(lang), lang)]


def _gdpr(v: Verdict, lang: str) -> list[str]:
    rows = [_row("relevant", RELEVANT[v.gdpr.relevant].get(lang), lang)]
    if v.gdpr.authority_due:
        rows.append(_row("authority_due", _when(v.gdpr.authority_due), lang))
    if v.gdpr.notify_controller:
        rows.append(_row("notify_controller", RECOMMEND[True].get(lang), lang))
    return rows + [_row("notify", NOTICE[v.gdpr.notify_individuals].get(lang), lang)]


def _actions(v: Verdict, lang: str) -> list[str]:
    a = v.actions
    flags = (
        "press_conference",
        "rapid_public_disclosure",
        "timely_disclosure_review",
        "notify_principal",
    )
    rows = [_row("announcement", label(a.announcement).get(lang), lang)]
    rows += [_row(key, RECOMMEND[getattr(a, key)].get(lang), lang) for key in flags[:2]]
    rows.append(_row("coordinate_with_police", label(a.coordinate_with_police).get(lang), lang))
    return rows + [_row(key, RECOMMEND[getattr(a, key)].get(lang), lang) for key in flags[2:]]
