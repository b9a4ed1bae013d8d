"""Values of the assess contract (DESIGN.md "The assess contract"): answers in, verdict out."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_serializer,
    model_serializer,
    model_validator,
)


class DataCategory(enum.StrEnum):
    SPECIAL_CARE = "special_care"
    FINANCIAL = "financial"
    CREDENTIALS = "credentials"
    IDENTITY = "identity"
    CONTACT = "contact"
    OTHER_PERSONAL = "other_personal"
    MY_NUMBER = "my_number"
    TRADE_SECRET = "trade_secret"
    NATIONAL_SECURITY = "national_security"
    BUSINESS_CONTACT = "business_contact"
    NONE = "none"


class Region(enum.StrEnum):
    JP = "JP"
    EU = "EU"
    UK = "UK"
    US = "US"
    KR = "KR"
    SG = "SG"
    AU = "AU"
    OTHER = "OTHER"


class LeakMode(enum.StrEnum):
    UNAUTHORIZED_ACCESS = "unauthorized_access"
    RANSOMWARE = "ransomware"
    INSIDER_THEFT = "insider_theft"
    SKIMMING = "skimming"
    MISDELIVERY = "misdelivery"
    MISCONFIGURATION = "misconfiguration"
    LOST_DEVICE = "lost_device"
    STOLEN_DEVICE = "stolen_device"
    VENDOR_INCIDENT = "vendor_incident"
    INTENTIONAL_PROVISION = "intentional_provision"
    UNKNOWN = "unknown"


class Encryption(enum.StrEnum):
    NONE = "none"
    STRONG = "strong"
    WEAK = "weak"
    UNKNOWN = "unknown"


class Access(enum.StrEnum):
    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"
    RULED_OUT = "ruled_out"


class Role(enum.StrEnum):
    CONTROLLER = "controller"
    PROCESSOR = "processor"


class DataSubject(enum.StrEnum):
    CUSTOMERS = "customers"
    EMPLOYEES = "employees"
    JOB_APPLICANTS = "job_applicants"
    PATIENTS = "patients"
    STUDENTS = "students"
    BUSINESS_PARTNERS = "business_partners"
    OTHER = "other"


class Announcement(enum.StrEnum):
    """How the company speaks (DESIGN.md "Contract additions (2026-12)"), loudest first."""

    PRESS_AND_WEBSITE = "press_and_website"
    WEBSITE = "website"
    INDIVIDUAL_NOTICE = "individual_notice"
    VIA_PRINCIPALS = "via_principals"
    HOLD_FOR_INVESTIGATORS = "hold_for_investigators"
    NONE = "none"


class Control(enum.StrEnum):
    ENCRYPTION = "encryption"
    ACCESS_CONTROL = "access_control"
    LOGGING = "logging"
    TRAINING = "training"
    DEVICE_POLICY = "device_policy"
    DELETION = "deletion"
    PATCHING = "patching"
    VENDOR_OVERSIGHT = "vendor_oversight"


class Severity(enum.StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"

    @property
    def rank(self) -> int:
        """1 is the most severe; compare ranks, never the strings."""
        return int(self.value[-1])


class AppiCategory(enum.StrEnum):
    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"


class Police(enum.StrEnum):
    YES = "yes"
    CONSULT = "consult"
    NO = "no"


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of user-facing text in both languages."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


# ----- answers ------------------------------------------------------------------------------------


def _iso_text_only(value: Any) -> Any:
    # pydantic would take a Unix timestamp as UTC; the contract asks for ISO 8601 with an offset.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("iso_required")
    return value


Count = Annotated[StrictInt, Field(ge=0)]
Discovered = Annotated[AwareDatetime, BeforeValidator(_iso_text_only)]
CAUSE_MAX = 500  # a short line, not a report: the statement quotes it


class ExposurePeriod(BaseModel):
    """The period of the affected records or transactions; either end may be unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.start and self.end and self.start > self.end:
            raise ValueError("period_order")
        return self

    @model_serializer(mode="plain")
    def _as_contract(self) -> dict[str, str | None]:
        # Always the contract's keys (from/to), whatever the caller's by_alias.
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def _stripped(value: Any) -> Any:
    return (value.strip() or None) if isinstance(value, str) else value


Cause = Annotated[StrictStr, Field(max_length=CAUSE_MAX)]


