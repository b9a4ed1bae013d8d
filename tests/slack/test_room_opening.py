"""Opening a room in as few dependent Slack round trips as it allows (issue 24): the channel,
then the first question with the summary and the invitations, then the pin and the welcome.
Correctness only (the latency is measured in bench/first_question.py): what depends on what,
one auth.test per workspace, and a call failing in the middle loses and doubles nothing."""

from __future__ import annotations

from sqlalchemy import select, update

from app.models import ChatMessage, WorkItem, WorkStatus, utcnow
from app.vocabulary import EventKind
from tests.rooms.order import opening
from tests.slack.conftest import Slack

PEOPLE = {"U0REPORTER", "U0RESP1", "U0LEAD1", "U0LEAD2"}


async def _retry_now(slack: Slack) -> None:
    """Makes rows waiting out a backoff due now (the test does not sleep)."""
    async with slack.runtime.sessions() as session:
        await session.execute(
            update(WorkItem).where(WorkItem.status == WorkStatus.PENDING).values(due_at=utcnow())
        )
        await session.commit()


async def _ready_events(slack: Slack) -> int:
    """How often the room's opening is on the timeline (once, however often its row ran)."""
    events = await slack.runtime.service.timeline(slack.room_incident_id())
    return [e.kind for e in events].count(EventKind.ROOM_READY)


def _methods(slack: Slack) -> list[str]:
    return [c.method for c in slack.fake.calls if c.outcome == "ok"]


async def test_the_question_needs_only_the_channel_and_nothing_waits_on_the_question(
    slack: Slack,
) -> None:
    await slack.command("Customer CSV sent to the wrong address")
    await slack.work()
    methods = _methods(slack)
    create = methods.index("conversations.create")
    # Nothing but the channel comes before the first post: no auth.test, no invitation.
    first_post = methods.index("chat.postMessage")
    assert first_post == create + 1 or set(methods[create + 1 : first_post]) <= {
        "conversations.invite",
        "auth.test",
    }
    assert opening(slack.refs())
    assert slack.current_question() is not None
    room = slack.room()["id"]
    assert PEOPLE <= set(slack.fake.members(room))
    assert len(slack.fake.pins(room)) == 1


async def test_auth_test_runs_once_per_workspace_not_per_room(slack: Slack) -> None:
    for summary in ("laptop left on a train", "invoices mailed to the wrong customer"):
        await slack.command(summary)
        await slack.work()
    assert len(slack.fake.calls_to("conversations.create", outcome="ok")) == 2
    assert len(slack.fake.calls_to("auth.test")) <= 1


async def test_a_call_failing_in_the_middle_loses_and_doubles_nothing(slack: Slack) -> None:
    slack.fake.fail_http("conversations.invite", 500)  # beside the question and the summary
    slack.fake.fail_http("pins.add", 500)  # the round after them
    await slack.command("HR folder shared with everyone")
    for _ in range(4):
        await slack.work()
        await _retry_now(slack)
    await slack.work()
    room = slack.room()["id"]
    refs = slack.refs()
    assert opening(refs)
    assert refs.count("summary") == refs.count("triage") == refs.count("welcome") == 1
    assert PEOPLE <= set(slack.fake.members(room))
    assert len(slack.fake.pins(room)) == 1
    assert len(slack.fake.calls_to("conversations.create", outcome="ok")) == 1
    assert await _ready_events(slack) == 1


async def test_a_post_failing_after_the_reservations_were_made_together_is_posted_once(
    slack: Slack,
) -> None:
    """The question's, the summary's and the welcome's refs are reserved in one transaction
    before the first of them is posted; a retry after the welcome failed posts each once."""
    welcome = "welcome"

    def is_welcome(params: dict) -> bool:  # type: ignore[type-arg]
        return welcome in str(params.get("metadata") or {})

    slack.fake.fail_http("chat.postMessage", 500, when=is_welcome)
    await slack.command("Payroll export left on a shared drive")
    for _ in range(3):
        await slack.work()
        await _retry_now(slack)
    await slack.work()
    refs = slack.refs()
    assert opening(refs)
    assert refs.count("summary") == refs.count("triage") == refs.count("welcome") == 1
    assert len(slack.fake.calls_to("chat.postMessage", outcome="ok")) == len(refs)
    assert len(slack.fake.calls_to("chat.postMessage")) == len(refs) + 1  # the one that failed


async def test_the_first_posts_are_recorded_even_when_a_later_call_fails(
    slack: Slack,
) -> None:
    """The question's and the summary's ts are saved as they are posted, also when the pin
    after them fails: the retry edits them where they are, and looks nothing up in the room
    (no conversations.history) and posts nothing again."""
    slack.fake.fail_http("pins.add", 500)
    await slack.command("Backup tapes missing from the courier's van")
    await slack.work()  # the first attempt: posted, then the pin failed
    async with slack.runtime.sessions() as session:
        rows = dict(
            (
                await session.execute(
                    select(ChatMessage.ref, ChatMessage.ts).where(
                        ChatMessage.ref.in_(["triage", "summary"])
                    )
                )
            ).all()
        )
    assert set(rows) == {"triage", "summary"} and all(rows.values()), rows
    await _retry_now(slack)
    await slack.work()
    assert len(slack.fake.pins(slack.room()["id"])) == 1
    assert not slack.fake.calls_to("conversations.history")
    refs = slack.refs()
    assert refs.count("summary") == refs.count("triage") == refs.count("welcome") == 1
    # The retry edited the question and the summary, then put the room's opening on the
    # timeline: its own event is no reason to run once more (and write it twice).
    assert await _ready_events(slack) == 1
