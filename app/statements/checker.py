"""Check a holding statement for missing parts and for phrases crisis-PR practice avoids.

The checker warns and never blocks. It runs on every draft and on every edit a PR lead makes, so
it is precompiled regular expressions, each family run only when a literal it needs is in the
text (about a millisecond for a long statement), and it accepts any string. Finding codes:

* missing parts (warn): ``missing_title``, ``missing_apology``, ``missing_what_happened``,
  ``missing_data``, ``missing_actions``, ``missing_advice``, ``missing_contact``,
  ``missing_next_update``, and ``placeholder_unfilled`` for 【要記入…】, [TO FILL IN…], ○○, TBD;
* phrases to avoid, in either language (warn): ``attacker_speculation``, ``blame_vendor``,
  ``blame_employee``, ``blame_victims``, ``minimising``;
* certainty against the answers: ``leak_denied`` (nothing was taken, unless access was ruled
  out), ``leak_overstated`` (a leak stated as fact when access is not confirmed),
  ``no_harm_claimed`` (no damage seen, when access is confirmed or misuse is seen). Without
  answers these are ``info``: the PR lead should verify them;
* hints from the answers and verdict (info): ``advice_card``, ``advice_password``,
  ``advice_phishing``, ``ppc_not_mentioned``;
* what a published notice must get right (warn), from issue 19 and DESIGN.md "Contract additions
  (2026-12)": ``denial_in_first_report`` (「〜していないことを確認」 in a first report of an attack,
  whatever the answers say: real companies have had to retract it), ``people_misnamed`` (お客様 /
  customers when the people are employees, patients, applicants…), ``system_misnamed`` (a
  contractor's system called 「当社のシステム」), ``processor_own_report`` (a processor promising its
  own PPC report or individual notices: its clients do that), ``card_title``, ``card_period``,
  ``card_fields``, ``card_companies``, ``card_police`` (a card leak without クレジットカード情報 in the
  title, the period, the four fields, the card companies' monitoring and — unless access is
  ruled out or the cards strongly encrypted — reissue, or the police),
  ``leak_site_request`` (data on a leak site without asking people not to download or spread
  it), ``hold_unmarked`` and ``hold_detail`` (a statement held for the investigators without its
  mark, or with trade-secret detail), ``count_wording`` (「最大約2,000,000名」), ``date_past`` (a
  promised date already past: needs ``now``), ``apology_repeated`` (more than one apology in the
  body), ``tone_overblown`` (「多大なる」 and a 専用窓口 in a letter to a few people).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.statements.checks.certainty import check_certainty, check_first_report
from app.statements.checks.dates import check_dates
from app.statements.checks.findings import MESSAGES_EN, MESSAGES_JA, Finding
from app.statements.checks.hints import check_hints
from app.statements.checks.matching import Text
from app.statements.checks.notice import (
    check_card,
    check_disclosure,
    check_names,
    check_processor,
    check_wording,
)
from app.statements.checks.parts import check_parts, check_title, unfilled_placeholders
from app.statements.checks.phrases import check_phrases
from app.statements.reading import announcement_for

__all__ = ["MESSAGES_EN", "MESSAGES_JA", "Finding", "check_statement", "unfilled_placeholders"]

_MAX_PER_CODE = 3


def _capped(findings: Iterator[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None]] = set()
    per_code: dict[str, int] = {}
    kept = []
    for finding in findings:
        key = (finding.code, finding.excerpt)
        if key in seen or per_code.get(finding.code, 0) >= _MAX_PER_CODE:
            continue
        seen.add(key)
        per_code[finding.code] = per_code.get(finding.code, 0) + 1
        kept.append(finding)
    return kept


_PEOPLE_ADVICE = {"missing_advice", "advice_card", "advice_password", "advice_phishing"}
_NOT_A_STATEMENT = {code for code in MESSAGES_EN if code.startswith("missing_")}


def check_statement(
    text: str,
    lang: str,
    *,
    answers: dict[str, Any] | None = None,
    verdict: dict[str, Any] | None = None,
    now: datetime | None = None,
    tz: str = "Asia/Tokyo",
) -> list[Finding]:
    """Findings for ``text`` (title line first), parts in ``lang`` ("ja", else English).

    ``now`` (timezone-aware) lets the checker find a promised date already past; dates without
    a zone in the text are read in ``tz``. The note that no statement is recommended (kind
    ``none``) is checked for placeholders and phrases only: it is not a statement.
    """
    written = Text.of(text if isinstance(text, str) else str(text))
    part_lang = "ja" if lang == "ja" else "en"
    answers = answers if isinstance(answers, dict) else None
    verdict = verdict if isinstance(verdict, dict) else None
    kind = announcement_for(answers, verdict) if answers or verdict else None
    local_now = now.astimezone(ZoneInfo(tz)) if now is not None and now.tzinfo else None

    # A note for the room is not a statement; clients are not asked to do what individuals are.
    skipped = {"none": _NOT_A_STATEMENT, "via_principals": _PEOPLE_ADVICE}.get(kind or "", set())

    def everything() -> Iterator[Finding]:
        if kind != "none":
            yield from check_title(written, part_lang)
        yield from (f for f in check_parts(written, part_lang) if f.code not in skipped)
        yield from check_phrases(written)
        if kind != "none":  # the note quotes the verdict's reasons; it states nothing publicly
            yield from check_certainty(written, answers)
            yield from check_first_report(written, answers)
            yield from check_names(written, answers)
        yield from check_processor(written, answers, kind)
        if kind != "none":
            yield from check_card(written, part_lang, answers)
            yield from check_disclosure(written, answers, kind)
            hints = check_hints(written.search, answers, verdict)
            yield from (f for f in hints if f.code not in skipped)
        yield from check_wording(written)
        yield from check_dates(written, local_now)

    return _capped(everything())
