"""What a room's living verdict and pinned summary say, decided once for every platform:
「今やること」 first, the statement's state, plain reasons, the clocks, then the rest and the rule
codes for the details view (app.briefing does the thinking; this gathers its inputs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.briefing import detail_lines, do_now, do_now_lines, plain_reasons, questions_settled
from app.briefing.do_now import Plan, StatementState, publishes
from app.i18n import format_time, listing, report_label, t
from app.incidents.service import IncidentService, Snapshot
from app.models import ActionItem, Followup, Incident, Statement
from app.rooms import standing, texts
from app.rooms.pack import pack_line
from app.triage import Answers
from app.triage.clocks import legal_clocks

# Follow-ups marked done (or not needed) settle the action they prompted.
FOLLOWUP_ACTIONS = {
    "action:police": ("police_yes", "police_consult"),
    "action:card_issuers": ("card_issuers",),
    "action:timely_disclosure": ("timely_disclosure",),
    "action:press_conference": ("press_conference", "press_conference_conditional"),
}
FOLLOWUP_CLOCKS = {
    "appi_preliminary": ("appi_preliminary", "appi_preliminary_conditional"),
    "principal": ("principal",),
    "appi_final": ("appi_final",),
    "gdpr": ("gdpr", "gdpr_check"),
}
SETTLED = ("done", "not_needed")
# The recommended actions' items (app/briefing/actions.py): done, they leave 「今やること」 too.
TASK_ACTIONS = {
    **{key.removeprefix("action:"): kinds for key, kinds in FOLLOWUP_ACTIONS.items()},
    "individuals": ("individuals",),
}


@dataclass(frozen=True, slots=True)
class VerdictBrief:
    """The living verdict's sections, in the order a room reads them (mrkdwn-flavoured text)."""

    title: str
    state: str
    do_now: tuple[str, ...]
    statement: str | None
    reasons: tuple[str, ...]
    clocks: str
    later: tuple[str, ...]
    open_questions: str | None
    details: tuple[str, ...]
    version: int


def done_actions(followups: Iterable[Followup], tasks: Iterable[ActionItem] = ()) -> frozenset[str]:
    """The do-now kinds whose follow-up prompt someone settled, or whose action item (made from
    the verdict's recommended action) is done or dropped."""
    done: set[str] = set()
    for item in tasks:
        if item.source and item.source.startswith("verdict:") and item.state != "open":
            done.update(TASK_ACTIONS.get(item.source.removeprefix("verdict:"), ()))
    for row in followups:
        if row.state not in SETTLED:
            continue
        done.update(FOLLOWUP_ACTIONS.get(row.key, ()))
        if row.kind == "action":
            continue
        done.update(FOLLOWUP_CLOCKS.get(row.kind, ()))
    return frozenset(done)


def statement_state(statement: Statement | None, needed: int) -> StatementState | None:
    if statement is None:
        return None
    status = "published" if statement.status == "approved" else "draft"
    return StatementState(status, len(statement.approvals), needed)


def plan(snap: Snapshot, now: datetime, needed: int, followups: Iterable[Followup] = ()) -> Plan:
    """The room's 「今やること」 for its current verdict."""
    return do_now(
        snap.verdict.data if snap.verdict else None,
        now,
        answers=snap.values,
        statement=statement_state(snap.statement, needed),
        done=done_actions(followups, snap.tasks),
        owners=standing.owners(snap.incident),
    )


def statement_line(
    statement: Statement | None, needed: int, lang: str, pieces: Sequence[Statement] = ()
) -> str | None:
    """「お知らせ文：第2版 下書き（承認 1/2） · 関連文書 承認 1/3」 so nobody has to open
    the thread to know."""
    if statement is None:
        return None
    if statement.status == "approved":
        state = t("brief.statement.published", lang)
    elif statement.status == "changes_requested":
        state = t("statement.status.changes_requested", lang)
    else:
        state = t("brief.statement.draft", lang, count=len(statement.approvals), needed=needed)
    report = report_label(statement.series, lang)
    line = t("brief.statement", lang, report=report, version=statement.version, state=state)
    pack = pack_line(pieces, lang)
    return f"{line} · {pack}" if pack else line


