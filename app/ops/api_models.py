"""What the JSON API answers, as /docs shows it: an incident, a page of them, one incident's
record, its timeline, a problem; and the credentials it accepts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from app.models import IncidentStatus
from app.ops.auth import SESSION_COOKIE
from app.triage.models import Severity

# Both only describe the credentials in the OpenAPI schema; api_principal decides (auto_error off).
bearer = HTTPBearer(
    auto_error=False, description="The ops token, or a token from `leakdesk token`."
)
session_cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="The session of a signed-in ops page."
)


class _Out(BaseModel):
    # Every key is documented: a key added to an export but not here fails the tests, not silently.
    model_config = ConfigDict(extra="forbid")


class Problem(_Out):
    detail: str = Field(description="What went wrong and what to do.")


Time = Annotated[
    str, WithJsonSchema({"type": "string", "format": "date-time"}), Field(description="ISO 8601")
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": Problem,
        "description": "No token or session, or the token is wrong or revoked.",
        "headers": {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}},
    },
    503: {
        "model": Problem,
        "description": "The API is off: set LEAKDESK_OPS_TOKEN or LEAKDESK_SESSION_SECRET.",
    },
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": Problem,
        "description": "No such incident, or it is outside the token's workspace.",
    }
}


class NextDeadline(_Out):
    clock: str | None = Field(description="appi_preliminary, appi_final, principal or gdpr.")
    due: Time


class SeverityCallOut(_Out):
    severity: Severity
    reason: str = Field(description="Why, as the lead gave it (masked like every free text).")
    by: str
    at: Time | None


class ActionItemOut(_Out):
    number: int = Field(description="What people type: `/leak task done 3`.")
    title: str = Field(description="Masked like every free text.")
    state: Literal["open", "done", "dropped"]
    owner: str | None
    due_at: Time | None
    source: str | None = Field(
        description="Where the bot made it from: `verdict:NAME` (a recommended action), "
        "`press:…` (a press conference's readiness); null for a person's item."
    )
    created_by: str
    created_at: Time
    done_by: str | None
    done_at: Time | None


class IncidentOut(_Out):
    id: int
    key: str = Field(description="LEAK-YYYY-NNNN, or DRILL-YYYY-NNNN for drills.")
    title: str
    status: IncidentStatus
    severity: Severity | None
    drill: bool
    platform: str
    workspace_id: str | None
    channel_id: str | None
    channel_name: str | None
    reporter: str
    language: str
    discovered_at: Time
    created_at: Time
    updated_at: Time
    closed_at: Time | None
    resolution: str | None
    purged_at: Time | None
    roles: dict[str, str] = Field(
        description="Who holds each role: lead (incident lead), comms (communications lead, "
        "the spokesperson), legal (legal/DPO), scribe; a role nobody holds is absent."
    )
    severity_call: SeverityCallOut | None = Field(
        description="The incident lead's own severity beside the policy's `severity` (which "
        "is never rewritten); the legal clocks still come from the facts."
    )


class IncidentItem(IncidentOut):
    next_deadline: NextDeadline | None = Field(
        description="The earliest legal deadline not yet met (overdue or not)."
    )


class IncidentPage(_Out):
    items: list[IncidentItem]
    next_cursor: str | None = Field(
        description="Pass it back as `cursor` (with the same `sort`) for the next page; opaque."
    )


class ChainBreak(_Out):
    seq: int
    reason: str


class Chain(_Out):
    intact: bool = Field(description="Whether every event's hash still verifies.")
    events: int
    head: str
    break_: ChainBreak | None = Field(alias="break", description="The first event that fails.")


class ApprovalOut(_Out):
    approver: str
    at: Time


class StatementOut(_Out):
    kind: str = Field(
        description="notice (the holding statement and its later reports), or a piece drafted "
        "from the approved notice: social, letter, qa (internal)."
    )
    series: int = Field(
        description="The report it belongs to: 1 for 第1報, 2 for 第2報, … (a piece: the "
        "report it was drafted from)."
    )
    version: int = Field(description="Counted per kind.")
    verdict_version: int | None
    status: str = Field(description="draft, approved, changes_requested, ...")
    author: str
    created_at: Time
    next_update_at: Time | None
    texts: dict[str, Any]
    findings: dict[str, Any]
    approvals: list[ApprovalOut]


class FollowupOut(_Out):
    key: str
    kind: str
    due_at: Time
    deadline_at: Time | None
    status: str
    snoozes: int
    done_by: str | None
    done_at: Time | None


class IncidentDetail(_Out):
    incident: IncidentOut
    discovered_at_assumed: bool = Field(
        description="Nobody has answered yet when the company first knew: `discovered_at` is "
        "the report's time standing in (as the exports and the PPC report say)."
    )
    verdict: dict[str, Any] | None = Field(
        description="The current verdict, in the assess contract's shape (DESIGN.md)."
    )
    verdict_version: int | None
    statements: list[StatementOut]
    followups: list[FollowupOut]
    action_items: list[ActionItemOut]
    chain: Chain
    response: dict[str, Any] = Field(
        description="How fast it was answered (docs/ops.md): seconds from the report to the "
        "room, the first verdict and an approved statement; each legal clock met, met late, "
        "missed or running."
    )


class EventOut(_Out):
    seq: int
    at: Time
    actor: str
    kind: str
    data: dict[str, Any] | None = Field(
        description="As stored: masked at intake, null once purged."
    )
    data_hash: str
    prev_hash: str
    hash: str


class Timeline(_Out):
    incident: str = Field(description="The incident's key.")
    chain: Chain
    events: list[EventOut]
