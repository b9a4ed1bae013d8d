"""The incident service: the one place that changes incident state, each change on the timeline."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.incidents import deadlines
from app.incidents.masking import Masked, mask
from app.incidents.reactions import Event, Reactions
from app.incidents.reads import latest_verdict
from app.incidents.reports import Report
from app.incidents.similarity import WINDOW as STORM_WINDOW
from app.incidents.similarity import Candidate, CandidateCache, same_leak
from app.incidents.timeline import GENESIS, data_hash, event_hash, verify_chain
from app.models import (
    Answer,
    Approval,
    ChatMessage,
    Counter,
    Followup,
    FollowupState,
    Incident,
    IncidentStatus,
    Statement,
    TimelineEvent,
    Verdict,
    WorkItem,
    WorkStatus,
    utcnow,
)
from app.statements import Company, check_statement, default_next_update, draft_statement
from app.triage import Answers, AnswersError, Policy, assess, default_policy, parse_answers
from app.work.followups import LIVE as LIVE_FOLLOWUPS
from app.work.followups import cancel_work, enqueue_prompt, followups_of, prompt_ref
from app.work.queue import WorkSpec, add_work


class ServiceError(Exception):
    """A request the service refuses; `code` is stable for adapters to translate."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class NotFound(ServiceError):
    def __init__(self, what: str) -> None:
        super().__init__("not_found", what)


@dataclass(frozen=True)
class Authority:
    """Who may approve public words: PR lead user ids and/or group ids from the settings."""

    pr_leads: frozenset[str] = frozenset()

    def is_pr_lead(self, user_id: str, groups: Sequence[str] = ()) -> bool:
        return user_id in self.pr_leads or any(g in self.pr_leads for g in groups)

    @property
    def lead_groups(self) -> frozenset[str]:
        """Configured ids that name a group (Slack user groups start with S)."""
        return frozenset(g for g in self.pr_leads if g.startswith("S"))


@dataclass(frozen=True)
class Config:
    tz: str = "Asia/Tokyo"
    language: str = "ja"
    policy: Policy | None = None
    company: Company = field(default_factory=Company)
    templates_dir: Any = None
    max_attempts: int = 8


@dataclass(frozen=True)
class AnswerResult:
    answer: Answer | None
    duplicate: bool
    verdict: Verdict | None
    verdict_changed: bool
    masked: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApprovalResult:
    statement: Statement
    approved_now: bool
    already: bool
    needed: int


