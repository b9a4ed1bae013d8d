"""The walk over the questions: the open questions, read from the answers' facts once, are those
each question's own reading gives (`is_open` as it was, one `decisive` per question)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.triage import QUESTIONS, Answers, Policy, default_policy, load_policy, next_question
from app.triage.assess import PROBES, Facts, compiled, evaluate
from app.triage.unknowns import _changes
from app.triage.walk import open_questions
from tests.triage.test_properties import FIELDS, discovered, maybe_bool


def documented_policy(tmp: Path) -> Policy:
    doc = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
    example = doc.split("## Example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp / "policy.yaml").write_text(example, encoding="utf-8")
    return load_policy(tmp / "policy.yaml")


ALL_FIELDS = {**FIELDS, "credentials_can_pay": maybe_bool, "police_disclosure_hold": maybe_bool}
answer_sets = st.fixed_dictionaries({"discovered_at": discovered, **ALL_FIELDS}).map(
    lambda data: Answers(**data)
)
asked_sets = st.sets(st.sampled_from([q.id for q in QUESTIONS]), max_size=8)


def decisive_alone(answers: Answers, field: str, policy: Policy) -> bool:
    """`decisive` read from scratch for one field (no shared facts, no cache)."""
    if field not in PROBES:
        return False
    facts, p = Facts.of(answers)._replace(**{field: None}), compiled(policy)
    return _changes(facts, field, evaluate(facts, p)[0], p)


def open_one_by_one(answers: Answers, asked: set[str], policy: Policy) -> list[str]:
    """The open questions as `is_open` defined them, question by question."""
    return [
        q.id
        for q in QUESTIONS
        if q.id not in asked
        and (q.kind == "datetime" or getattr(answers, q.id) is None)
        and (q.rule(answers, policy) if q.rule else decisive_alone(answers, q.id, policy))
    ]


def check(answers: Answers, asked: set[str], policy: Policy) -> None:
    walked = [q.id for q in open_questions(answers, asked, policy)]
    assert walked == open_one_by_one(answers, asked, policy)
    first = next_question(answers, asked, policy)
    assert (first.id if first else None) == (walked[0] if walked else None)


@settings(max_examples=300, deadline=None)
@given(answer_sets, asked_sets)
def test_the_walk_opens_what_each_question_alone_would(answers: Answers, asked: set[str]) -> None:
    check(answers, asked, default_policy())


def test_the_walk_reads_a_company_policy_as_each_question_would(tmp_path: Path) -> None:
    policy = documented_policy(tmp_path)

    @settings(max_examples=150, deadline=None)
    @given(answer_sets, asked_sets)
    def walk(answers: Answers, asked: set[str]) -> None:
        check(answers, asked, policy)

    walk()
