"""A verdict's reasons as one plain line each; the rule codes and full texts for a details view."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Verdict = Mapping[str, Any]

# Reasons the 「今やること」 list already says as an action (police, timely disclosure, the
# principal, the media, containment), and control gaps, which belong to the after-action review
# (said there without pointing at the reporter): the details view keeps them.
DETAIL_ONLY = ("POLICE-", "TD-", "ROLE-", "CTX-", "F3-")
_CODE_PREFIX = re.compile(r"^[A-Z][A-Za-z0-9-]*\s*[:：]\s*")
_CODES = re.compile(r"\s?[（(]\s*C\d(?:\s*[〜~–-]\s*C\d)?\s*[）)]")


def plain_reasons(verdict: Verdict | None, lang: str) -> list[str]:
    """The first sentence of each reason without its code (「S1-b：…（C2）が1,000人以上。」 →
    「…が1,000人以上。」), the same sentence once."""
    lines: list[str] = []
    for reason in (verdict or {}).get("reasons") or ():
        if str(reason.get("rule", "")).startswith(DETAIL_ONLY):
            continue
        line = _first_sentence(_CODES.sub("", _CODE_PREFIX.sub("", str(reason[lang]))), lang)
        if line and line not in lines:
            lines.append(line)
    return lines


def detail_lines(verdict: Verdict | None, lang: str) -> list[str]:
    """Every reason with its rule code, then the policy and the rules that fired."""
    verdict = verdict or {}
    lines = [
        f"`{reason['rule']}` {_CODE_PREFIX.sub('', str(reason[lang]))}"
        for reason in verdict.get("reasons") or ()
    ]
    rules = ", ".join(verdict.get("rules") or ()) or "—"
    return [*lines, f"policy {verdict.get('policy_version', '—')} · rules {rules}"]


# An English sentence ends at ". " — not after an abbreviation ("Art. 33(2)", "e.g. ", "No. 5").
_SENTENCE_END = re.compile(r"(?<!\bArt)(?<!\bNo)(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)\.\s")


def _first_sentence(text: str, lang: str) -> str:
    text = text.strip()
    if lang == "ja":
        end = text.find("。") + 1
    else:
        found = _SENTENCE_END.search(text)
        end = found.start() + 1 if found else 0
    text = text[:end] if end > 0 else text
    return text[:1].upper() + text[1:]
