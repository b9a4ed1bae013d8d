"""The approval gate's decisions: stale or unfinished drafts, and statements held for the police."""

from __future__ import annotations

from app.statements.gate import (
    BEHIND_VERDICT,
    UNFILLED,
    approval_blockers,
    follows_verdict,
    needs_agreed_timing,
)
from tests.statements.cases import CASES
from tests.statements.helpers import CONTACT, make_draft


def texts(name: str, contact: str | None = CONTACT) -> dict[str, str]:
    return {lang: make_draft(name, lang, contact=contact).text for lang in ("ja", "en")}


def test_a_current_finished_draft_may_be_approved() -> None:
    assert approval_blockers(texts("hospital_patients"), 2, 2) == []


def test_a_draft_from_an_older_verdict_is_behind() -> None:
    assert approval_blockers(texts("hospital_patients"), 1, 2) == [BEHIND_VERDICT]


def test_an_unfilled_contact_point_blocks_approval() -> None:
    assert approval_blockers(texts("hospital_patients", contact=None), 2, 2) == [UNFILLED]


def test_both_reasons_are_given_together() -> None:
    unfinished = texts("hospital_patients", contact=None)
    assert approval_blockers(unfinished, 1, 3) == [BEHIND_VERDICT, UNFILLED]


def test_only_the_bots_own_unapproved_draft_follows_the_verdict() -> None:
    assert follows_verdict("draft", 0, "leakdesk", "leakdesk")
    assert not follows_verdict("draft", 1, "leakdesk", "leakdesk")  # someone approved it
    assert not follows_verdict("draft", 0, "U0LEAD", "leakdesk")  # a PR lead's edit
    assert not follows_verdict("approved", 2, "leakdesk", "leakdesk")


def test_only_a_police_hold_needs_the_timing_agreed() -> None:
    held = CASES["insider_trade_secrets_hold"]
    assert needs_agreed_timing(held.answers, held.verdict)
    card = CASES["skimming_web_shop"]
    assert not needs_agreed_timing(card.answers, card.verdict)
