"""Holding statements: draft them from the verdict, check them for missing parts and bad phrases."""

from app.statements.checker import Finding, check_statement
from app.statements.draft import Company, Draft, default_next_update, draft_statement

__all__ = [
    "Company",
    "Draft",
    "Finding",
    "check_statement",
    "default_next_update",
    "draft_statement",
]
