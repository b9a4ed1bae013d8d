"""Assessment: triage answers and the discovery time go in, the verdict is re-assessed, and the
first verdict drafts the statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.incidents.errors import ServiceError
from app.incidents.issued import (
    answers_and_verdict,
    current_verdict,
    lock_with_answers,
    remember_issued,
)
from app.incidents.ledger import Ledger
from app.incidents.masking import mask
from app.incidents.reads import latest_verdict
from app.incidents.statements import Statements
from app.models import Answer, Incident, TimelineEvent, Verdict
from app.triage import REPORTED, Answers, AnswersError, assess, parse_answers, still_unknown
from app.vocabulary import EventKind

READY_FIELDS = ("data_categories", "leak_mode")


@dataclass(frozen=True)
class AnswerResult:
    answer: Answer | None
    duplicate: bool
    verdict: Verdict | None
    verdict_changed: bool
    masked: tuple[str, ...] = ()


class Assessment:
    """Answers and their verdicts; a verdict is re-issued only when its outcome changes."""

    def __init__(self, ledger: Ledger, statements: Statements) -> None:
        self.ledger = ledger
        self.statements = statements

    async def record_answer(
        self, incident_id: int, field_name: str, value: Any, actor: str
    ) -> AnswerResult:
        """Stores one answer (validated against the contract) and re-assesses. The awareness
        question's answer (`discovered_at`: "reported" or an ISO time) moves the clocks."""
        if field_name == "discovered_at":
            return await self._record_awareness(incident_id, value, actor)
        value, masked = _mask_value(value)
        _validate_answer(field_name, value)
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident, current = await lock_with_answers(self.ledger, session, incident_id)
            if field_name == "exposure_period" and value is not None:
                # A chat picks one end at a time: the other end stays as answered.
                value = _period({**(current.get(field_name) or {}), **_ends(value)})
            if field_name in current and current[field_name] == value:
                return AnswerResult(None, True, None, False, masked)
            answer, verdict, changed = await self._write_answer(
                session, incident, current, field_name, value, actor, now
            )
            return AnswerResult(answer, False, verdict, changed, masked)

    async def _write_answer(
        self,
        session: AsyncSession,
        incident: Incident,
        current: dict[str, Any],
        field_name: str,
        value: Any,
        actor: str,
        now: datetime,
    ) -> tuple[Answer, Verdict | None, bool]:
        """Writes the new `value` of `field_name` (`current`: the answers before it) with its
        event in Core statements (`Ledger.append_now`: one on PostgreSQL) and re-assesses: a
        new verdict when its outcome changes (`_reassess`), else the bot's draft follows the
        facts (`Statements.follow`). The answer, the current verdict, and whether it
        changed."""
        event = {"field": field_name, "value": value, "previous": current.get(field_name)}
        current[field_name] = value
        row = {"field": field_name, "value": value, "actor": actor, "answered_at": now}
        answer = Answer(incident_id=incident.id, **row)
        latest, data = await self._assess(session, incident, current)
        await self.ledger.append_now(
            session, incident, EventKind.ANSWER_RECORDED, actor, event, answer=row
        )
        verdict, changed = await self._reassess(
            session, incident, current, actor, now, (latest, data)
        )
        return answer, verdict, changed

    async def set_discovered_at(
        self, incident_id: int, when: datetime, actor: str
    ) -> Verdict | None:
        """Records when anyone in the company first knew (drills, answers files)."""
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident = await self.ledger.lock(session, incident_id, open_only=True)
            result = await self._set_awareness(session, incident, when, actor, now)
            return result.verdict or await latest_verdict(session, incident.id)

    async def _record_awareness(self, incident_id: int, value: Any, actor: str) -> AnswerResult:
        """The awareness question: "reported" keeps the report's time, now as an answer; a time
        must be aware, not in the future and not after the report (its reporter knew by then)."""
        now = self.ledger.clock()
        async with self.ledger.write() as session:
            incident, current = await lock_with_answers(self.ledger, session, incident_id)
            when = (
                await _report_time(session, incident) if value == REPORTED else _aware_time(value)
            )
            if when > now:
                raise ServiceError("awareness_future")
            if when > incident.created_at:
                raise ServiceError(
                    "awareness_after_report", incident.created_at.isoformat(timespec="minutes")
                )
            return await self._set_awareness(session, incident, when, actor, now, current)

    async def _set_awareness(
        self,
        session: AsyncSession,
        incident: Incident,
        when: datetime,
        actor: str,
        now: datetime,
        current: dict[str, Any] | None = None,
    ) -> AnswerResult:
        """Awareness is an answer like any other (who, when, on the timeline) and the incident's
        `discovered_at`: the clocks, follow-ups and topic move with it (a new verdict version).
        `current`: the answers, when read with the lock (else read here)."""
        if current is None:
            current = await answers_and_verdict(session, incident.id)
        previous = incident.discovered_at
        value = when.astimezone(ZoneInfo(self.ledger.config.tz)).isoformat()
        if current.get("discovered_at") == value and previous == when:
            return AnswerResult(None, True, None, False)
        if previous == when:  # (the report's time, answered as such) the clocks stay
            answer, verdict, changed = await self._write_answer(
                session, incident, current, "discovered_at", value, actor, now
            )
            return AnswerResult(answer, False, verdict, changed)
        answer = Answer(
            incident_id=incident.id,
            field="discovered_at",
            value=value,
            actor=actor,
            answered_at=now,
        )
        session.add(answer)
        incident.discovered_at = when
        await self.ledger.append(
            session,
            incident,
            EventKind.INCIDENT_DISCOVERED_AT_CHANGED,
            actor,
            {"from": previous.isoformat(), "to": when.isoformat()},
            now,
        )
        await self.ledger.append(
            session,
            incident,
            "answer.recorded",
            actor,
            {"field": "discovered_at", "value": value, "previous": current.get("discovered_at")},
            now,
        )
        current["discovered_at"] = value
        verdict, changed = await self._reassess(session, incident, current, actor, now)
        return AnswerResult(answer, False, verdict, changed)

    def answers_model(self, incident: Incident, current: dict[str, Any]) -> Answers:
        return parse_answers({**current, "discovered_at": incident.discovered_at.isoformat()})

    def reading_now(self, answers: Answers, issued: dict[str, Any]) -> dict[str, Any]:
        """The issued verdict's data as it reads with the current `answers` (`answers_model`).
        A verdict is re-issued only when its outcome changes, so after an answer that confirmed
        what was assumed (encryption "none" while it was read as not encrypted) its open
        questions and reasons still spoke of that fact as unknown. When the answers have closed
        one of its open questions, those two come from a fresh assessment of the same outcome;
        anything else (its rules, clocks and actions, as issued and on the timeline) stays."""
        listed = [q["field"] for q in issued.get("open_questions") or []]
        if still_unknown(answers, listed) == listed:
            return issued
        fresh = assess(answers, self.ledger.policy, tz=self.ledger.config.tz).model_dump(
            mode="json"
        )
        if _outcome(fresh) != _outcome(issued):  # (a changed policy, say): as issued
            return issued
        return {**issued, "reasons": fresh["reasons"], "open_questions": fresh["open_questions"]}

    async def _assess(
        self, session: AsyncSession, incident: Incident, current: dict[str, Any]
    ) -> tuple[Verdict | None, dict[str, Any] | None]:
        """The current verdict, and the new one's data when its outcome changes (else None).
        Read before anything is written."""
        if not verdict_ready(current):
            return None, None
        result = assess(
            self.answers_model(incident, current), self.ledger.policy, tz=self.ledger.config.tz
        )
        data = result.model_dump(mode="json")
        latest = await current_verdict(session, incident.id)
        if latest is not None and _outcome(latest.data) == _outcome(data):
            return latest, None
        return latest, data

    async def _reassess(
        self,
        session: AsyncSession,
        incident: Incident,
        current: dict[str, Any],
        actor: str,
        now: datetime,
        assessed: tuple[Verdict | None, dict[str, Any] | None] | None = None,
    ) -> tuple[Verdict | None, bool]:
        """Issues a new verdict when its outcome changes (`assessed`: `_assess` already ran);
        when it stands, the bot's draft still follows the facts (`Statements.follow`)."""
        latest, data = assessed or await self._assess(session, incident, current)
        if data is None:
            if latest is not None:
                await self.statements.follow(
                    session, incident, latest, current, now, reissued=False
                )
            return latest, False
        verdict = Verdict(
            incident_id=incident.id,
            version=(latest.version + 1) if latest else 1,
            policy_version=data["policy_version"],
            severity=data["severity"],
            data=data,
            answers=dict(current),
            created_at=now,
        )
        session.add(verdict)
        remember_issued(session, verdict)  # its event's hooks read it (app.incidents.issued)
        # The verdict, with what the transaction added before it (their work rows come first),
        # then its event and the severity it sets in Core statements (one on PostgreSQL).
        await session.flush()
        await self.ledger.append_now(
            session,
            incident,
            EventKind.VERDICT_ISSUED,
            actor,
            {
                "version": verdict.version,
                "severity": verdict.severity,
                "rules": data["rules"],
                "previous_severity": latest.severity if latest else None,
                "provisional": bool(data.get("open_questions")),
            },
            changes={"severity": verdict.severity},
            at=now,
        )
        if latest is None:
            await self.statements.add_draft(
                session, incident, verdict, current, "leakdesk", now, first=True
            )
        else:
            await self.statements.follow(session, incident, verdict, current, now, reissued=True)
        return verdict, True