class IncidentService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        config: Config | None = None,
        authority: Authority | Callable[[], Authority] = Authority(),
        reactions: Reactions | None = None,
        clock: Callable[[], datetime] = utcnow,
        reads: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.sessions = sessions
        self.reads = reads or sessions
        self.config = config or Config()
        self._authority = authority
        self.reactions = reactions or Reactions()
        deadlines.register(self.reactions)
        self.clock = clock
        self._storm_cache = CandidateCache()

    @property
    def policy(self) -> Policy:
        return self.config.policy or default_policy()

    @property
    def authority(self) -> Authority:
        # A callable lets a settings change (removing a PR lead) take effect at once.
        return self._authority() if callable(self._authority) else self._authority

    # ----- opening -----------------------------------------------------------------------------

    async def open_incident(
        self,
        *,
        title: str,
        reporter_id: str,
        platform: str,
        workspace_id: str | None = None,
        source: dict[str, Any] | None = None,
        is_drill: bool = False,
        discovered_at: datetime | None = None,
        language: str | None = None,
    ) -> tuple[Incident, Masked]:
        """Records a new incident and the work it implies, in one transaction."""
        now = self.clock()
        report = _masked_report(
            title, reporter_id, platform, workspace_id, source, drill=is_drill, at=now
        )
        async with transaction(self.sessions) as session:
            incident = await self._open(
                session, report, now, discovered_at=discovered_at, language=language
            )
        self._remember(incident)
        return incident, Masked(report.title, report.masked)

    async def record_report(
        self,
        kind: str,
        *,
        title: str,
        reporter_id: str,
        platform: str,
        workspace_id: str | None = None,
        source: dict[str, Any] | None = None,
        is_drill: bool = False,
        separate: bool = False,
    ) -> Masked:
        """The acknowledgement's one write: the report (masked), as a work row of `kind` whose
        handler calls `take_report`. One INSERT, nothing read: the floor for an ack that loses
        nothing, whatever the storm check and the incident will cost."""
        now = self.clock()
        report = _masked_report(
            title,
            reporter_id,
            platform,
            workspace_id,
            source,
            drill=is_drill,
            separate=separate,
            at=now,
        )
        async with transaction(self.sessions) as session:
            await session.execute(
                _INSERT_WORK,
                {
                    "kind": kind,
                    "payload": report.payload(),
                    "due_at": now,
                    "max_attempts": self.config.max_attempts,
                    "created_at": now,
                },
            )
        return Masked(report.title, report.masked)

    async def take_report(
        self,
        report: Report,
        fence: Update,
        replies: Callable[[Incident, bool], Sequence[WorkSpec]],
    ) -> tuple[Incident, bool]:
        """Turns a recorded report into its incident (True) or, when it probably repeats an open
        one (a report storm), puts it on that incident's timeline (False); `replies(incident,
        opened)` is what the reporter is sent. One transaction, which also updates the report's
        work row through `fence` (the queue's fenced update of the claimed row): a report is
        taken once, even by a worker that dies half-way."""
        now = self.clock()
        async with transaction(self.sessions) as session:
            same = None
            if not (report.drill or report.separate):
                # Reports of one workspace are taken one at a time, so two of the same leak
                # cannot both miss the other (SQLite's BEGIN IMMEDIATE already serialises).
                if _dialect(session) == "postgresql":
                    await session.execute(_REPORT_LOCK, {"key": f"report:{report.workspace_id}"})
                found = await self._similar(
                    session, report.title, report.source.get("link"), report.workspace_id, now
                )
                if found is not None:  # (closed since? then this fails, and the retry opens)
                    same = await self._lock(session, found, open_only=True)
            if same is not None:
                await self._append(
                    session,
                    same,
                    "report.similar",
                    report.reporter,
                    {
                        "reporter": report.reporter,
                        "report": report.title,
                        "link": report.source.get("link"),
                    },
                    now,
                )
            incident = same or await self._open(
                session, report, now, discovered_at=report.reported_at
            )
            for spec in replies(incident, same is None):
                add_work(session, spec, incident_id=None, now=now)
            taken = await session.execute(
                fence.values(incident_id=incident.id, payload={"taken": incident.key})
            )
            if taken.rowcount != 1:
                raise ServiceError("lost_claim", "another worker took this report over")
        if same is None:
            self._remember(incident)
        return incident, same is None

    async def _open(
        self,
        session: AsyncSession,
        report: Report,
        now: datetime,
        *,
        discovered_at: datetime | None = None,
        language: str | None = None,
    ) -> Incident:
        """The incident of a (masked) report, its first timeline event and the work it implies."""
        number = await _next_counter(session, f"{'drill' if report.drill else 'leak'}:{now.year}")
        prefix = "DRILL" if report.drill else "LEAK"
        incident = Incident(
            key=f"{prefix}-{now.year}-{number:04d}",
            title=report.title or "(no summary)",
            status=IncidentStatus.OPEN,
            platform=report.platform,
            workspace_id=report.workspace_id,
            reporter_id=report.reporter,
            discovered_at=discovered_at or now,
            is_drill=report.drill,
            language=language or self.config.language,
            source=report.source,
            created_at=now,
            updated_at=now,
            timeline_seq=0,
            timeline_head=GENESIS,
        )
        data = {
            "title": incident.title,
            "reporter": report.reporter,
            "platform": report.platform,
            "drill": report.drill,
            "discovered_at": incident.discovered_at.isoformat(),
        }
        if report.masked:
            data["masked"] = list(report.masked)
        # The first event is chained before the row is written: one INSERT, no UPDATE.
        opened = self._chain(incident, "incident.opened", report.reporter, data, now)
        session.add(incident)
        await session.flush()
        await self._record(session, incident, opened)
        return incident

    def _remember(self, incident: Incident) -> None:
        """The next report's storm check need not read this incident back."""
        if not incident.is_drill:
            self._storm_cache.put(
                incident.id,
                Candidate(
                    incident.id, incident.title, incident.created_at, incident.source.get("link")
                ),
            )

    async def similar_open_incident(
        self, title: str, link: str | None, workspace_id: str | None
    ) -> Incident | None:
        """An open incident this report probably repeats (a report storm), or None."""
        async with self.reads() as session:
            found = await self._similar(session, mask(title).text, link, workspace_id, self.clock())
            return await session.get(Incident, found) if found else None

    async def _similar(
        self,
        session: AsyncSession,
        title: str,
        link: str | None,
        workspace_id: str | None,
        now: datetime,
    ) -> int | None:
        """The id of the open incident a (masked) report probably repeats, or None."""
        query = _RECENT_OPEN_IDS if workspace_id else _RECENT_OPEN_IDS_ANY_WORKSPACE
        params: dict[str, Any] = {"since": now - STORM_WINDOW}
        if workspace_id:
            params["workspace"] = workspace_id
        recent = (await session.execute(query, params)).scalars().all()
        missing = [incident_id for incident_id in recent if incident_id not in self._storm_cache]
        if missing:  # titles never change while open: read (and decrypt) each one once
            rows = await session.execute(
                select(Incident.id, Incident.title, Incident.source, Incident.created_at).where(
                    Incident.id.in_(missing)
                )
            )
            for incident_id, incident_title, source, created_at in rows.all():
                self._storm_cache.put(
                    incident_id,
                    Candidate(incident_id, incident_title, created_at, (source or {}).get("link")),
                )
        candidates = [c for incident_id in recent if (c := self._storm_cache.get(incident_id))]
        found = same_leak(title, link, candidates, now, window=STORM_WINDOW)
        return found.incident_id if found else None

    async def join(self, incident_id: int, user: str, report: str) -> Incident:
        """A later reporter of the same leak joins its room instead of opening another."""
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id, open_only=True)
            await self._append(
                session,
                incident,
                "reporter.joined",
                user,
                {"user": user, "report": mask(report.strip()).text},
            )
            return incident

    async def next_channel_number(self, day: str) -> int:
        """The NNN of `leak-YYYYMMDD-NNN-slug`, unique per day."""
        async with transaction(self.sessions) as session:
            return await _next_counter(session, f"channel:{day}")

    async def reserve_room_name(self, incident_id: int, name: str) -> None:
        """Remembers the channel name about to be created (no timeline event: nothing happened yet)."""
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id)
            incident.channel_name = name

    async def record_room(
        self, incident_id: int, *, channel_id: str, channel_name: str, actor: str = "leakdesk"
    ) -> Incident:
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id)
            if incident.channel_id == channel_id:
                return incident
            incident.channel_id, incident.channel_name = channel_id, channel_name
            await self._append(
                session,
                incident,
                "room.created",
                actor,
                {"channel_id": channel_id, "channel_name": channel_name},
            )
            return incident

    async def record_effect(
        self, incident_id: int, kind: str, data: dict[str, Any], actor: str = "leakdesk"
    ) -> None:
        """Puts an outbound milestone (room ready, verdict posted, statement published) on the timeline."""
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id)
            await self._append(session, incident, kind, actor, data)

    # ----- triage ----------------------------------------------------------------------------

    async def record_answer(
        self, incident_id: int, field_name: str, value: Any, actor: str
    ) -> AnswerResult:
        """Stores one answer (validated against the contract) and re-assesses."""
        value, masked = _mask_value(value)
        _validate_answer(field_name, value)
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id, open_only=True)
            current = await _latest_answers(session, incident.id)
            if field_name in current and current[field_name] == value:
                return AnswerResult(None, True, None, False, masked)
            answer = Answer(
                incident_id=incident.id, field=field_name, value=value, actor=actor, answered_at=now
            )
            session.add(answer)
            previous = current.get(field_name)
            current[field_name] = value
            await self._append(
                session,
                incident,
                "answer.recorded",
                actor,
                {"field": field_name, "value": value, "previous": previous},
                now,
            )
            verdict, changed = await self._reassess(session, incident, current, actor, now)
            return AnswerResult(answer, False, verdict, changed, masked)

    async def set_discovered_at(
        self, incident_id: int, when: datetime, actor: str
    ) -> Verdict | None:
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id, open_only=True)
            previous = incident.discovered_at
            incident.discovered_at = when
            await self._append(
                session,
                incident,
                "incident.discovered_at_changed",
                actor,
                {"from": previous.isoformat(), "to": when.isoformat()},
                now,
            )
            current = await _latest_answers(session, incident.id)
            verdict, _ = await self._reassess(session, incident, current, actor, now)
            return verdict

    def answers_model(self, incident: Incident, current: dict[str, Any]) -> Answers:
        return parse_answers({**current, "discovered_at": incident.discovered_at.isoformat()})

    async def _reassess(
        self,
        session: AsyncSession,
        incident: Incident,
        current: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> tuple[Verdict | None, bool]:
        if not verdict_ready(current):
            return None, False
        result = assess(self.answers_model(incident, current), self.policy, tz=self.config.tz)
        data = result.model_dump(mode="json")
        latest = await latest_verdict(session, incident.id)
        if latest is not None and _outcome(latest.data) == _outcome(data):
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
        incident.severity = verdict.severity
        await session.flush()
        await self._append(
            session,
            incident,
            "verdict.issued",
            actor,
            {
                "version": verdict.version,
                "severity": verdict.severity,
                "rules": data["rules"],
                "previous_severity": latest.severity if latest else None,
                "provisional": bool(data.get("open_questions")),
            },
            now,
        )
        if latest is None:
            await self._add_draft(session, incident, verdict, current, "leakdesk", now)
        return verdict, True

    # ----- statements ------------------------------------------------------------------------

    def draft_texts(
        self, incident: Incident, verdict: Verdict, current: dict[str, Any], now: datetime
    ) -> tuple[dict[str, str], dict[str, Any], datetime]:
        answers = {**current, "discovered_at": incident.discovered_at.isoformat()}
        next_update = default_next_update(verdict.severity, now, self.config.tz)
        texts, findings = {}, {}
        for lang in ("ja", "en"):
            draft = draft_statement(
                answers,
                verdict.data,
                lang,
                company=self.config.company,
                now=now,
                tz=self.config.tz,
                next_update_at=next_update,
                template_dir=self.config.templates_dir,
            )
            texts[lang] = draft.text
            findings[lang] = _findings(draft.text, lang, answers, verdict.data)
        return texts, findings, next_update

    async def _add_draft(
        self,
        session: AsyncSession,
        incident: Incident,
        verdict: Verdict,
        current: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> Statement:
        texts, findings, next_update = self.draft_texts(incident, verdict, current, now)
        return await self._add_statement(
            session,
            incident,
            texts,
            findings,
            next_update,
            actor,
            now,
            verdict.version,
            reason="drafted",
        )

    async def redraft(self, incident_id: int, actor: str) -> Statement:
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id, open_only=True)
            verdict = await latest_verdict(session, incident.id)
            if verdict is None:
                raise ServiceError("no_verdict")
            current = await _latest_answers(session, incident.id)
            return await self._add_draft(session, incident, verdict, current, actor, now)

    async def edit_statement(
        self, incident_id: int, texts: dict[str, str], actor: str, groups: Sequence[str] = ()
    ) -> Statement:
        """A PR lead's edit: a new version that voids every earlier approval."""
        if not self.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id, open_only=True)
            latest = await _latest_statement(session, incident.id)
            if latest is None:
                raise ServiceError("no_statement")
            # Only what the lead changed is new text from chat: the rest is our own draft.
            merged = {
                lang: mask(texts[lang]).text
                if lang in texts and texts[lang] != latest.texts.get(lang)
                else latest.texts.get(lang, "")
                for lang in ("ja", "en")
            }
            verdict = await latest_verdict(session, incident.id)
            current = await _latest_answers(session, incident.id)
            answers = {**current, "discovered_at": incident.discovered_at.isoformat()}
            findings = {
                lang: _findings(text, lang, answers, verdict.data if verdict else None)
                for lang, text in merged.items()
            }
            return await self._add_statement(
                session,
                incident,
                merged,
                findings,
                latest.next_update_at,
                actor,
                now,
                latest.verdict_version,
                reason="edited",
            )

    async def _add_statement(
        self,
        session: AsyncSession,
        incident: Incident,
        texts: dict[str, str],
        findings: dict[str, Any],
        next_update: datetime | None,
        actor: str,
        now: datetime,
        verdict_version: int | None,
        *,
        reason: str,
    ) -> Statement:
        latest = await _latest_statement(session, incident.id)
        if latest is not None and latest.status in ("draft", "changes_requested"):
            latest.status = "superseded"
        statement = Statement(
            incident_id=incident.id,
            version=(latest.version + 1) if latest else 1,
            verdict_version=verdict_version,
            status="draft",
            texts=texts,
            findings=findings,
            next_update_at=next_update,
            author=actor,
            created_at=now,
        )
        session.add(statement)
        await session.flush()
        voided = len(latest.approvals) if latest is not None and latest.status != "approved" else 0
        await self._append(
            session,
            incident,
            f"statement.{reason}",
            actor,
            {
                "version": statement.version,
                "texts": texts,
                "findings": sum(len(f) for f in findings.values()),
                "voided_approvals": voided,
            },
            now,
        )
        return statement

    def approvals_needed(self, severity: str | None) -> int:
        return 2 if severity == "SEV1" else 1

    async def _statement_for_lead(
        self,
        session: AsyncSession,
        incident_id: int,
        version: int,
        actor: str,
        groups: Sequence[str],
    ) -> tuple[Incident, Statement]:
        """The latest statement, if `version` is it and `actor` is a PR lead; else refuses."""
        if not self.authority.is_pr_lead(actor, groups):
            raise ServiceError("not_pr_lead")
        incident = await self._lock(session, incident_id, open_only=True)
        statement = await _latest_statement(session, incident.id)
        if statement is None or statement.version != version:
            raise ServiceError("stale_version", f"version {version} is not the latest")
        return incident, statement

    async def approve(
        self, incident_id: int, version: int, approver: str, groups: Sequence[str] = ()
    ) -> ApprovalResult:
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident, statement = await self._statement_for_lead(
                session, incident_id, version, approver, groups
            )
            needed = self.approvals_needed(incident.severity)
            if any(a.approver == approver for a in statement.approvals):
                return ApprovalResult(statement, False, True, needed)
            if statement.status == "approved":
                return ApprovalResult(statement, False, True, needed)
            session.add(Approval(statement_id=statement.id, approver=approver, created_at=now))
            await session.flush()
            await session.refresh(statement, ["approvals"])
            count = len(statement.approvals)
            approved = count >= needed
            if approved:
                statement.status = "approved"
            await self._append(
                session,
                incident,
                "statement.approved",
                approver,
                {
                    "version": version,
                    "approvals": count,
                    "needed": needed,
                    "final": approved,
                },
                now,
            )
            if approved:
                await self._append(
                    session,
                    incident,
                    "statement.published",
                    approver,
                    {
                        "version": version,
                        "approvers": [a.approver for a in statement.approvals],
                        "next_update_at": statement.next_update_at.isoformat()
                        if statement.next_update_at
                        else None,
                    },
                    now,
                )
            return ApprovalResult(statement, approved, False, needed)

    async def request_changes(
        self, incident_id: int, version: int, actor: str, comment: str, groups: Sequence[str] = ()
    ) -> Statement:
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident, statement = await self._statement_for_lead(
                session, incident_id, version, actor, groups
            )
            statement.status = "changes_requested"
            await self._append(
                session,
                incident,
                "statement.changes_requested",
                actor,
                {"version": version, "comment": mask(comment).text},
                now,
            )
            return statement

    # ----- notes and closing -----------------------------------------------------------------

    async def add_note(self, incident_id: int, text: str, actor: str) -> Masked:
        masked = mask(text.strip())
        if not masked.text:
            raise ServiceError("empty_note")
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id)
            data: dict[str, Any] = {"text": masked.text}
            if masked.changed:
                data["masked"] = list(masked.kinds)
            await self._append(session, incident, "note.added", actor, data)
        return masked

    async def close(self, incident_id: int, actor: str, resolution: str = "") -> Incident:
        now = self.clock()
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id, open_only=True)
            cancelled = await session.execute(
                update(WorkItem)
                .where(
                    WorkItem.incident_id == incident.id,
                    WorkItem.status == WorkStatus.PENDING,
                    WorkItem.kind.like("followup.%"),
                )
                .values(status=WorkStatus.CANCELLED, completed_at=now)
                .execution_options(synchronize_session=False)
            )
            incident.status = IncidentStatus.CLOSED
            incident.closed_at = now
            incident.resolution = mask(resolution).text or None
            await self._append(
                session,
                incident,
                "incident.closed",
                actor,
                {
                    "resolution": incident.resolution,
                    "cancelled_work": cancelled.rowcount,
                },
                now,
            )
            return incident

    async def purge_closed(self, older_than: timedelta) -> int:
        """Drops the free text of incidents closed before the cutoff; hashes keep verifying."""
        now = self.clock()
        async with self.reads() as session:
            ids = list(
                (
                    await session.execute(
                        select(Incident.id).where(
                            Incident.status == IncidentStatus.CLOSED,
                            Incident.closed_at < now - older_than,
                            Incident.purged_at.is_(None),
                        )
                    )
                ).scalars()
            )
        for incident_id in ids:
            async with transaction(self.sessions) as session:
                incident = await self._lock(session, incident_id)
                events = await session.execute(
                    update(TimelineEvent)
                    .where(TimelineEvent.incident_id == incident_id)
                    .values(data=None)
                    .execution_options(synchronize_session=False)
                )
                await session.execute(
                    update(Statement)
                    .where(Statement.incident_id == incident_id)
                    .values(texts={}, findings={})
                    .execution_options(synchronize_session=False)
                )
                incident.title, incident.source, incident.resolution = PURGED, {}, None
                incident.purged_at = now
                await self._append(
                    session,
                    incident,
                    "incident.purged",
                    "leakdesk",
                    {"events": events.rowcount, "older_than_days": older_than.days},
                    now,
                )
        return len(ids)

    async def schedule(
        self, incident_id: int, specs: Sequence[WorkSpec], actor: str, kind: str = "work.scheduled"
    ) -> None:
        async with transaction(self.sessions) as session:
            incident = await self._lock(session, incident_id)
            now = self.clock()
            for spec in specs:
                add_work(
                    session,
                    spec,
                    incident_id=incident.id,
                    now=now,
                    max_attempts=self.config.max_attempts,
                )
            await self._append(
                session, incident, kind, actor, {"kinds": [s.kind for s in specs]}, now
            )

    async def on_work_dead(self, session: AsyncSession, item: WorkItem, now: datetime) -> None:
        """The queue's hook: a row that will not be tried again is on its incident's timeline."""
        if item.incident_id is None:
            return
        incident = await self._lock(session, item.incident_id)
        await self._append(
            session,
            incident,
            "work.dead",
            "leakdesk",
            {
                "work_id": item.id,
                "kind": item.kind,
                "attempts": item.attempts,
                "error": (item.last_error or "")[:500],
            },
            now,
        )

    # ----- follow-ups ---------------------------------------------------------------------------

    SNOOZE_HOURS = (1, 24)

    async def followup(self, followup_id: int) -> tuple[Followup, Incident]:
        async with self.reads() as session:
            row = await session.get(Followup, followup_id)
            incident = await session.get(Incident, row.incident_id) if row else None
            if row is None or incident is None:
                raise NotFound(f"follow-up {followup_id}")
            return row, incident

    async def followups(self, incident_id: int) -> list[Followup]:
        async with self.reads() as session:
            return await followups_of(session, incident_id)

    async def followup_posted(self, followup_id: int, work_id: int, ref: str) -> bool:
        """The worker posted a prompt; a row whose follow-up has moved on records nothing."""
        now = self.clock()
        async with transaction(self.sessions) as session:
            row, incident = await self._followup_locked(session, followup_id, open_only=False)
            if row.work_id != work_id or row.state not in LIVE_FOLLOWUPS:
                return False
            row.state, row.updated_at = FollowupState.POSTED, now
            await self._append(
                session, incident, "followup.posted", "leakdesk", self._followup_data(row, ref), now
            )
            return True

    async def followup_done(self, followup_id: int, actor: str) -> tuple[Followup, bool]:
        """Done (or "no change" on a status check): who and when are kept with the prompt."""
        return await self._settle_followup(followup_id, actor, FollowupState.DONE)

    async def followup_not_needed(
        self, followup_id: int, reason: str, actor: str
    ) -> tuple[Followup, bool]:
        masked = mask(reason.strip()).text
        if not masked:
            raise ServiceError("reason_required")
        return await self._settle_followup(followup_id, actor, FollowupState.NOT_NEEDED, masked)

    async def followup_snooze(self, followup_id: int, hours: int, actor: str) -> Followup:
        """Posts the prompt again in `hours` (1 or 24) as a new message."""
        if hours not in self.SNOOZE_HOURS:
            raise ServiceError("invalid_snooze", str(hours))
        now = self.clock()
        async with transaction(self.sessions) as session:
            row, incident = await self._followup_locked(session, followup_id)
            if row.state not in (*LIVE_FOLLOWUPS, FollowupState.POSTED):
                raise ServiceError("followup_settled", row.state)
            shown = prompt_ref(row)
            await cancel_work(session, row)
            row.snoozes += 1
            row.state, row.due_at, row.updated_at = (
                FollowupState.SNOOZED,
                now + timedelta(hours=hours),
                now,
            )
            await enqueue_prompt(
                session,
                row,
                platform=incident.platform,
                due_at=row.due_at,
                now=now,
                max_attempts=self.config.max_attempts,
            )
            data = {
                **self._followup_data(row, shown),
                "until": row.due_at.isoformat(),
                "hours": hours,
            }
            await self._append(session, incident, "followup.snoozed", actor, data, now)
            return row

    async def _settle_followup(
        self, followup_id: int, actor: str, state: FollowupState, reason: str | None = None
    ) -> tuple[Followup, bool]:
        now = self.clock()
        async with transaction(self.sessions) as session:
            row, incident = await self._followup_locked(session, followup_id)
            if row.state in (FollowupState.DONE, FollowupState.NOT_NEEDED):
                return row, False
            if row.state == FollowupState.CANCELLED:
                raise ServiceError("followup_settled", row.state)
            shown = prompt_ref(row)
            await cancel_work(session, row)
            row.state, row.done_by, row.done_at, row.reason = state, actor, now, reason
            row.updated_at = now
            data = self._followup_data(row, shown)
            if reason:
                data["reason"] = reason
            await self._append(session, incident, f"followup.{state}", actor, data, now)
            return row, True

    async def _followup_locked(
        self, session: AsyncSession, followup_id: int, *, open_only: bool = True
    ) -> tuple[Followup, Incident]:
        incident_id = (
            await session.execute(select(Followup.incident_id).where(Followup.id == followup_id))
        ).scalar_one_or_none()
        if incident_id is None:
            raise NotFound(f"follow-up {followup_id}")
        incident = await self._lock(session, incident_id, open_only=open_only)
        row = (
            await session.execute(
                select(Followup)
                .where(Followup.id == followup_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return row, incident

    @staticmethod
    def _followup_data(row: Followup, ref: str) -> dict[str, Any]:
        return {
            "id": row.id,
            "key": row.key,
            "kind": row.kind,
            "ref": ref,
            "deadline": row.deadline_at.isoformat() if row.deadline_at else None,
        }

    # ----- chat bookkeeping ------------------------------------------------------------------

    async def message_ref(self, incident_id: int, ref: str) -> ChatMessage | None:
        async with self.reads() as session:
            return (
                await session.execute(
                    select(ChatMessage).where(
                        ChatMessage.incident_id == incident_id, ChatMessage.ref == ref
                    )
                )
            ).scalar_one_or_none()

    async def message_refs(self, incident_id: int, prefix: str) -> list[ChatMessage]:
        async with self.reads() as session:
            return list(
                (
                    await session.execute(
                        select(ChatMessage)
                        .where(
                            ChatMessage.incident_id == incident_id,
                            ChatMessage.ref.startswith(prefix),
                        )
                        .order_by(ChatMessage.id)
                    )
                ).scalars()
            )

    async def claim_message(
        self,
        incident_id: int,
        ref: str,
        channel_id: str,
        work_id: int,
        thread_ts: str | None = None,
    ) -> ChatMessage | None:
        """Reserves the right to post `ref` for work row `work_id`, in one statement.

        None: post it now (reserved now, or reserved by this row before and not posted yet).
        A message: do not post (already posted, its ts is set; or another row holds it)."""
        values = {
            "incident_id": incident_id,
            "ref": ref,
            "channel_id": channel_id,
            "thread_ts": thread_ts,
            "work_id": work_id,
            "created_at": self.clock(),
        }
        async with transaction(self.sessions) as session:
            insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
            reserved = await session.execute(
                insert(ChatMessage)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["incident_id", "ref"])
                .returning(ChatMessage.id)
            )
            if reserved.first() is not None:
                return None
            known = (
                await session.execute(
                    select(ChatMessage).where(
                        ChatMessage.incident_id == incident_id, ChatMessage.ref == ref
                    )
                )
            ).scalar_one()
        return None if known.ts is None and known.work_id == work_id else known

    async def save_message_ref(
        self, incident_id: int, ref: str, channel_id: str, ts: str, thread_ts: str | None = None
    ) -> None:
        """Records where `ref` was posted (its reservation gets the ts; a message posted without
        one, by an interaction, gets a row)."""
        async with transaction(self.sessions) as session:
            saved = await session.execute(
                update(ChatMessage)
                .where(ChatMessage.incident_id == incident_id, ChatMessage.ref == ref)
                .values(ts=ts)
                .execution_options(synchronize_session=False)
            )
            if saved.rowcount == 0:
                session.add(
                    ChatMessage(
                        incident_id=incident_id,
                        ref=ref,
                        channel_id=channel_id,
                        ts=ts,
                        thread_ts=thread_ts,
                        created_at=self.clock(),
                    )
                )

    # ----- reading ---------------------------------------------------------------------------

    async def get(self, incident_id: int) -> Incident:
        async with self.reads() as session:
            incident = await session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id}")
            return incident

    async def find(self, key_or_id: str) -> Incident:
        async with self.reads() as session:
            query = select(Incident).where(Incident.key == key_or_id.upper())
            if key_or_id.isdigit():
                query = select(Incident).where(Incident.id == int(key_or_id))
            incident = (await session.execute(query)).scalar_one_or_none()
            if incident is None:
                raise NotFound(f"incident {key_or_id}")
            return incident

    async def find_by_channel(self, channel_id: str) -> Incident | None:
        async with self.reads() as session:
            return (
                await session.execute(select(Incident).where(Incident.channel_id == channel_id))
            ).scalar_one_or_none()

    async def snapshot(self, incident_id: int) -> Snapshot:
        """Everything a renderer needs about one incident, read in one session."""
        async with self.reads() as session:
            incident = await session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"incident {incident_id}")
            answers = await _latest_answers_detail(session, incident_id)
            verdict = await latest_verdict(session, incident_id)
            statement = await _latest_statement(session, incident_id)
            counts = dict(
                (
                    await session.execute(
                        select(TimelineEvent.kind, func.count())
                        .where(TimelineEvent.incident_id == incident_id)
                        .group_by(TimelineEvent.kind)
                    )
                ).all()
            )
            return Snapshot(incident, answers, verdict, statement, counts)

    async def verdicts(self, incident_id: int) -> list[Verdict]:
        async with self.reads() as session:
            return list(
                (
                    await session.execute(
                        select(Verdict)
                        .where(Verdict.incident_id == incident_id)
                        .order_by(Verdict.version)
                    )
                ).scalars()
            )

    async def latest_statement(self, incident_id: int) -> Statement | None:
        async with self.reads() as session:
            return await _latest_statement(session, incident_id)

    async def statement(self, incident_id: int, version: int) -> Statement:
        async with self.reads() as session:
            found = (
                await session.execute(
                    select(Statement).where(
                        Statement.incident_id == incident_id, Statement.version == version
                    )
                )
            ).scalar_one_or_none()
            if found is None:
                raise NotFound(f"statement v{version}")
            return found

    async def open_incidents(
        self, workspace_id: str | None = None, limit: int = 100
    ) -> list[tuple[Incident, Verdict | None]]:
        """The newest open incidents (at most `limit`) with their current verdicts, in one query."""
        latest = (
            select(Verdict.incident_id, func.max(Verdict.version).label("version"))
            .group_by(Verdict.incident_id)
            .subquery()
        )
        query = (
            select(Incident, Verdict)
            .outerjoin(latest, latest.c.incident_id == Incident.id)
            .outerjoin(
                Verdict,
                and_(Verdict.incident_id == Incident.id, Verdict.version == latest.c.version),
            )
            .where(Incident.status == IncidentStatus.OPEN)
            .order_by(Incident.id.desc())
            .limit(limit)
        )
        if workspace_id:
            query = query.where(Incident.workspace_id == workspace_id)
        async with self.reads() as session:
            return [
                (incident, verdict) for incident, verdict in (await session.execute(query)).all()
            ]

    async def timeline(self, incident_id: int) -> list[TimelineEvent]:
        async with self.reads() as session:
            rows = await session.execute(
                select(TimelineEvent)
                .where(TimelineEvent.incident_id == incident_id)
                .order_by(TimelineEvent.seq)
            )
            return list(rows.scalars())

    async def verify(self, incident_id: int):  # type: ignore[no-untyped-def]
        incident = await self.get(incident_id)
        return verify_chain(incident.key, await self.timeline(incident_id))

    # ----- internals -------------------------------------------------------------------------

    async def _lock(
        self, session: AsyncSession, incident_id: int, *, open_only: bool = False
    ) -> Incident:
        """Takes the incident row for update, so timeline appends for one incident serialise."""
        incident = (
            await session.execute(
                select(Incident)
                .where(Incident.id == incident_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()
        if incident is None:
            raise NotFound(f"incident {incident_id}")
        if open_only and incident.status != IncidentStatus.OPEN:
            raise ServiceError("closed", incident.key)
        return incident

    async def _append(
        self,
        session: AsyncSession,
        incident: Incident,
        kind: str,
        actor: str,
        data: dict[str, Any],
        at: datetime | None = None,
    ) -> TimelineEvent:
        event = self._chain(incident, kind, actor, data, at or self.clock())
        await self._record(session, incident, event)
        return event

    def _chain(
        self, incident: Incident, kind: str, actor: str, data: dict[str, Any], at: datetime
    ) -> TimelineEvent:
        """The incident's next timeline event, hash-chained to the last; moves the head on."""
        seq = incident.timeline_seq + 1
        digest = data_hash(data)
        event = TimelineEvent(
            seq=seq,
            at=at,
            actor=actor,
            kind=kind,
            data=data,
            data_hash=digest,
            prev_hash=incident.timeline_head,
            hash=event_hash(
                incident_key=incident.key,
                seq=seq,
                at=at,
                actor=actor,
                kind=kind,
                data_digest=digest,
                prev_hash=incident.timeline_head,
            ),
        )
        incident.timeline_seq, incident.timeline_head, incident.updated_at = seq, event.hash, at
        return event

    async def _record(
        self, session: AsyncSession, incident: Incident, event: TimelineEvent
    ) -> None:
        """Adds a chained event with the work and in-transaction hooks it implies."""
        event.incident_id = incident.id
        session.add(event)
        happened = Event(incident, event.kind, event.actor, event.data or {}, event.at)
        for spec in self.reactions(happened):
            add_work(
                session,
                spec,
                incident_id=incident.id,
                now=event.at,
                max_attempts=self.config.max_attempts,
            )
        await session.flush()
        for hook in self.reactions.hooks(event.kind):
            await hook(session, happened)


@dataclass(frozen=True)
class AnswerDetail:
    value: Any
    actor: str
    at: datetime


@dataclass(frozen=True)
class Snapshot:
    incident: Incident
    answers: dict[str, AnswerDetail]
    verdict: Verdict | None
    statement: Statement | None
    event_counts: dict[str, int]

    @property
    def values(self) -> dict[str, Any]:
        return {k: v.value for k, v in self.answers.items()}


# ----- helpers ---------------------------------------------------------------------------------

# Built once: the acknowledgement path runs these for every report.
_RECENT_OPEN_IDS_ANY_WORKSPACE = (
    select(Incident.id)
    .where(
        Incident.status == IncidentStatus.OPEN,
        Incident.is_drill.is_(False),
        Incident.created_at >= bindparam("since"),
    )
    .order_by(Incident.id.desc())
    .limit(200)
)
_INSERT_WORK = insert(WorkItem).values(
    kind=bindparam("kind"),
    payload=bindparam("payload", type_=WorkItem.__table__.c.payload.type),
    due_at=bindparam("due_at"),
    status=WorkStatus.PENDING,
    attempts=0,
    max_attempts=bindparam("max_attempts"),
    created_at=bindparam("created_at"),
)
_REPORT_LOCK = select(func.pg_advisory_xact_lock(func.hashtext(bindparam("key"))))
_RECENT_OPEN_IDS = _RECENT_OPEN_IDS_ANY_WORKSPACE.where(
    Incident.workspace_id == bindparam("workspace")
)
READY_FIELDS = ("data_categories", "leak_mode")
PURGED = "(purged)"


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


def _mask_value(value: Any) -> tuple[Any, tuple[str, ...]]:
    if isinstance(value, str):
        masked = mask(value)
        return masked.text, masked.kinds
    return value, ()


def _mask_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _mask_value(v)[0] for k, v in data.items()}


def _findings(
    text: str, lang: str, answers: dict[str, Any], verdict: dict[str, Any] | None
) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code,
            "level": f.level,
            "ja": f.message_ja,
            "en": f.message_en,
            "excerpt": f.excerpt,
        }
        for f in check_statement(text, lang, answers=answers, verdict=verdict)
    ]


