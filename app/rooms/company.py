"""`settings` in chat, the same for Slack and Teams: the company facts an admin sets once per
workspace (controller or processor by default, listed company, public body), so that no
incident's triage asks them again (app/incidents/company.py).

* `settings` shows them;
* `settings role processor`, `settings listed no`, `settings public_body yes` set one;
  `… unknown` (不明) unsets it, and the triage asks it again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from app.i18n import t
from app.incidents.company import COMPANY_FIELDS
from app.incidents.service import IncidentService, ServiceError
from app.rooms.texts import answer_label, refusal
from app.triage import question
from app.triage.typed import Unreadable, read_answer

WORDS = frozenset({"settings", "設定"})
# What people type for each fact.
FIELD_WORDS = {
    "role": "role",
    "役割": "role",
    "listed": "listed_company",
    "listed_company": "listed_company",
    "上場": "listed_company",
    "public": "public_body",
    "public_body": "public_body",
    "行政機関": "public_body",
}


def facts_line(facts: Mapping[str, Any], lang: str) -> str:
    """「当社の役割: 管理者 · 上場: いいえ · …」; unset facts say they are asked in the room."""
    parts = []
    for field in COMPANY_FIELDS:
        value = facts.get(field)
        shown = answer_label(question(field), value, lang) if value is not None else None
        parts.append(f"{t(f'ops.answer.{field}', lang)}: {shown or t('company.unset', lang)}")
    return " · ".join(parts)


async def settings_command(
    service: IncidentService,
    workspace_id: str | None,
    user: str,
    rest: str,
    lang: str,
    admins: Collection[str],
) -> str:
    """What the person reads back: the facts now, or why nothing changed."""
    word, _, raw = rest.strip().partition(" ")
    if not word:
        facts = await service.company_facts(workspace_id)
        return t("company.show", lang, facts=facts_line(facts, lang))
    if user not in admins:
        return t("error.not_admin", lang)
    field = FIELD_WORDS.get(word.lower())
    if field is None:
        return t("company.usage", lang)
    q = question(field)
    try:
        value = read_answer(q.kind, raw, q.options)
    except Unreadable:
        return t("company.usage", lang)
    try:
        facts = await service.set_company_fact(workspace_id, field, value, user)
    except ServiceError as exc:
        return refusal(exc, lang)
    return t("company.set", lang, facts=facts_line(facts, lang))