def verdict_brief(
    snap: Snapshot,
    now: datetime,
    needed: int,
    lang: str,
    tz: str,
    *,
    settled: bool,
    followups: Sequence[Followup] = (),
    data: dict[str, Any] | None = None,
) -> VerdictBrief | None:
    """The living verdict as it should read now (None before the first verdict): `data`, the
    verdict's as it reads with the current answers (`IncidentService.reading_now`), else as
    issued."""
    verdict = snap.verdict
    if verdict is None:
        return None
    data = verdict.data if data is None else data
    steps = plan(snap, now, needed, followups)
    open_lines = texts.open_question_lines(data, lang)
    return VerdictBrief(
        title=texts.verdict_title(snap.incident, verdict.version, verdict.severity, lang),
        state="\n".join(
            line
            for line in (
                standing.severity_call_line(snap.incident, lang),
                _state(data, settled, lang),
            )
            if line
        ),
        do_now=tuple(do_now_lines(steps.now, lang, tz)),
        statement=statement_line(snap.statement, needed, lang, snap.pieces),
        reasons=tuple(f"• {line}" for line in plain_reasons(data, lang)),
        clocks=texts.clock_lines(data, lang, tz),
        later=tuple(do_now_lines(steps.later, lang, tz)),
        open_questions=open_lines or None,
        details=tuple(detail_lines(data, lang)),
        version=verdict.version,
    )


def summary_lines(
    snap: Snapshot,
    now: datetime,
    needed: int,
    lang: str,
    tz: str,
    followups: Iterable[Followup] = (),
) -> list[str]:
    """「今やること」 for the pinned summary (nothing before the first verdict)."""
    steps = plan(snap, now, needed, followups)
    if not steps.now:
        return []
    return [t("todo.title", lang), *do_now_lines(steps.now, lang, tz)]


def _state(data: dict[str, Any], settled: bool, lang: str) -> str:
    """Provisional while facts are assumed; settled only when every question that matters is
    answered (questions_settled), not merely when the verdict lists no open question."""
    if data.get("open_questions"):
        return t("verdict.provisional", lang)
    return t("verdict.final" if settled else "brief.answering", lang)


def settled(service: IncidentService, snap: Snapshot, answers: Answers) -> bool:
    """Every question that matters is answered: none open in the verdict, none still to ask
    (`answers`: the snapshot's, as `IncidentService.answers_model` reads them)."""
    verdict = snap.verdict.data if snap.verdict else None
    return questions_settled(verdict, answers, service.policy)


async def current_brief(
    service: IncidentService,
    incident_id: int,
    lang: str,
    tz: str,
    now: datetime,
    *,
    snap: Snapshot | None = None,
    followups: Sequence[Followup] | None = None,
) -> VerdictBrief | None:
    """The living verdict of an incident as it should read now, in `lang` (from `snap` and
    `followups` when the caller has just read them, and `snap` has the action items)."""
    if snap is None or not snap.whole:
        snap = await service.snapshot(incident_id)
    if followups is None:
        followups = await service.followups(incident_id)
    answers = service.answers_model(snap.incident, snap.values)
    data = service.reading_now(answers, snap.verdict.data) if snap.verdict else None
    return verdict_brief(
        snap,
        now,
        service.approvals_needed(snap.incident.severity),
        lang,
        tz,
        settled=settled(service, snap, answers),
        followups=followups,
        data=data,
    )


# ----- the statement --------------------------------------------------------------------


def mention(person: str) -> str:
    """A configured lead as the platforms mention them (`S…` is a Slack user group)."""
    return f"<!subteam^{person}>" if person.startswith("S") else f"<@{person}>"