class Answers(BaseModel):
    """Triage answers; an absent or null field is an unknown fact."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    discovered_at: Discovered
    data_categories: tuple[DataCategory, ...] | None = None
    affected_count: Count | None = None
    subject_regions: tuple[Region, ...] | None = None
    leak_mode: LeakMode | None = None
    wrongful_act: StrictBool | None = None
    encryption: Encryption | None = None
    key_compromised: StrictBool | None = None
    access: Access | None = None
    published: StrictBool | None = None
    secondary_damage: StrictBool | None = None
    contained: StrictBool | None = None
    police_involved: StrictBool | None = None
    role: Role | None = None
    listed_company: StrictBool | None = None
    public_body: StrictBool | None = None
    media_aware: StrictBool | None = None
    controls_missing: tuple[Control, ...] | None = None
    # Contract additions (2026-12)
    data_subjects: tuple[DataSubject, ...] | None = None
    police_disclosure_hold: StrictBool | None = None
    exposure_period: ExposurePeriod | None = None
    cause: Annotated[Cause | None, BeforeValidator(_stripped)] = None
    credentials_can_pay: StrictBool | None = None


ANSWER_FIELDS: tuple[str, ...] = tuple(Answers.model_fields)

# The closed set behind each field, for error messages and option lists.
FIELD_ENUMS: dict[str, type[enum.StrEnum]] = {
    "data_categories": DataCategory,
    "subject_regions": Region,
    "leak_mode": LeakMode,
    "encryption": Encryption,
    "access": Access,
    "role": Role,
    "controls_missing": Control,
    "data_subjects": DataSubject,
}


class AnswersError(ValueError):
    """Answers that do not follow the contract; each message names the field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_answers(data: dict[str, Any]) -> Answers:
    """Validates one JSON object of answers (CLI exit 2, HTTP 422 on AnswersError)."""
    if not isinstance(data, dict):
        raise AnswersError(["answers must be one JSON object"])
    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        raise AnswersError([_message(error) for error in exc.errors()]) from None


def _loc(loc: tuple[int | str, ...]) -> str:
    text = str(loc[0]) if loc else "answers"
    return text + "".join(f"[{part}]" for part in loc[1:])


def _allowed(field: str) -> str:
    return ", ".join(member.value for member in FIELD_ENUMS[field])


def _message(error: Any) -> str:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    where, kind, value = _loc(loc), error["type"], error.get("input")
    field = str(loc[0]) if loc else ""
    if kind == "extra_forbidden":
        return f"{where}: unknown field; the fields are {', '.join(ANSWER_FIELDS)}"
    if kind == "missing":
        return f"{where}: required: when anyone in the company first knew, ISO 8601 with offset (e.g. 2024-04-01T09:30:00+09:00)"
    if kind == "enum":
        return f"{where}: {value!r} is not one of {_allowed(field)}"
    if kind in ("tuple_type", "list_type"):
        return f"{where}: expected a list of: {_allowed(field)}"
    if kind == "timezone_aware":
        return f"{where}: {value!r} has no UTC offset; write it like 2024-04-01T09:30:00+09:00"
    if field == "discovered_at":
        return f"{where}: {value!r} is not an ISO 8601 date-time with offset (e.g. 2024-04-01T09:30:00+09:00)"
    if kind == "bool_type":
        return f"{where}: {value!r} is not one of true, false, null"
    if kind == "int_type":
        return f"{where}: {value!r} is not a whole number (or null)"
    if kind == "greater_than_equal":
        return f"{where}: {value!r} is below 0"
    if field == "exposure_period":
        return _period_message(where, kind, value, str(error.get("msg", "")))
    if field == "cause":
        if kind == "string_too_long":
            return f"{where}: too long ({len(value)} characters); keep it under {CAUSE_MAX}"
        return f"{where}: {value!r} is not text (or null)"
    return f"{where}: {error['msg']}"


def _period_message(where: str, kind: str, value: Any, msg: str) -> str:
    if "period_order" in msg:
        return f"{where}: 'from' is after 'to'"
    if kind == "model_type" or kind == "model_attributes_type":
        return f'{where}: expected {{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}'
    return f"{where}: {value!r} is not a date like 2024-04-01 (or null)"


# ----- verdict ------------------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)

    @field_serializer("*", when_used="json")
    def _iso(self, value: Any) -> Any:
        # isoformat keeps "+00:00" where pydantic would write "Z": always the configured offset.
        return value.isoformat() if isinstance(value, datetime) else value


class Reason(_Out):
    rule: str
    en: str
    ja: str


class AppiOutcome(_Out):
    report_required: bool | Literal["conditional"]
    categories: list[AppiCategory]
    preliminary_target: datetime | None
    preliminary_due: datetime | None
    final_due: datetime | None
    notify_individuals: Literal["required", "recommended", "conditional", "not_required"]


class GdprOutcome(_Out):
    relevant: bool | Literal["unknown"]
    authority_due: datetime | None
    notify_individuals: Literal["required", "assess", "not_required"]
    notify_controller: bool = False


Conditional = bool | Literal["conditional"]


class Actions(_Out):
    press_conference: Conditional
    rapid_public_disclosure: Conditional
    coordinate_with_police: Police
    timely_disclosure_review: bool
    notify_principal: bool
    announcement: Announcement


class OpenQuestion(_Out):
    field: str
    en: str
    ja: str


class Verdict(_Out):
    """The JSON verdict of DESIGN.md, plus `provisional` (true while questions are open)."""

    severity: Severity
    rules: list[str]
    policy_version: str
    reasons: list[Reason]
    appi: AppiOutcome
    gdpr: GdprOutcome
    actions: Actions
    open_questions: list[OpenQuestion]
    provisional: bool
