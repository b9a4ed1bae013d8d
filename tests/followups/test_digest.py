"""The morning digest: one per day however many replicas run the cron; open incidents, no drills."""

from __future__ import annotations

from datetime import time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from app.incidents.schedule import DIGEST
from app.models import WorkItem
from app.work.queue import WorkQueue
from app.work.scheduler import digest_job, schedule_digest
from tests.fakes.slack_requests import BOT_USER_ID
from tests.followups.test_slack_prompts import open_with_verdict
from tests.slack.conftest import Slack


async def test_two_replicas_send_one_digest_with_open_incidents_and_near_deadlines(
    slack: Slack,
) -> None:
    slack.runtime.settings.digest_channel = "C0GENERAL"
    slack.fake.add_member("C0GENERAL", BOT_USER_ID)  # the bot is invited to the digest channel
    eu = await open_with_verdict(slack, "Card data skimmed", regions=["JP", "EU"])
    jp = await open_with_verdict(slack, "Payroll export left on a public bucket")
    drill = await open_with_verdict(slack, "drill USB stick lost on the train")
    assert drill.is_drill

    other = WorkQueue(slack.runtime.sessions, worker_id="replica-2")
    sent = [
        await digest_job(slack.runtime.queue, "Asia/Tokyo")(),
        await digest_job(other, "Asia/Tokyo")(),
    ]
    assert sorted(sent) == [False, True]
    await slack.work()

    (digest,) = [
        m
        for m in slack.fake.messages("C0GENERAL")
        if (m.get("metadata") or {}).get("event_payload", {}).get("ref", "").startswith("digest:")
    ]
    text = str(digest["blocks"])
    assert eu.key in text and jp.key in text and drill.key not in text
    assert "GDPR authority notice" in text
    assert "No deadline in the next 72 hours" in text  # the JP-only incident's are further off
    async with slack.runtime.sessions() as session:
        rows = (await session.execute(select(WorkItem).where(WorkItem.kind == DIGEST))).scalars()
        assert [r.status for r in rows] == ["done"]


async def test_the_digest_runs_as_a_cron_job_in_the_configured_zone(slack: Slack) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    schedule_digest(scheduler, slack.runtime.queue, at=time(9, 0), tz="Asia/Tokyo")
    (job,) = scheduler.get_jobs()
    assert str(job.trigger.timezone) == "Asia/Tokyo"
    assert "hour='9'" in str(job.trigger) and "minute='0'" in str(job.trigger)
