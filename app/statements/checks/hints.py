"""Hints from the answers and the verdict: the advice people need, and the PPC when a report is
due."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.statements.checks.findings import INFO, Finding, finding
from app.statements.checks.matching import Family, family
from app.statements.reading import advice_for

# (finding, the draft's advice code it stands for, what a statement giving that advice contains)
_ADVICE_HINTS: list[tuple[str, str, Family]] = [
    (
        "advice_card",
        "card",
        family("明細", r"\bstatements\b", r"\bcard issuer\b", r"\byour bank\b"),
    ),
    (
        "advice_password",
        "password",
        family(
            "パスワード[^。\n]{0,30}変更",
            r"\bchange (?:your |the )?passwords?\b",
            r"\breset (?:your )?passwords?\b",
        ),
    ),
    (
        "advice_phishing",
        "phishing",
        family(
            "不審な",
            "装った",
            "なりすまし",
            "フィッシング",
            r"\bphishing\b",
            r"\bpretend",
            r"\bclaim(?:s|ing)? to (?:come|be) from\b",
            r"\bimpersonat",
            r"\bsuspicious\b",
        ),
    ),
]
PPC = family("個人情報保護委員会", r"\bpersonal information protection commission\b", r"\bppc\b")


def check_hints(
    text: str, answers: dict[str, Any] | None, verdict: dict[str, Any] | None
) -> Iterator[Finding]:
    if answers is not None:
        advice = set(advice_for(answers))
        for code, needs, says in _ADVICE_HINTS:
            if needs in advice and not says.search(text):
                yield finding(code, INFO)
    appi = (verdict or {}).get("appi")
    required = appi.get("report_required") if isinstance(appi, dict) else None
    if (required is True or required == "conditional") and not PPC.search(text):
        yield finding("ppc_not_mentioned", INFO)
