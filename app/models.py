"""SQLAlchemy tables: incidents, their answers, verdicts, statements, timeline and the work queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.sealed import SealedJSON, SealedText
from app.vocabulary import (
    ActionState,
    FollowupState,
    IncidentStatus,
    StatementKind,
    StatementStatus,
    WorkStatus,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONType, Any: JSONType}


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(SealedText)
    status: Mapped[str] = mapped_column(String(16), default=IncidentStatus.OPEN)
    severity: Mapped[str | None] = mapped_column(String(8))
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(String(64))
    channel_name: Mapped[str | None] = mapped_column(String(128))
    reporter_id: Mapped[str] = mapped_column(String(128))
    discovered_at: Mapped[datetime]
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(4), default="ja")
    source: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    resolution: Mapped[str | None] = mapped_column(SealedText)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    # The earliest legal clock not yet met while open (app/incidents/deadlines.py): ops sort by it.
    deadline_at: Mapped[datetime | None]
    timeline_seq: Mapped[int] = mapped_column(Integer, default=0)
    timeline_head: Mapped[str] = mapped_column(String(64), default="0" * 64)
    # Who holds each role (`lead`, `comms`, `legal`, `scribe` → a person's id); changes are on the
    # timeline (app/incidents/roles.py).
    roles: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # The incident lead's own severity beside the policy's (`severity` stays the policy's):
    # {"severity", "reason" (masked), "by", "at"}.
    severity_call: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, nullable=True)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="incident", order_by="Answer.id", lazy="raise"
    )

    __table_args__ = (
        Index("ix_incidents_status_created", "status", "created_at"),
        Index("ix_incidents_workspace_channel", "workspace_id", "channel_id"),
        Index("ix_incidents_deadline", "deadline_at", "id"),
    )


class Counter(Base):
    """Named counters for human-readable numbers (incident keys per year, channels per day)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Answer(Base):
    """One triage answer; every answer is kept, the latest per field counts."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(SealedJSON, nullable=True)
    actor: Mapped[str] = mapped_column(String(128))
    answered_at: Mapped[datetime]

    incident: Mapped[Incident] = relationship(back_populates="answers", lazy="raise")

    __table_args__ = (Index("ix_answers_incident_field", "incident_id", "field"),)


class Verdict(Base):
    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    policy_version: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    data: Mapped[dict[str, Any]]
    answers: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("incident_id", "version"),)


class Statement(Base):
    """A version of one statement (both languages); approvals attach to a version.

    `kind` is the notice or a piece drafted from it (social, letter, qa); versions count per
    kind. `series` is the report the text belongs to (第1報, 第2報, …): a notice drafted after
    the last one was approved opens the next; a piece carries the series of the notice it was
    drafted from. `facts` are the answers the text was written from (with `discovered_at`), so
    the next report can say what changed since."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(
        String(16), default=StatementKind.NOTICE, server_default=StatementKind.NOTICE.value
    )
    series: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    version: Mapped[int] = mapped_column(Integer)
    verdict_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default=StatementStatus.DRAFT)
    texts: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    # the checker's findings quote the statement: sealed like its texts
    findings: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    facts: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, nullable=True)
    next_update_at: Mapped[datetime | None]
    author: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]

    approvals: Mapped[list[Approval]] = relationship(order_by="Approval.id", lazy="selectin")

    @property
    def approved_at(self) -> datetime:
        """When the last approval came (the statement's own time before any)."""
        return self.approvals[-1].created_at if self.approvals else self.created_at

    __table_args__ = (
        UniqueConstraint("incident_id", "kind", "version", name="uq_statements_kind_version"),
    )


class Approval(Base):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    approver: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("statement_id", "approver"),)


class TimelineEvent(Base):
    """One link of an incident's hash chain; `hash` covers every other column and `prev_hash`."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, nullable=True)
    data_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("incident_id", "seq"),)


class WorkItem(Base):
    """A durable unit of outbound work or a follow-up, claimed with a lease by one worker."""

    __tablename__ = "work_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    # Sealed like the incident's texts: a report waits here, title and all, until it is taken.
    payload: Mapped[dict[str, Any]] = mapped_column(SealedJSON, default=dict)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=WorkStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_work_items_status_due", "status", "due_at"),
        Index("ix_work_items_incident", "incident_id", "status"),
    )


class ChatMessage(Base):
    """A message the bot posted for an incident, by purpose (`ref`), so each is posted once."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(128))
    channel_id: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str | None] = mapped_column(String(64))  # None while being posted
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    work_id: Mapped[int | None] = mapped_column(BigId)  # the work row that reserved the post
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("incident_id", "ref"),)


class ProcessedEvent(Base):
    """Slack Events API deliveries already handled (Slack retries up to three times)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime]


class ApiToken(Base):
    """Bearer tokens for the ops API, stored as SHA-256 digests."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    workspace_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# slack_sdk's own OAuth stores, built on our metadata so that Alembic creates and upgrades them.
SLACK_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, "slack_installations"
)
SLACK_BOTS = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, "slack_oauth_states"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Followup(Base):
    """A prompt the room gets (status check, legal clock, promised update, action), by stable key.

    Whether it is a drill's is read from the incident; `work_id` is the row that will post it."""

    __tablename__ = "followups"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    deadline_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), default=FollowupState.SCHEDULED)
    work_id: Mapped[int | None] = mapped_column(BigId)
    snoozes: Mapped[int] = mapped_column(Integer, default=0)
    done_by: Mapped[str | None] = mapped_column(String(128))
    done_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(SealedText)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("incident_id", "key"),
        Index("ix_followups_state_due", "state", "due_at"),
    )


class ActionItem(Base):
    """An action item of an incident (`/leak task`, a message shortcut, the verdict's recommended
    actions, press-conference readiness): numbered per incident, with an owner and a due time.

    `source` names where an item came from when the bot made it (`verdict:police`,
    `press:spokesperson`), so it is made once; a person's items have none."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(SealedText)
    source: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), default=ActionState.OPEN)
    created_by: Mapped[str] = mapped_column(String(128))
    done_by: Mapped[str | None] = mapped_column(String(128))
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("incident_id", "number", name="uq_action_items_number"),
        UniqueConstraint("incident_id", "source", name="uq_action_items_source"),
    )


class CompanySetting(Base):
    """A workspace's company facts (a Slack team, a Teams tenant; "" for one set by the
    environment only): whether the company is usually the controller or a processor, listed,
    a public body. Set once by an admin (`/leak settings`), applied to every new incident."""

    __tablename__ = "company_settings"

    workspace_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    facts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime]
