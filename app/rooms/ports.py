"""The two small protocols a chat platform implements for a room: transport and layout."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from app.incidents.messages import Posted
from app.incidents.service import AnswerDetail, Snapshot
from app.incidents.updates import StakeholderUpdate
from app.models import ChatMessage, Followup, Incident, Statement
from app.rooms.brief import VerdictBrief
from app.rooms.pack import PackView
from app.triage import Question
from app.work.queue import Claimed

Handler = Callable[[Claimed], Awaitable[None]]


class Chat(Protocol):
    """Transport: where and how a platform posts. It decides nothing about what to post."""

    platform: str  # the prefix of its work kinds (`slack`, `teams`)

    def guard(self, handler: Handler) -> Handler:
        """Runs a work handler with the platform's client, mapping its errors to Retry/Permanent."""
        ...

    def thread(self, room: str, thread: str | None) -> str | None:
        """The thread a reply goes to in this room (None where the room has no threads)."""
        ...

    async def send(
        self,
        item: Claimed,
        incident: Incident,
        message: Any,
        text: str,
        *,
        thread: str | None,
        meta: dict[str, Any],
    ) -> str:
        """Posts one message in the room (`meta`: incident, ref, …); returns its id. The room
        layer has reserved its ref, so this is called once per ref."""
        ...

    async def find(self, incident: Incident, ref: str, thread: str | None) -> str | None:
        """The id of the message for `ref` if it is already in the room (a retry after a crash
        between posting and saving its id); None where the platform cannot read its room back."""
        ...

    async def edit(
        self, incident: Incident, posted: ChatMessage | Posted, message: Any, text: str
    ) -> None:
        """Replaces a message the room posted (`posted`: its saved reference)."""
        ...

    async def open_room(self, item: Claimed, incident: Incident) -> Incident:
        """Creates (or adopts, on a retry) the private room, as few dependent calls as the
        platform allows before the bot can post in it."""
        ...

    async def add_people(self, item: Claimed, incident: Incident) -> None:
        """Brings the room's people in (the reporter, responders, PR leads), where the room was
        not made with them; runs beside the room's first posts."""
        ...

    async def pin(self, incident: Incident, message_id: str) -> None: ...

    async def set_topic(self, incident: Incident, topic: str) -> None: ...

    async def tell_reporter(self, item: Claimed, incident: Incident, text: str) -> None:
        """Tells the reporter, where they reported, that the room is ready."""
        ...

    async def invite(self, incident: Incident, user: str) -> None: ...

    async def announce(self, incident: Incident, channel: str, message: Any, text: str) -> str:
        """Posts outside the room (the internal update channel); returns the message's id."""
        ...

    async def archive(self, incident: Incident) -> bool:
        """Archives the closed room (done already counts as done); False where the platform
        cannot archive this kind of room (a Teams group chat)."""
        ...


class Renderer(Protocol):
    """Layout: room values and texts (app.rooms.texts) into one platform's message format."""

    def note(self, text: str) -> Any:
        """A plain message."""
        ...

    def welcome(self, incident: Incident, lang: str) -> str: ...

    def room_ready(self, incident: Incident, lang: str) -> str: ...

    def summary(
        self, snap: Snapshot, lang: str, tz: str, now: datetime, todo: Sequence[str] = ()
    ) -> Any:
        """The pinned summary; `todo` is its 「今やること」 (app.rooms.brief.summary_lines)."""
        ...

    def question(
        self,
        incident: Incident,
        question: Question,
        number: int,
        lang: str,
        tz: str,
        answer: AnswerDetail | None,
        *,
        total: int | None = None,
        previous: str | None = None,
        answered: Sequence[Question] = (),
        hand_off: str | None = None,
    ) -> Any:
        """A question of the one triage card (「質問 4/8」), with the previous answer above and,
        where the platform has no answer list, a way to change the `answered` ones; `hand_off`:
        the label of the button that hands the technical questions to the security responders."""
        ...

    def mention(self, ids: Sequence[str]) -> str:
        """The platform's @mention of these people or groups, for a text of the room."""
        ...

    def triage_done(
        self,
        incident: Incident,
        lang: str,
        count: int,
        previous: str | None = None,
        answered: Sequence[Question] = (),
    ) -> Any:
        """The triage card once no question that matters is left."""
        ...

    def verdict(self, incident: Incident, brief: VerdictBrief, lang: str) -> Any:
        """The living verdict (app.rooms.brief): 「今やること」 first."""
        ...

    def change_note(
        self,
        incident: Incident,
        lines: Sequence[str],
        lang: str,
        *,
        redraft: bool,
        next_report: int | None = None,
        overtaken: bool = False,
    ) -> Any:
        """What changed in a new verdict version (or, `next_report`, in the facts since the
        last approved report; `overtaken`, since a draft the facts do not rewrite was written);
        with the redraft action when `redraft` — labelled as the next report's when
        `next_report` is given (app.rooms.texts.redraft_offer)."""
        ...

    def admission(self, incident: Incident, user: str, body: str, lang: str) -> Any:
        """`body` with a button that lets `user` into the room (ids only in its value)."""
        ...

    def statement(
        self, incident: Incident, statement: Statement, needed: int, lang: str, approvers: str = ""
    ) -> Any:
        """The draft in the room's language, opening with `approvers` (who must, who has)."""
        ...

    def pack(self, incident: Incident, view: PackView, *, actions: bool = True) -> Any:
        """The communications pack (app.rooms.pack) in `view.lang`: each piece with its state,
        text, findings and — with `actions` — the notice's buttons; at the end, a way to see
        it in the other language."""
        ...

    def statement_text(self, statement: Statement, lang: str) -> Any:
        """The statement in the other language: the draft's second reply."""
        ...

    def published(
        self, incident: Incident, statement: Statement, lang: str, tz: str, next_steps: str = ""
    ) -> Any: ...

    def published_text(self, statement: Statement, lang: str, tz: str) -> str: ...

    def prompt(
        self, row: Followup, incident: Incident, lang: str, tz: str, detail: str = ""
    ) -> Any:
        """A follow-up prompt with Done / Snooze / Not needed; `detail` says what it is about
        where its kind cannot (an action item's line)."""
        ...

    def settled(
        self,
        row: Followup,
        incident: Incident,
        lang: str,
        tz: str,
        *,
        state: str,
        actor: str,
        until: str | None = None,
        detail: str = "",
    ) -> Any: ...

    def update_draft(self, incident: Incident, update: StakeholderUpdate, lang: str) -> Any:
        """A stakeholder update's card: its text, Approve until approved, then who and where."""
        ...
