"""Walks an incident room as its people would, from `/leak` to the approved statement, and counts
what the room showed them: posts (thread replies included), edits, topic changes, pins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.slack.conftest import BLANK, Slack

# A card-data skimming on a web shop: SEV1 (S1-b), two approvals.
CARD_SEV1: dict[str, Any] = {
    "discovered_at": "reported",
    "data_categories": ["financial", "identity", "contact"],
    "affected_count": "2400",
    "subject_regions": ["JP"],
    "encryption": "none",
    "key_compromised": False,
    "leak_mode": "skimming",
    "wrongful_act": True,
    "access": "confirmed",
    "published": False,
    "secondary_damage": True,
    "contained": True,
    "police_involved": True,
    "police_disclosure_hold": False,
    "credentials_can_pay": False,
    "role": "controller",
    "controls_missing": ["patching"],
    "listed_company": False,
    "public_body": False,
    "media_aware": False,
    "data_subjects": ["customers"],
    "exposure_period": None,  # not known yet: a PR lead fills it in the draft
    "cause": "決済画面の改ざん（ウェブショップの脆弱性）",
}

# An e-mail with a customer list sent to the wrong address: SEV3 (S3-a), one approval.
MISDIRECTED_SEV3: dict[str, Any] = {
    "discovered_at": "reported",
    "data_categories": ["identity", "contact"],
    "affected_count": "12",
    "subject_regions": ["JP"],
    "encryption": "none",
    "key_compromised": False,
    "leak_mode": "misdelivery",
    "wrongful_act": False,
    "access": "suspected",
    "published": False,
    "secondary_damage": False,
    "contained": True,
    "police_involved": False,
    "police_disclosure_hold": False,
    "credentials_can_pay": False,
    "role": "controller",
    "controls_missing": ["training"],
    "listed_company": False,
    "public_body": False,
    "media_aware": False,
    "data_subjects": ["customers"],
    "exposure_period": {"from": "2026-11-20", "to": "2026-11-20"},
    "cause": "一斉メールの宛先を誤って入力",
}

ROOM_WRITES = ("chat.postMessage", "chat.update", "conversations.setTopic", "pins.add")


@dataclass(frozen=True)
class RoomCounts:
    posts: int
    edits: int
    topic_changes: int
    identical_topics: int
    pins: int
    answers: int

    def line(self) -> str:
        return (
            f"{self.posts} posts, {self.edits} edits, {self.topic_changes} topic changes "
            f"({self.identical_topics} identical), {self.pins} pins, {self.answers} answers"
        )


async def walk(
    slack: Slack, summary: str, facts: dict[str, Any], approvers: list[str]
) -> RoomCounts:
    """/leak, every question the room asks answered from `facts`, the draft approved."""
    slack.fake.reset_calls()
    await slack.command(summary)
    await slack.work()
    answered: set[str] = set()
    while (field := slack.current_question()) is not None:
        assert field not in answered, f"{field} asked twice"
        await slack.answer(field, facts[field])
        answered.add(field)
        await slack.work()
    statement = await slack.runtime.service.latest_statement(slack.room_incident_id())
    if statement is not None and any(BLANK.search(t) for t in statement.texts.values()):
        await slack.fill_in_blanks(approvers[0])  # what only people know: a card leak's period
    for lead in approvers:
        await slack.press("statement", "statement_approve", user=lead)
        await slack.work()
    assert any(r and r.startswith("published:") for r in slack.refs()), slack.refs()
    return count(slack, answers=len(answered))


def count(slack: Slack, answers: int) -> RoomCounts:
    room = slack.room()["id"]
    calls = [
        c for c in slack.fake.calls if c.method in ROOM_WRITES and c.params.get("channel") == room
    ]
    topics = [str(c.params.get("topic")) for c in calls if c.method == "conversations.setTopic"]
    identical = sum(1 for before, after in zip(topics, topics[1:], strict=False) if before == after)
    return RoomCounts(
        posts=sum(1 for c in calls if c.method == "chat.postMessage"),
        edits=sum(1 for c in calls if c.method == "chat.update"),
        topic_changes=len(topics),
        identical_topics=identical,
        pins=sum(1 for c in calls if c.method == "pins.add"),
        answers=answers,
    )
