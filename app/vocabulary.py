"""Named vocabularies: the closed sets of strings leakdesk stores and compares, in one place.

Each is an `enum.StrEnum` whose values are the strings already stored (timeline, work table,
statements), so stored data and plain-string comparisons keep working. Imports nothing from the
app: pure code, models and adapters all read these."""

from __future__ import annotations

import enum


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StatementStatus(enum.StrEnum):
    """A holding statement version's state: only the latest draft can be approved."""

    DRAFT = "draft"
    CHANGES_REQUESTED = "changes_requested"
    SUPERSEDED = "superseded"
    APPROVED = "approved"


class StatementKind(enum.StrEnum):
    """What a statement is: the notice (第1報, 第2報, …) or a piece drafted from the approved
    notice — the social post, the letter to the people concerned, the internal Q&A."""

    NOTICE = "notice"
    SOCIAL = "social"
    LETTER = "letter"
    QA = "qa"


class EventKind(enum.StrEnum):
    """Every kind of timeline event the service writes (`TimelineEvent.kind`)."""

    INCIDENT_OPENED = "incident.opened"
    INCIDENT_DISCOVERED_AT_CHANGED = "incident.discovered_at_changed"
    INCIDENT_CLOSED = "incident.closed"
    INCIDENT_PURGED = "incident.purged"
    REPORT_SIMILAR = "report.similar"
    REPORTER_JOINED = "reporter.joined"
    ROOM_CREATED = "room.created"
    ROOM_READY = "room.ready"
    ROOM_ARCHIVED = "room.archived"  # the room was archived after closing (or could not be)
    ANSWER_RECORDED = "answer.recorded"
    ANSWERS_FROM_SETTINGS = "answers.from_settings"  # the company facts a new incident took
    TRIAGE_HANDED_OFF = "triage.handed_off"  # the technical questions, to the security responders
    VERDICT_ISSUED = "verdict.issued"
    STATEMENT_DRAFTED = "statement.drafted"
    STATEMENT_EDITED = "statement.edited"
    STATEMENT_CHANGES_REQUESTED = "statement.changes_requested"
    STATEMENT_APPROVED = "statement.approved"
    STATEMENT_PUBLISHED = "statement.published"
    STATEMENT_OVERRIDE = "statement.override"  # a PR lead approved past the gate, with a reason
    STATEMENT_TIMING_AGREED = "statement.timing_agreed"  # the investigators agreed the timing
    NOTE_ADDED = "note.added"
    MESSAGE_ADDED = "message.added"
    UPDATE_DRAFTED = "update.drafted"  # a stakeholder update drafted in the room
    UPDATE_APPROVED = "update.approved"  # … approved by the incident or communications lead
    UPDATE_POSTED = "update.posted"  # … posted in the internal update channel  # a chat message added to the timeline from the room
    FOLLOWUP_POSTED = "followup.posted"
    FOLLOWUP_DONE = "followup.done"
    FOLLOWUP_NOT_NEEDED = "followup.not_needed"
    FOLLOWUP_SNOOZED = "followup.snoozed"
    ROLE_ASSIGNED = "role.assigned"  # someone holds a role now (or nobody: `user` None)
    SEVERITY_CALLED = "severity.called"  # the incident lead's severity beside the policy's
    TASK_ADDED = "task.added"
    TASK_CHANGED = "task.changed"  # a new owner or due time
    TASK_DONE = "task.done"
    TASK_DROPPED = "task.dropped"  # not needed, with a reason
    WEBHOOK_DELIVERED = "webhook.delivered"  # an outgoing webhook was accepted by its receiver
    WORK_SCHEDULED = "work.scheduled"
    WORK_DEAD = "work.dead"


class ActionState(enum.StrEnum):
    """An action item's state."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class Role(enum.StrEnum):
    """The roles of an incident room, in the order a summary lists them."""

    LEAD = "lead"  # incident lead
    COMMS = "comms"  # communications lead, the spokesperson
    LEGAL = "legal"  # legal / DPO
    SCRIBE = "scribe"


class WorkStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    DEAD = "dead"
    CANCELLED = "cancelled"


class WorkKind(enum.StrEnum):
    """The kinds of work rows. A room's effects run per chat platform, as `<platform>.<effect>`
    (`on(platform)`); the rest are one kind for the whole deployment."""

    # a room's effects (app/rooms, per platform)
    OPEN_ROOM = "open_room"
    SYNC_QUESTION = "sync_question"
    NEXT_QUESTION = "next_question"
    POST_VERDICT = "post_verdict"
    SYNC_STATEMENT = "sync_statement"
    PUBLISH_STATEMENT = "publish_statement"
    REFRESH_ROOM = "refresh_room"
    CLOSE_ROOM = "close_room"
    ARCHIVE_ROOM = "archive_room"
    POST = "post"
    INVITE = "invite"
    ADMIT_REQUEST = "admit_request"
    DRILL_REVEAL = "drill_reveal"
    FOLLOWUP_PROMPT = "followup.prompt"
    FOLLOWUP_SYNC = "followup_sync"
    SYNC_STANDING = "sync_standing"  # roles, items, the severity call: summary, verdict, topic
    ANNOUNCE = "announce"  # a role, an item or the call changed: one line in a thread
    REVIEW = "review"  # the after-action review's card (after the first statement, or at close)
    HAND_OFF = "hand_off"  # the security responders' card of the technical questions
    # one platform's own (written as `slack.report`, `teams.reply`, …)
    REPORT = "report"
    RESPOND = "respond"
    PUBLISH_HOME = "publish_home"
    REPLY = "reply"
    # deployment-wide
    DIGEST = "followup.digest"

    def on(self, platform: str) -> str:
        """The kind of this effect's rows for one chat platform (`slack.open_room`)."""
        return f"{platform}.{self.value}"


class FollowupState(enum.StrEnum):
    SCHEDULED = "scheduled"
    POSTED = "posted"
    DONE = "done"
    SNOOZED = "snoozed"
    NOT_NEEDED = "not_needed"
    CANCELLED = "cancelled"