def verdict_ready(current: dict[str, Any]) -> bool:
    """A verdict is worth showing once we know what leaked and how."""
    return all(f in current for f in READY_FIELDS)


def _outcome(data: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a verdict a new one: open questions narrowing alone do not."""
    return (
        data["severity"],
        data["rules"],
        data["appi"],
        data["gdpr"],
        data["actions"],
        bool(data.get("open_questions")),
    )


def _validate_answer(field_name: str, value: Any) -> None:
    if field_name == "discovered_at":
        raise ServiceError("invalid_answer", "discovered_at is set with set_discovered_at")
    try:
        parse_answers({"discovered_at": "2000-01-01T00:00:00+00:00", field_name: value})
    except AnswersError as exc:
        raise ServiceError("invalid_answer", "; ".join(exc.errors)) from None


def awareness_assumed(answers: dict[str, Any]) -> bool:
    """True until someone answers the awareness question: the report's time stands in for it."""
    return "discovered_at" not in answers


async def _report_time(session: AsyncSession, incident: Incident) -> datetime:
    """The report's own time: what `discovered_at` was when the incident was opened."""
    opened = (
        await session.execute(
            select(TimelineEvent.data).where(
                TimelineEvent.incident_id == incident.id, TimelineEvent.kind == "incident.opened"
            )
        )
    ).scalar_one_or_none()
    recorded = (opened or {}).get("discovered_at")
    return datetime.fromisoformat(recorded) if recorded else incident.created_at


def _aware_time(value: Any) -> datetime:
    try:
        return parse_answers({"discovered_at": value}).discovered_at
    except AnswersError as exc:
        raise ServiceError("invalid_answer", "; ".join(exc.errors)) from None


def _ends(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServiceError("invalid_answer", 'exposure_period: expected {"from": …, "to": …}')
    return {k: v for k, v in value.items() if v is not None}


def _period(value: dict[str, Any]) -> dict[str, Any]:
    try:
        answers = parse_answers(
            {"discovered_at": "2000-01-01T00:00:00+00:00", "exposure_period": value}
        )
    except AnswersError as exc:
        raise ServiceError("invalid_answer", "; ".join(exc.errors)) from None
    return answers.model_dump(mode="json")["exposure_period"]


def _mask_value(value: Any) -> tuple[Any, tuple[str, ...]]:
    if isinstance(value, str):
        masked = mask(value)
        return masked.text, masked.kinds
    return value, ()
