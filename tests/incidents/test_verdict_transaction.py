"""The verdict's transaction: what its hooks write is planned in that same transaction (the
items the verdict brings are chased by prompts planned beside them), however few statements
it takes to write it."""

from __future__ import annotations

from app.incidents import schedule
from app.incidents.schedule import followups_of
from app.runtime import Runtime

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
