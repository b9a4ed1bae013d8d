"""A policy compiled for the verdict: plain attributes, the rules in the policy's order, ready-made
reason texts."""

from __future__ import annotations

from app.triage.models import OpenQuestion, Reason, Text
from app.triage.policy import Policy
from app.triage.policy_ids import ASSUMPTION_IDS, OPEN_QUESTION_IDS, REASON_IDS, RULE_IDS
from app.triage.rules import RULES


class Compiled:
    """A policy flattened into plain attributes and ready-made texts, built once per policy."""

    def __init__(self, policy: Policy) -> None:
        legal, limits, actions = policy.legal, policy.thresholds, policy.actions
        self.version = policy.version
        self.clocks = policy.clocks
        self.c4_more_than = legal.c4_more_than
        self.c4_public_body_more_than = legal.c4_public_body_more_than
        self.my_number_more_than = legal.my_number_more_than
        self.s1_people_at_least = limits.s1_people_at_least
        self.s1c_people_at_least = limits.s1c_people_at_least
        self.s2c_people_more_than = limits.s2c_people_more_than
        self.s2d_people_at_least = limits.s2d_people_at_least
        self.s4b_people_at_most = limits.s4b_people_at_most
        self.plan = tuple(
            (severity, tuple((rule, RULES[rule]) for rule in rules))
            for severity, rules in policy.plan
        )
        self.default_severity = policy.default_severity
        self.press_rules = frozenset(actions.press_conference_rules)
        self.rapid_categories = frozenset(actions.rapid_disclosure_categories)
        self.rapid_severities = frozenset(actions.rapid_disclosure_severities)
        self.timely_severities = frozenset(actions.timely_disclosure_severities)
        self.website_people_more_than = actions.website_people_more_than
        self.posture_controls_at_least = actions.posture_controls_at_least
        shown = {name: f"{value:,}" for name, value in policy.placeholders().items()}
        self.assumptions = {
            field: Text(ja=text.ja.format_map(shown), en=text.en.format_map(shown))
            for field, text in policy.assumptions.items()
            if field in ASSUMPTION_IDS
        }
        self.reasons = _reason_texts(policy)
        self.questions = {
            field: OpenQuestion(field=field, en=text.en, ja=text.ja)
            for field, text in policy.open_questions.items()
            if field in OPEN_QUESTION_IDS
        }

    def c4_threshold(self, public_body: bool | None) -> int:
        # An organisation fact: absent means a private business (see docs/policy.md).
        return self.c4_public_body_more_than if public_body else self.c4_more_than

    def reason(self, key: str, public_body: bool | None) -> Reason:
        return self.reasons[key, self.c4_threshold(public_body)]


def _reason_texts(policy: Policy) -> dict[tuple[str, int], Reason]:
    keys = (*RULE_IDS, *REASON_IDS)
    texts: dict[tuple[str, int], Reason] = {}
    for threshold in (policy.legal.c4_more_than, policy.legal.c4_public_body_more_than):
        values = {**policy.placeholders(), "c4_threshold": threshold}
        shown = {name: f"{value:,}" for name, value in values.items()}
        shown["assumed"] = "{assumed}"  # filled per verdict (_conditional_reason)
        for key in keys:
            try:
                text = policy.text(key)
            except KeyError:
                continue  # a rule the policy dropped
            texts[key, threshold] = Reason(
                rule=key, en=text.en.format_map(shown), ja=text.ja.format_map(shown)
            )
    return texts


def compiled(policy: Policy) -> Compiled:
    return policy.memo("assess", Compiled)
