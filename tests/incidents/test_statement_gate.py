"""The approval gate, through the real incident service: a draft follows the verdict until it is
approved; a stale or unfinished statement is refused unless the lead records an override; a
statement held for the investigators is published only once the agreed timing is recorded."""

from __future__ import annotations

import pytest

from app.incidents.service import ServiceError
from app.models import Incident
from app.runtime import Runtime


async def open_misdelivery(runtime: Runtime) -> Incident:
    service = runtime.service
    incident, _ = await service.open_incident(
        title="Customer list sent to the wrong address", reporter_id="U1", platform="slack"
    )
    await service.record_answer(incident.id, "data_categories", ["contact"], "U1")
    await service.record_answer(incident.id, "affected_count", 300, "U1")
    await service.record_answer(incident.id, "subject_regions", ["JP"], "U1")
    await service.record_answer(incident.id, "encryption", "none", "U1")
    await service.record_answer(incident.id, "leak_mode", "misdelivery", "U1")
    return await service.get(incident.id)


async def open_attack(runtime: Runtime) -> Incident:
    """Unauthorized access to 5,000 customers' contact details: a public notice with a cause."""
    service = runtime.service
    incident, _ = await service.open_incident(
        title="Intrusion into the member site", reporter_id="U1", platform="slack"
    )
    for field, value in [
        ("data_categories", ["contact"]),
        ("affected_count", 5000),
        ("subject_regions", ["JP"]),
        ("encryption", "none"),
        ("leak_mode", "unauthorized_access"),
    ]:
        await service.record_answer(incident.id, field, value, "U1")
    return await service.get(incident.id)


async def lead_adds_a_line(runtime: Runtime, incident: Incident) -> None:
    """A PR lead's edit of the Japanese draft (version 2)."""
    current = await runtime.service.latest_statement(incident.id)
    assert current is not None
    edited = {"ja": current.texts["ja"] + "\n追記", "en": current.texts["en"]}
    await runtime.service.edit_statement(incident.id, edited, "U0LEAD1")


async def kinds(runtime: Runtime, incident: Incident) -> list[str]:
    return [e.kind for e in await runtime.service.timeline(incident.id)]


async def test_the_bots_draft_follows_a_new_verdict_in_place(runtime: Runtime) -> None:
    service = runtime.service
    incident = await open_misdelivery(runtime)
    first = await service.latest_statement(incident.id)
    assert first is not None and first.version == 1 and first.verdict_version == 1
    await service.record_answer(incident.id, "affected_count", 5000, "U1")
    followed = await service.latest_statement(incident.id)
    assert followed is not None and followed.version == 1 and followed.verdict_version == 2
    assert "約5,000名" in followed.texts["ja"] and "about 5,000 people" in followed.texts["en"]
    drafted = [e for e in await service.timeline(incident.id) if e.kind == "statement.drafted"]
    assert drafted[-1].data["in_place"] is True and drafted[-1].data["verdict_version"] == 2
    result = await service.approve(incident.id, 1, "U0LEAD1")
    assert result.approved_now and "statement.published" in await kinds(runtime, incident)


async def test_the_bots_draft_follows_facts_that_leave_the_verdict_as_it_is(
    runtime: Runtime,
) -> None:
    # The cause and the police come after the verdict and change no severity or clock: a
    # draft that kept "the cause is under investigation" would be approved as written.
    service = runtime.service
    incident = await open_attack(runtime)
    first = await service.latest_statement(incident.id)
    assert first is not None and "VPN機器の脆弱性" not in first.texts["ja"]
    drafted = len([e for e in await service.timeline(incident.id) if e.kind == "statement.drafted"])
    result = await service.record_answer(incident.id, "cause", "VPN機器の脆弱性", "U1")
    assert not result.verdict_changed
    followed = await service.latest_statement(incident.id)
    assert followed is not None and (followed.version, followed.verdict_version) == (1, 1)
    assert "VPN機器の脆弱性" in followed.texts["ja"] and "VPN機器の脆弱性" in followed.texts["en"]
    assert followed.next_update_at == first.next_update_at  # the promise is not moved
    assert followed.facts is not None and followed.facts["cause"] == "VPN機器の脆弱性"
    events = [e for e in await service.timeline(incident.id) if e.kind == "statement.drafted"]
    assert len(events) == drafted + 1 and events[-1].data["in_place"] is True
    # An answer that changes no word of it writes nothing.
    await service.record_answer(incident.id, "listed_company", False, "U1")
    again = [e for e in await service.timeline(incident.id) if e.kind == "statement.drafted"]
    assert len(again) == len(events)


async def test_a_leads_edit_does_not_follow_the_facts(runtime: Runtime) -> None:
    service = runtime.service
    incident = await open_attack(runtime)
    await lead_adds_a_line(runtime, incident)
    await service.record_answer(incident.id, "cause", "VPN機器の脆弱性", "U1")
    latest = await service.latest_statement(incident.id)
    assert latest is not None and latest.version == 2 and latest.texts["ja"].endswith("追記")


