"""Pacing keeps bursts within Slack's limits (pure token buckets with a fake clock)."""

from app.slack.pacing import Pacer


def test_a_burst_is_allowed_then_calls_are_spaced_out() -> None:
    now = [0.0]
    pacer = Pacer({"post": (3.0, 1.0)}, clock=lambda: now[0])
    assert [pacer.delay("post:C1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.delay("post:C1") == 1.0
    assert pacer.delay("post:C2") == 0.0  # each channel has its own bucket
    now[0] += 10
    assert pacer.delay("post:C1") == 0.0


def test_channel_creation_is_held_to_twenty_a_minute() -> None:
    pacer = Pacer({"conversations.create": (5.0, 20 / 60)}, clock=lambda: 0.0)
    delays = [pacer.delay("conversations.create") for _ in range(25)]
    assert delays[:5] == [0.0] * 5
    assert abs(delays[-1] - 20 * 3.0) < 1e-6  # the 25th waits a minute for 20 more tokens
    assert pacer.delay("unlimited") == 0.0
