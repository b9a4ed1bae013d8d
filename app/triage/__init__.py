"""Pure triage engine: the question bank, the severity policy, the legal clocks and `assess`."""

from app.triage import render
from app.triage.assess import assess, decisive
from app.triage.clocks import (
    AppiClocks,
    appi_clocks,
    gdpr_authority_due,
    is_business_day,
    next_business_day,
)
from app.triage.models import (
    Access,
    Actions,
    Answers,
    AnswersError,
    AppiCategory,
    AppiOutcome,
    Control,
    DataCategory,
    Encryption,
    GdprOutcome,
    LeakMode,
    OpenQuestion,
    Police,
    Reason,
    Region,
    Role,
    Severity,
    Text,
    Verdict,
    parse_answers,
)
from app.triage.policy import Policy, PolicyError, default_policy, load_policy, resolve_policy
from app.triage.questions import (
    AFTER_ACTION,
    OUTSIDE_VERDICT,
    QUESTIONS,
    REPORTED,
    SECTIONS,
    TECHNICAL,
    Option,
    Question,
    label,
    question,
)
from app.triage.render import format_text
from app.triage.unknowns import still_unknown
from app.triage.walk import is_open, next_question, open_questions

__all__ = [
    "AFTER_ACTION", "OUTSIDE_VERDICT", "QUESTIONS", "REPORTED", "SECTIONS", "TECHNICAL", "Access",
    "Actions", "Answers", "AnswersError", "AppiCategory", "AppiClocks", "AppiOutcome", "Control",
    "DataCategory", "Encryption", "GdprOutcome", "LeakMode", "OpenQuestion", "Option", "Police",
    "Policy", "PolicyError", "Question", "Reason", "Region", "Role", "Severity", "Text", "Verdict",
    "appi_clocks", "assess", "decisive", "default_policy", "format_text", "gdpr_authority_due",
    "is_business_day", "is_open", "label", "load_policy", "next_business_day", "next_question",
    "open_questions", "parse_answers", "question", "render", "resolve_policy", "still_unknown",
]  # fmt: skip
