"""Signing in to the ops pages with a chat platform's identity: the small port ops uses and a
platform implements (Slack's: app/slack/signin.py), with the values that cross it. Imports
nothing from the app, so neither side imports the other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class SignInError(Exception):
    """Why a sign-in stopped: the HTTP status of the page and its catalogue key (ops.login.*)."""

    def __init__(self, status: int, key: str, **values: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Person:
    """Who the platform vouches for."""

    user_id: str
    team_id: str
    name: str


@dataclass(frozen=True)
class Pending:
    """What the browser carries (in its signed session) between the redirect and the callback."""

    state: str
    nonce: str
    next: str

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "next": self.next}

    @classmethod
    def of(cls, data: Any) -> Pending | None:
        if not isinstance(data, dict):
            return None
        values = [data.get(key) for key in ("state", "nonce", "next")]
        if not all(isinstance(value, str) and value for value in values):
            return None
        return cls(*values)


class SignIn(Protocol):
    """A platform's sign-in as the ops pages use it."""

    def missing_settings(self) -> list[str]:
        """The settings it still needs (empty: it is on)."""
        ...

    async def start(self, next_path: str) -> tuple[str, Pending]:
        """The platform's authorize URL, and what the browser must bring back."""
        ...

    async def finish(self, pending: Pending | None, state: str | None, code: str | None) -> Person:
        """The person, once the state is this browser's and unused and they may enter; raises
        SignInError otherwise."""
        ...
