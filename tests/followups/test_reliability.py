"""Follow-ups survive races, crashes and a failing Slack: every prompt is posted, none twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.db import transaction
from app.incidents.schedule import prompt_kind
from app.models import FollowupState, WorkItem, WorkStatus, utcnow
from app.work.queue import WorkQueue
from tests.followups.test_slack_prompts import open_with_verdict, prompt_refs, run_at
from tests.slack.conftest import Slack


async def all_due_at(slack: Slack, when: datetime) -> int:
    """Makes every pending prompt due in the same second; returns how many."""
    async with transaction(slack.runtime.sessions) as session:
        result = await session.execute(
            update(WorkItem)
            .where(WorkItem.kind == prompt_kind("slack"), WorkItem.status == WorkStatus.PENDING)
            .values(due_at=when)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)


def worker(slack: Slack, name: str, **kwargs: object) -> WorkQueue:
    queue = WorkQueue(slack.runtime.sessions, worker_id=name, **kwargs)  # type: ignore[arg-type]
    queue.handlers = dict(slack.runtime.queue.handlers)
    return queue


async def prompt_rows(slack: Slack) -> list[WorkItem]:
    async with slack.runtime.sessions() as session:
        rows = await session.execute(select(WorkItem).where(WorkItem.kind == prompt_kind("slack")))
        return list(rows.scalars())


async def assert_each_posted_once(slack: Slack, expected: int) -> None:
    refs = prompt_refs(slack)
    twice = [ref for ref, n in Counter(refs).items() if n > 1]
    assert twice == [], f"posted more than once: {twice}"
    assert len(refs) == expected
    posted = [
        f
        for incident in await slack.runtime.service.open_incidents()
        for f in await slack.runtime.service.followups(incident[0].id)
        if f.state == FollowupState.POSTED
    ]
    assert len(posted) == expected


async def test_two_workers_racing_post_each_prompt_once(slack: Slack) -> None:
    await open_with_verdict(slack, "Card data skimmed")
    await open_with_verdict(slack, "Payroll export left on a public bucket", regions=["JP", "EU"])
    when = utcnow() + timedelta(seconds=1)
    due = await all_due_at(slack, when)
    assert due > 30

    slack.runtime.queue.batch = 4
    one, two = slack.runtime.queue, worker(slack, "replica-2", batch=4)
    await asyncio.gather(run_at(one, when), run_at(two, when))

    await assert_each_posted_once(slack, due)
    done_by = Counter(r.claimed_by for r in await prompt_rows(slack))
    assert set(done_by) == {one.worker_id, "replica-2"}, done_by


async def test_a_worker_killed_after_claiming_is_reclaimed_and_posts_once(slack: Slack) -> None:
    await open_with_verdict(slack)
    when = utcnow() + timedelta(seconds=1)
    due = await all_due_at(slack, when)

    doomed = worker(slack, "doomed", lease=timedelta(seconds=30), batch=100)
    claimed = await doomed.claim(now=when)
    assert len(claimed) == due
    # It got as far as posting the first prompt, then died before marking anything done.
    await doomed.handlers[prompt_kind("slack")](claimed[0])
    assert len(prompt_refs(slack)) == 1

    survivor = slack.runtime.queue
    assert await run_at(survivor, when + timedelta(seconds=5)) == 0  # leases still held
    await run_at(survivor, when + timedelta(seconds=31))
    await assert_each_posted_once(slack, due)
    assert {r.status for r in await prompt_rows(slack) if r.due_at == when} == {WorkStatus.DONE}


async def test_a_failing_slack_delays_prompts_but_loses_and_doubles_none(slack: Slack) -> None:
    await open_with_verdict(slack)
    when = utcnow() + timedelta(seconds=1)
    due = await all_due_at(slack, when)

    slack.fake.rate_limit("chat.postMessage", retry_after=1, times=3)
    slack.fake.fail_http("chat.postMessage", 500, times=2)
    # Slack posted these but the answer never came back: the retry must find them.
    slack.fake.drop("chat.postMessage", after_processing=True, times=2)
    for step in range(10):
        await run_at(slack.runtime.queue, when + timedelta(minutes=20 * step))

    await assert_each_posted_once(slack, due)
    attempts = [r.attempts for r in await prompt_rows(slack) if r.status == WorkStatus.DONE]
    assert len(attempts) == due and sum(a > 1 for a in attempts) >= 4
