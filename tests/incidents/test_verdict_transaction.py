"""The verdict's transaction: what its hooks write is planned in that same transaction (the
items the verdict brings are chased by prompts planned beside them), however few statements
it takes to write it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select

from app.incidents import schedule
from app.incidents.rooms import register_room_reactions
from app.incidents.schedule import followups_of
from app.models import Followup, WorkItem
from app.runtime import Runtime
from app.vocabulary import FollowupState, WorkStatus

PRESS = {  # a verdict that recommends a press conference (readiness items, each due)
    "data_categories": ["special_care", "identity"],
    "data_subjects": ["patients"],
    "affected_count": 5000,
    "subject_regions": ["JP"],
    "encryption": "none",
    "leak_mode": "unauthorized_access",
}


async def test_the_items_a_verdict_brings_are_prompted_from_its_own_transaction(
    runtime: Runtime,
) -> None:
    service = runtime.service
    schedule.register(runtime.reactions, policy=lambda: service.policy, tz="Asia/Tokyo")
    incident, _ = await service.open_incident(
        title="Patient records exposed", reporter_id="U1", platform="slack"
    )
    for field, value in PRESS.items():
        result = await service.record_answer(incident.id, field, value, "U1")
    assert result.verdict is not None and result.verdict.version == 1
    items = await service.tasks(incident.id)
    press = [i for i in items if (i.source or "").startswith("press:")]
    assert press and all(i.due_at for i in press)
    async with runtime.sessions() as session:
        prompts = {f.key: f for f in await followups_of(session, incident.id)}
    # Nothing but the verdict's answer ran since the items were made: its plan saw them.
    assert {f"task:{i.id}" for i in press} <= set(prompts)
    for item in press:
        prompt = prompts[f"task:{item.id}"]
        assert prompt.due_at == item.due_at and prompt.work_id is not None


async def test_a_verdict_is_written_after_its_answer_and_before_its_draft(runtime: Runtime) -> None:
    """Its events chain in order, and its rows run in that order: the next question, the
    verdict, the draft — also when the awareness answer moves the clocks and re-issues it."""
    service = runtime.service
    register_room_reactions(runtime.reactions, "slack")  # (the rows a Slack room's events imply)
    incident, _ = await service.open_incident(
        title="Patient records exposed", reporter_id="U1", platform="slack"
    )
    for field, value in PRESS.items():
        await service.record_answer(incident.id, field, value, "U1")
    await service.set_discovered_at(incident.id, incident.created_at - timedelta(days=3), "U1")
    events = await service.timeline(incident.id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert await service.verify(incident.id) is None
    kinds = [e.kind for e in events]
    first = kinds.index("verdict.issued")
    assert kinds[first - 1 : first + 1] == ["answer.recorded", "verdict.issued"]
    assert kinds.index("statement.drafted") > first
    moved = kinds.index("incident.discovered_at_changed")
    assert kinds[moved:][:3] == [
        "incident.discovered_at_changed",
        "answer.recorded",
        "verdict.issued",
    ]
    verdicts = await service.verdicts(incident.id)
    assert [v.version for v in verdicts] == [1, 2]
    assert (await service.get(incident.id)).severity == verdicts[-1].severity
    async with runtime.sessions() as session:
        rows = (
            await session.execute(
                select(WorkItem.kind)
                .where(WorkItem.incident_id == incident.id)
                .order_by(WorkItem.id)
            )
        ).scalars()
        written = [k for k in rows if k.endswith(("question", "post_verdict", "sync_statement"))]
    first = written.index("slack.post_verdict")
    assert written[first - 1 : first + 2] == [
        "slack.next_question",  # the answer's
        "slack.post_verdict",
        "slack.sync_statement",
    ], written


async def test_a_verdicts_prompts_are_written_linked_to_their_work_rows(runtime: Runtime) -> None:
    """Each follow-up names the work row that posts it, and that row names it, from their
    INSERTs on: no UPDATE of the follow-ups links them after (issue 24). A moved plan cancels
    the rows it replaced and links the new ones."""
    service = runtime.service
    schedule.register(runtime.reactions, policy=lambda: service.policy, tz="Asia/Tokyo")
    incident, _ = await service.open_incident(
        title="Patient records exposed", reporter_id="U1", platform="slack"
    )
    *first, last = PRESS.items()
    for field, value in first:
        await service.record_answer(incident.id, field, value, "U1")
    statements: list[str] = []

    def _ran(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", _ran)
    try:
        await service.record_answer(incident.id, *last, "U1")
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", _ran)
    assert not [s for s in statements if s.startswith("UPDATE followups")], statements
    before = await _prompts_and_rows(runtime, incident.id)
    assert before and all(w.payload["followup_id"] == f.id for f, w in before)
    await service.set_discovered_at(incident.id, incident.created_at - timedelta(days=3), "U1")
    after = await _prompts_and_rows(runtime, incident.id)
    assert after and all(w.payload["followup_id"] == f.id for f, w in after)
    async with runtime.sessions() as session:
        for _, work in before:
            if work.id not in {w.id for _, w in after}:
                replaced = await session.get(WorkItem, work.id)
                assert replaced is not None and replaced.status == WorkStatus.CANCELLED


async def _prompts_and_rows(runtime: Runtime, incident_id: int) -> list[tuple[Followup, WorkItem]]:
    """The incident's scheduled follow-ups, each with the work row it names."""
    async with runtime.sessions() as session:
        live = [
            f
            for f in await followups_of(session, incident_id)
            if f.state == FollowupState.SCHEDULED
        ]
        return [(f, await session.get_one(WorkItem, f.work_id)) for f in live]
