"""Properties of assess over generated answers: deterministic, monotone, well-formed clocks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.triage import (
    Access,
    Answers,
    Control,
    DataCategory,
    Encryption,
    LeakMode,
    Region,
    Role,
    assess,
    default_policy,
    is_business_day,
)

TIMEZONES = ("Asia/Tokyo", "Europe/Berlin")
CLOCKS = default_policy().clocks
maybe_bool = st.none() | st.booleans()


def _subset(values: type) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(list(values)), unique=True, max_size=4)


discovered = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2090, 12, 31)).flatmap(
    lambda naive: st.integers(-12 * 4, 14 * 4).map(
        lambda quarters: naive.replace(tzinfo=timezone(timedelta(minutes=15 * quarters)))
    )
)
counts = (
    st.none() | st.integers(0, 10**9) | st.sampled_from([100, 101, 1000, 1001, 99_999, 100_000])
)

FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "data_categories": st.none() | _subset(DataCategory),
    "affected_count": counts,
    "subject_regions": st.none() | _subset(Region),
    "leak_mode": st.none() | st.sampled_from(list(LeakMode)),
    "wrongful_act": maybe_bool,
    "encryption": st.none() | st.sampled_from(list(Encryption)),
    "key_compromised": maybe_bool,
    "access": st.none() | st.sampled_from(list(Access)),
    "published": maybe_bool,
    "secondary_damage": maybe_bool,
    "contained": maybe_bool,
    "police_involved": maybe_bool,
    "role": st.none() | st.sampled_from(list(Role)),
    "listed_company": maybe_bool,
    "public_body": maybe_bool,
    "media_aware": maybe_bool,
    "controls_missing": st.none() | _subset(Control),
}
answer_sets = st.fixed_dictionaries({"discovered_at": discovered, **FIELDS}).map(
    lambda data: Answers(**data)
)


def rank(answers: Answers) -> int:
    return assess(answers).severity.rank


@settings(max_examples=200)
@given(answer_sets, st.sampled_from(TIMEZONES))
def test_assess_is_deterministic(answers: Answers, tz: str) -> None:
    assert assess(answers, tz=tz).model_dump(mode="json") == assess(answers, tz=tz).model_dump(
        mode="json"
    )


@settings(max_examples=250)
@given(answer_sets, st.sampled_from(list(DataCategory)))
def test_adding_a_data_category_never_lowers_severity(
    answers: Answers, extra: DataCategory
) -> None:
    categories = list(answers.data_categories or [])
    if extra in categories:
        return
    wider = answers.model_copy(update={"data_categories": (*categories, extra)})
    narrow = answers.model_copy(update={"data_categories": tuple(categories)})
    assert rank(wider) <= rank(narrow)  # SEV1 is rank 1, the most severe


@settings(max_examples=250)
@given(answer_sets, st.integers(0, 10**9), st.integers(1, 10**9))
def test_raising_the_count_never_lowers_severity(answers: Answers, low: int, more: int) -> None:
    fewer = answers.model_copy(update={"affected_count": low})
    many = answers.model_copy(update={"affected_count": low + more})
    assert rank(many) <= rank(fewer)


@settings(max_examples=250)
@given(answer_sets)
def test_final_report_never_due_on_a_non_business_day(answers: Answers) -> None:
    final_due = assess(answers).appi.final_due
    if final_due is not None:
        assert is_business_day(final_due.astimezone(ZoneInfo(CLOCKS.calendar)).date(), CLOCKS)


@settings(max_examples=200)
@given(answer_sets, st.sampled_from(TIMEZONES))
def test_every_timestamp_carries_the_configured_offset(answers: Answers, tz: str) -> None:
    data = assess(answers, tz=tz).model_dump(mode="json")
    stamps = [data["appi"][k] for k in ("preliminary_target", "preliminary_due", "final_due")]
    stamps.append(data["gdpr"]["authority_due"])
    for stamp in filter(None, stamps):
        moment = datetime.fromisoformat(stamp)
        assert moment.utcoffset() == moment.astimezone(ZoneInfo(tz)).utcoffset()  # that instant's


@settings(max_examples=200)
@given(answer_sets)
def test_verdict_is_internally_consistent(answers: Answers) -> None:
    v = assess(answers)
    assert v.provisional is bool(v.open_questions)
    assert v.rules == [] or v.reasons[0].rule == v.rules[0]
    if v.appi.report_required is False:
        assert v.appi.categories == [] and v.appi.final_due is None
    else:
        assert v.appi.preliminary_target <= v.appi.preliminary_due <= v.appi.final_due
    if v.appi.report_required == "conditional":
        assert answers.access is None
    if v.gdpr.relevant is False:
        assert v.gdpr.notify_individuals == "not_required"
    for q in v.open_questions:  # only unknown facts are open
        value = getattr(answers, q.field)
        assert value is None or value in (LeakMode.UNKNOWN, Encryption.UNKNOWN)