async def test_an_approved_statement_does_not_change_under_its_approvers(runtime: Runtime) -> None:
    service = runtime.service
    incident = await open_misdelivery(runtime)
    await service.approve(incident.id, 1, "U0LEAD1")
    await service.record_answer(incident.id, "affected_count", 5000, "U1")
    statement = await service.latest_statement(incident.id)
    assert statement is not None and statement.verdict_version == 1
    assert statement.status == "approved"


async def test_a_leads_edit_behind_the_verdict_is_refused_until_overridden(
    runtime: Runtime,
) -> None:
    service = runtime.service
    incident = await open_misdelivery(runtime)
    await lead_adds_a_line(runtime, incident)
    await service.record_answer(incident.id, "affected_count", 5000, "U1")
    with pytest.raises(ServiceError) as refused:
        await service.approve(incident.id, 2, "U0LEAD1")
    assert refused.value.code == "statement_behind_verdict"
    assert "statement.approved" not in await kinds(runtime, incident)
    with pytest.raises(ServiceError):
        await service.approve(incident.id, 2, "U0LEAD1", override="   ")
    result = await service.approve(
        incident.id, 2, "U0LEAD1", override="人数の変更は次の版で反映、まず第1報を出す"
    )
    assert result.approved_now
    events = await service.timeline(incident.id)
    (override,) = [e for e in events if e.kind == "statement.override"]
    assert override.actor == "U0LEAD1" and override.data["blockers"] == ["statement_behind_verdict"]
    assert override.data["reason"].startswith("人数の変更")
    notice = [e.kind for e in events if e.data and e.data.get("kind", "notice") == "notice"]
    assert notice[-3:] == [  # then the pack is drafted from the published report
        "statement.override",
        "statement.approved",
        "statement.published",
    ]


async def test_an_unfilled_placeholder_is_refused(runtime: Runtime) -> None:
    service = runtime.service
    incident = await open_misdelivery(runtime)
    current = await service.latest_statement(incident.id)
    assert current is not None
    await service.edit_statement(
        incident.id,
        {
            "ja": current.texts["ja"].replace("以上", "【要記入：送信日時】\n\n以上"),
            "en": current.texts["en"],
        },
        "U0LEAD1",
    )
    with pytest.raises(ServiceError) as refused:
        await service.approve(incident.id, 2, "U0LEAD1")
    assert refused.value.code == "statement_unfilled"


async def test_only_a_pr_lead_records_the_agreed_timing_and_says_what_was_agreed(
    runtime: Runtime,
) -> None:
    service = runtime.service
    incident = await open_misdelivery(runtime)
    with pytest.raises(ServiceError) as refused:
        await service.record_timing_agreed(incident.id, "U0RESP1", "12月8日10時で合意")
    assert refused.value.code == "not_pr_lead"
    with pytest.raises(ServiceError) as empty:
        await service.record_timing_agreed(incident.id, "U0LEAD1", " ")
    assert empty.value.code == "timing_note_required"


async def test_a_statement_held_for_the_police_waits_for_the_agreed_timing(
    runtime: Runtime,
) -> None:
    service = runtime.service
    incident, _ = await service.open_incident(
        title="Former employee took customer data to a rival", reporter_id="U1", platform="slack"
    )
    for field, value in [
        ("data_categories", ["identity", "contact", "trade_secret"]),
        ("affected_count", 1300),
        ("subject_regions", ["JP"]),
        ("encryption", "none"),
        ("leak_mode", "insider_theft"),
        ("access", "confirmed"),
        ("police_involved", True),
        ("police_disclosure_hold", True),
    ]:
        await service.record_answer(incident.id, field, value, "U1")
    verdict = (await service.verdicts(incident.id))[-1]
    assert verdict.data["actions"]["announcement"] == "hold_for_investigators"
    draft = await service.latest_statement(incident.id)
    assert draft is not None and "公表時期は捜査機関と調整のうえ決定" in draft.texts["ja"]
    assert "技術情報" not in draft.texts["ja"]

    # The publication date is a placeholder until the lead fills it in.
    with pytest.raises(ServiceError) as refused:
        await service.approve(incident.id, draft.version, "U0LEAD1")
    assert refused.value.code == "statement_unfilled"
    filled = {
        "ja": draft.texts["ja"].replace(
            "【要記入：公表日（公表時期は捜査機関と調整のうえ決定）】", "2026年12月8日"
        ),
        "en": draft.texts["en"].replace(
            "[TO FILL IN: publication date (timing to be agreed with the investigating authorities)]",
            "8 December 2026",
        ),
    }
    edited = await service.edit_statement(incident.id, filled, "U0LEAD1")
    result = await service.approve(incident.id, edited.version, "U0LEAD1")
    assert result.approved_now and result.awaiting_timing
    assert "statement.published" not in await kinds(runtime, incident)

    published = await service.record_timing_agreed(
        incident.id, "U0LEAD2", "12月8日10時の公表で所轄署と合意"
    )
    assert published is not None and published.version == edited.version
    events = await service.timeline(incident.id)
    assert [e.kind for e in events][-2:] == ["statement.timing_agreed", "statement.published"]
    assert events[-2].actor == "U0LEAD2" and "所轄署" in events[-2].data["note"]
    # Recording it again publishes nothing twice.
    assert await service.record_timing_agreed(incident.id, "U0LEAD1", "再確認") is None
