"""The room as the server runs it: the worker in the same process takes the rows each request
writes as the request commits (app.work.at_once), instead of claiming them after a poke. The
room is the same, nothing is lost or doubled, and no answer's row is claimed by a statement."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event, select

from app.models import WorkItem, WorkStatus
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import driven
from tests.slack.room_walk import CARD_SEV1, walk


async def test_a_room_walked_with_the_worker_here_is_the_same_room(
    database_url: str, fake_slack: FakeSlack
) -> None:
    async with driven(database_url, fake_slack, language="ja", worker_here=True) as slack:
        written: list[tuple[str, str]] = []  # each row due at once, as it was inserted

        @event.listens_for(slack.runtime.engine.sync_engine, "before_cursor_execute")
        def _inserted(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if "INSERT INTO work_items (" in statement:  # the ORM's and Core's
                for named in context.compiled_parameters:
                    for values in work_rows(named):
                        if values["due_at"] <= values["created_at"]:
                            written.append((values["kind"], values["status"]))

        counts = await walk(
            slack, "ウェブショップでカード情報漏えいの疑い", CARD_SEV1, ["U0LEAD1", "U0LEAD2"]
        )
        assert counts.posts <= 10 and counts.pins == 1, counts.line()
        assert slack.refs().count("triage") == 1 and "SEV1" in str(
            slack.message_with_ref("verdict:1")["blocks"]
        )
        async with slack.runtime.sessions() as session:
            rows = list((await session.execute(select(WorkItem))).scalars())
        assert {r.status for r in rows if r.due_at <= r.created_at} == {WorkStatus.DONE}
        assert all(r.attempts == 1 for r in rows if r.status == WorkStatus.DONE)
        taken_here = [r for r in rows if r.claimed_by == slack.runtime.queue.worker_id]
        assert len(taken_here) == len([r for r in rows if r.status == WorkStatus.DONE])
        event.remove(slack.runtime.engine.sync_engine, "before_cursor_execute", _inserted)
        # Every row due at once was written claimed (a row written while another row of its
        # incident ran would not be: here none was, each request's work done before the next).
        assert len(written) > 20 and {s for _, s in written} == {WorkStatus.CLAIMED}, written
        assert ("slack.report", WorkStatus.CLAIMED) in written
        posts = [c for c in slack.fake.calls if c.method == "chat.postMessage"]
        refs = [str(c.params.get("metadata")) for c in posts]
        assert len(refs) == len(set(refs)), "a message was posted twice"


def work_rows(named: dict[str, Any]) -> list[dict[str, Any]]:
    """The work rows in one statement's parameters: its columns as named, or, in one statement
    of CTEs on PostgreSQL, the `w_…` columns of an answer's row and the `w0_…`, `w1_…` of
    follow-up prompts' rows (the other rows' columns left out)."""
    rows: dict[str, dict[str, Any]] = {}
    for key, value in named.items():
        if found := re.fullmatch(r"w(\d*)_(.+)", key):
            rows.setdefault(found[1], {})[found[2]] = value
    return list(rows.values()) or [named]
