"""Shared helpers for the statement tests: a fixed clock and a one-line way to draft a case."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.statements import Company, Draft, draft_statement
from tests.statements.cases import CASES

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 28, 14, 0, tzinfo=TOKYO)  # a Saturday afternoon
LANGS = ("ja", "en")
COMPANY = {"ja": "株式会社サンプル", "en": "Sample Co., Ltd."}
CONTACT = "専用ダイヤル 0120-000-000（9:00〜18:00）／ support@example.jp"


def make_draft(name: str, lang: str, *, contact: str | None = None, **kwargs: object) -> Draft:
    case = CASES[name]
    kwargs.setdefault("now", NOW)
    return draft_statement(
        case.answers,
        case.verdict,
        lang,
        company=Company(name=COMPANY.get(lang), contact=contact),
        **kwargs,  # type: ignore[arg-type]
    )
