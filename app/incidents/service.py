"""The incident service: the one place that changes incident state, each change on the timeline.

A thin facade over one module per concern; a new method goes in its concern's module and gets
one line here:
  ledger.py      lock, chain, append, counters: every writer goes through it
  intake.py      report, open (after the storm check)
  storms.py      storm check, a repeat noted, admitting a later reporter
  deliveries.py  platform deliveries handled once, forgotten after a day
  assessment.py  answers, discovery time, reassessment
  statements.py  draft, redraft, edit
  approvals.py   request changes, approve, the gate, publish, the agreed timing
  followups.py   the room's answers to follow-up prompts
  messages.py    the room and the messages posted in it (chat bookkeeping)
  lifecycle.py   notes, closing, purge, the work's own milestones
  excerpts.py    chat messages added to the timeline (shortcut, reaction, pin)
  updates.py     stakeholder updates: drafted, approved by the lead or comms lead
  reads.py       what adapters and renderers read
  admin.py       API tokens, key rotation
  roles.py       roles and the incident lead's severity call
  tasks.py       action items
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.incidents.admin import Admin
from app.incidents.approvals import ApprovalResult, Approvals
from app.incidents.assessment import (
    READY_FIELDS,
    AnswerResult,
    Assessment,
    awareness_assumed,
    verdict_ready,
)
from app.incidents.company import Company
from app.incidents.config import Authority, Config
from app.incidents.deliveries import Deliveries
from app.incidents.errors import NotFound, ServiceError
from app.incidents.excerpts import ChatExcerpt, Excerpts
from app.incidents.followups import SNOOZE_HOURS, Followups
from app.incidents.handoff import HandOff
from app.incidents.intake import Intake
from app.incidents.ledger import Ledger
from app.incidents.lifecycle import PURGED, Lifecycle
from app.incidents.messages import Messages, room_slug, slugify
from app.incidents.pack import Pack
from app.incidents.reactions import Reactions
from app.incidents.reads import Reads
from app.incidents.roles import Roles
from app.incidents.snapshot import AnswerDetail, Snapshot
from app.incidents.statements import Statements
from app.incidents.tasks import Tasks
from app.incidents.updates import Updates
from app.models import WorkItem, utcnow
from app.postgres import Lane
from app.triage import Policy

__all__ = [
    "PURGED",
    "READY_FIELDS",
    "AnswerDetail",
    "AnswerResult",
    "ChatExcerpt",
    "ApprovalResult",
    "Authority",
    "Config",
    "IncidentService",
    "NotFound",
    "ServiceError",
    "Snapshot",
    "awareness_assumed",
    "room_slug",
    "slugify",
    "verdict_ready",
]


class IncidentService:
    """Every public method of the service, each delegated to the part that owns its concern."""

    SNOOZE_HOURS = SNOOZE_HOURS

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        config: Config | None = None,
        authority: Authority | Callable[[], Authority] = Authority(),
        reactions: Reactions | None = None,
        clock: Callable[[], datetime] = utcnow,
        reads: async_sessionmaker[AsyncSession] | None = None,
        lane: Lane | None = None,
    ) -> None:
        self.ledger = ledger = Ledger(
            sessions,
            config=config,
            authority=authority,
            reactions=reactions,
            clock=clock,
            reads=reads,
            lane=lane,
        )
        intake = self._intake = Intake(ledger)
        deliveries = Deliveries(ledger)
        statements = self._statements = Statements(ledger)
        pack = self._pack = Pack(ledger, statements)
        statements.pieces = pack  # a piece's edit is checked against its notice
        approvals = Approvals(ledger, pack)  # the notice's final approval drafts the pack
        assessment = self._assessment = Assessment(ledger, statements)
        followups = self._followups = Followups(ledger)
        messages = self._messages = Messages(ledger)
        lifecycle = self._lifecycle = Lifecycle(ledger)
        excerpts = Excerpts(ledger)
        updates = Updates(ledger)
        reader = self._reads = Reads(ledger)
        admin = self._admin = Admin(ledger)
        roles = self._roles = Roles(ledger)
        tasks = self._tasks = Tasks(ledger)
        company = Company(ledger)
        hand_off = HandOff(ledger)

        # intake
        self.open_incident = intake.open_incident
        self.record_report = intake.record_report
        self.take_report = intake.take_report
        self.similar_open_incident = intake.storms.similar_open_incident
        self.note_similar_report = intake.storms.note_similar_report
        self.similar_report = intake.storms.similar_report
        self.admit = intake.storms.admit
        # deliveries
        self.first_delivery = deliveries.first_delivery
        self.was_delivered = deliveries.was_delivered
        self.forget_deliveries = deliveries.forget_deliveries
        # assessment
        self.record_answer = assessment.record_answer
        self.set_discovered_at = assessment.set_discovered_at
        self.answers_model = assessment.answers_model
        self.reading_now = assessment.reading_now
        # company facts (workspace settings)
        self.company_facts = company.facts
        self.set_company_fact = company.set_fact
        # the technical questions, to the security responders
        self.hand_off = hand_off.hand_off
        # statements
        self.draft_texts = statements.draft_texts
        self.redraft = statements.redraft
        self.edit_statement = statements.edit_statement
        self.approvals_needed = approvals.approvals_needed
        self.approve = approvals.approve
        self.request_changes = approvals.request_changes
        self.record_timing_agreed = approvals.record_timing_agreed
        self.next_report = pack.next_report
        self.edit_overtaken = pack.edit_overtaken
        # follow-ups
        self.followup = followups.followup
        self.followups = followups.followups
        self.followup_posted = followups.followup_posted
        self.followup_done = followups.followup_done
        self.followup_not_needed = followups.followup_not_needed
        self.followup_snooze = followups.followup_snooze
        # chat bookkeeping
        self.reserve_room_name = messages.reserve_room_name
        self.record_room = messages.record_room
        self.message_ref = messages.message_ref
        self.message_refs = messages.message_refs
        self.room_work_left = messages.room_work_left
        self.claim_message = messages.claim_message
        self.claim_messages = messages.claim_messages
        self.save_message_ref = messages.save_message_ref
        # lifecycle
        self.record_effect = lifecycle.record_effect
        self.add_note = lifecycle.add_note
        self.close = lifecycle.close
        self.purge_closed = lifecycle.purge_closed
        self.rekey_chains = lifecycle.rekey_chains
        self.schedule = lifecycle.schedule
        self.add_message = excerpts.add_message
        self.draft_update = updates.draft_update
        self.approve_update = updates.approve_update
        self.stakeholder_update = updates.stakeholder_update
        self.on_work_dead = self._on_work_dead
        # reads
        self.get = reader.get
        self.find = reader.find
        self.find_by_channel = reader.find_by_channel
        self.snapshot = reader.snapshot
        self.verdicts = reader.verdicts
        self.latest_statement = reader.latest_statement
        self.statement = reader.statement
        self.statements = reader.statements
        self.pack = reader.pack
        self.open_incidents = reader.open_incidents
        self.timeline = reader.timeline
        self.verify = reader.verify
        # roles, the severity call, action items
        self.assign_role = roles.assign_role
        self.call_severity = roles.call_severity
        self.tasks = tasks.tasks
        self.add_task = tasks.add_task
        self.change_task = tasks.change_task
        self.complete_task = tasks.complete_task
        # administration
        self.create_api_token = admin.create_api_token
        self.revoke_api_tokens = admin.revoke_api_tokens
        self.api_token = admin.api_token
        self.reseal = admin.reseal

    async def _on_work_dead(self, session: AsyncSession, item: WorkItem, now: datetime) -> None:
        """The queue's dead hook: a report's row still opens its incident, then every dead row
        goes on its incident's timeline."""
        await self._intake.rescue_dead_report(session, item, now)
        await self._lifecycle.on_work_dead(session, item, now)

    # What the parts share lives on the ledger; these keep the service's old attributes.

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.ledger.sessions

    @property
    def reads(self) -> async_sessionmaker[AsyncSession]:
        return self.ledger.reads

    @property
    def config(self) -> Config:
        return self.ledger.config

    @property
    def reactions(self) -> Reactions:
        return self.ledger.reactions

    @property
    def policy(self) -> Policy:
        return self.ledger.policy

    @property
    def authority(self) -> Authority:
        return self.ledger.authority

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.ledger.clock

    @clock.setter
    def clock(self, clock: Callable[[], datetime]) -> None:  # tests move time on
        self.ledger.clock = clock