def _masked_report(
    title: str,
    reporter_id: str,
    platform: str,
    workspace_id: str | None,
    source: dict[str, Any] | None,
    *,
    drill: bool,
    at: datetime,
    separate: bool = False,
) -> Report:
    """A report as it may be stored: its title and source passed through the masker."""
    masked = mask(title.strip())
    return Report(
        title=masked.text,
        reporter=reporter_id,
        platform=platform,
        workspace_id=workspace_id,
        drill=drill,
        separate=separate,
        source=_mask_values(source or {}),
        masked=masked.kinds,
        reported_at=at,
    )


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name


async def _next_counter(session: AsyncSession, name: str) -> int:
    statement = _NEXT_COUNTER[_dialect(session) == "postgresql"]
    return int((await session.execute(statement, {"name": name})).scalar_one())


def _next_counter_statement(insert: Any) -> Any:
    return (
        insert(Counter)
        .values(name=bindparam("name"), value=1)
        .on_conflict_do_update(index_elements=[Counter.name], set_={"value": Counter.value + 1})
        .returning(Counter.value)
    )


_NEXT_COUNTER = (_next_counter_statement(sqlite.insert), _next_counter_statement(postgresql.insert))


async def _latest_answers_detail(
    session: AsyncSession, incident_id: int
) -> dict[str, AnswerDetail]:
    rows = await session.execute(
        select(Answer).where(Answer.incident_id == incident_id).order_by(Answer.id)
    )
    return {a.field: AnswerDetail(a.value, a.actor, a.answered_at) for a in rows.scalars()}


async def _latest_answers(session: AsyncSession, incident_id: int) -> dict[str, Any]:
    return {k: v.value for k, v in (await _latest_answers_detail(session, incident_id)).items()}


async def _latest_statement(session: AsyncSession, incident_id: int) -> Statement | None:
    return (
        await session.execute(
            select(Statement)
            .where(Statement.incident_id == incident_id)
            .order_by(Statement.version.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


def slugify(text: str, limit: int = 40) -> str:
    """An ASCII slug for channel names; empty when the text has no ASCII letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")
