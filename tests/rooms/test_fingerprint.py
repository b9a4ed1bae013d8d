"""An edit nobody could see is not sent (app.rooms.posting.fingerprint): a message rendered again
alike reads as the same, and any change in it — deep in a block, or in its text — as another."""

from __future__ import annotations

from app.rooms.posting import fingerprint
from app.slack.blocks import BlockKit
from app.teams.cards import AdaptiveCards


def test_a_message_rendered_alike_is_the_same_and_any_change_is_another() -> None:
    for render in (BlockKit, AdaptiveCards):
        line = "Card data skimmed: 1,200 customers"
        shown = fingerprint(render.note(line), "title")
        assert fingerprint(render.note(line), "title") == shown
        assert fingerprint(render.note(line + "."), "title") != shown
        assert fingerprint(render.note(line.replace("1,200", "1,300")), "title") != shown
        assert fingerprint(render.note(line), "title 2") != shown
