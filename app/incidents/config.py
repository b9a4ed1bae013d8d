"""What the incident service is configured with: zone, language, policy, company, approvers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.statements import Company
from app.triage import Policy


@dataclass(frozen=True)
class Authority:
    """Who may approve public words: PR lead user ids and/or group ids from the settings."""

    pr_leads: frozenset[str] = frozenset()

    def is_pr_lead(self, user_id: str, groups: Sequence[str] = ()) -> bool:
        return user_id in self.pr_leads or any(g in self.pr_leads for g in groups)

    @property
    def lead_groups(self) -> frozenset[str]:
        """Configured ids that name a group (Slack user groups start with S)."""
        return frozenset(g for g in self.pr_leads if g.startswith("S"))


@dataclass(frozen=True)
class Config:
    tz: str = "Asia/Tokyo"
    language: str = "ja"
    policy: Policy | None = None
    company: Company = field(default_factory=Company)
    templates_dir: Any = None
    max_attempts: int = 8
    chain_keys: tuple[bytes, ...] = ()  # LEAKDESK_CHAIN_KEY, newest first
    # The company facts set in the environment (LEAKDESK_COMPANY_*): role, listed_company,
    # public_body; a workspace's own settings (`/leak settings`) override them.
    company_facts: dict[str, Any] = field(default_factory=dict)