def approvers_line(
    statement: Statement, leads: Sequence[str], needed: int, severity: str | None, lang: str
) -> str:
    """Who must approve, and who has and has not yet: the draft's opening lines."""
    names = listing((mention(lead) for lead in leads), lang) or t("statement.nobody", lang)
    head = t(
        "statement.approvers",
        lang,
        leads=names,
        severity=texts.severity_label(severity, lang).split(" ")[0],
        needed=needed,
    )
    approved = [a.approver for a in statement.approvals]
    pending = [lead for lead in leads if lead not in approved]
    done = listing((f"<@{a}>" for a in approved), lang) or t("statement.nobody", lang)
    if statement.status == "approved" or not pending:
        # Nobody is waited for once it is approved: no "waiting for: nobody yet".
        progress = t(
            "statement.approved_all", lang, count=len(approved), needed=needed, approved=done
        )
    else:
        progress = t(
            "statement.pending",
            lang,
            count=len(approved),
            needed=needed,
            approved=done,
            pending=listing((mention(lead) for lead in pending), lang),
        )
    return f"{head}\n{progress}"


def next_steps_line(
    statement: Statement, verdict: dict[str, Any] | None, leads: Sequence[str], lang: str, tz: str
) -> str:
    """After approval: who publishes it, where, and when the next update is due."""
    announcement = ((verdict or {}).get("actions") or {}).get("announcement")
    if announcement in (None, "none"):  # a verdict from before `announcement`: from its actions
        announcement = "website" if verdict and publishes(verdict) else "individual_notice"
    return t(
        "statement.next_steps",
        lang,
        where=t(f"statement.where.{announcement}", lang),
        who=" ".join(mention(lead) for lead in leads) or "—",
        next=format_time(statement.next_update_at, lang, tz),
    )


# ----- the topic ---------------------------------------------------------------------------


def topic(snap: Snapshot, lang: str, tz: str, now: datetime) -> str:
    """Severity and the next clocks, the 速報 with its target day (not only the latest date):
    「SEV1 重大 · 次の期限: GDPR 通知 12月7日(月) 09:00 · 速報 目安 12月7日(月)（期限 12月9日(水)）」."""
    incident = snap.incident
    if incident.status == "closed":
        return t("room.topic_closed", lang, badge=texts.badge(incident, lang), key=incident.key)
    ahead = [c for c in legal_clocks(snap.verdict.data if snap.verdict else None) if c.due >= now]
    shown = ahead[:1] + [c for c in ahead[1:] if c.target is not None][:1]
    parts = []
    for clock in shown:
        label = t(f"room.topic.label.{clock.name}", lang)
        if clock.target is not None and clock.target >= now:
            due, target = _day(clock.due, lang, tz), _day(clock.target, lang, tz)
            parts.append(t("room.topic.preliminary", lang, label=label, target=target, due=due))
        else:
            when = _day(clock.due, lang, tz, with_time=clock.name == "gdpr")
            parts.append(t("room.topic.clock", lang, label=label, due=when))
    return t(
        "room.topic",
        lang,
        badge=texts.badge(incident, lang),
        severity=_severities(incident, lang),
        next=" · ".join(parts) or "—",
    )[:250]


def _severities(incident: Incident, lang: str) -> str:
    """The policy's severity, and the incident lead's call beside it when there is one."""
    policy = texts.severity_label(incident.severity, lang)
    called = (incident.severity_call or {}).get("severity")
    if not called:
        return policy
    return t("severity_call.topic", lang, policy=policy, called=texts.severity_label(called, lang))


def _day(value: datetime, lang: str, tz: str, *, with_time: bool = False) -> str:
    """A deadline's day as a topic shows it (APPI deadlines end the day; GDPR's is to the hour)."""
    local = value.astimezone(ZoneInfo(tz))
    if lang == "ja":
        day = f"{local.month}月{local.day}日({'月火水木金土日'[local.weekday()]})"
    else:
        day = f"{local:%a %-d %b}"
    return f"{day} {local:%H:%M}" if with_time else day
