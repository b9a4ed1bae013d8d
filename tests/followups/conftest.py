"""The Slack harness (signed requests in, fake Web API out) for follow-up tests."""

from tests.slack.conftest import fake_slack, slack

__all__ = ["fake_slack", "slack"]
