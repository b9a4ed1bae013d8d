"""Each platform implements the whole room port: a method added to `Chat` or `Renderer` without
its Slack and Teams sides fails here, before a room meets it; and what a platform opens, the
runtime closes."""

from __future__ import annotations

import inspect

from app.main import create_app
from app.rooms.ports import Chat, Renderer
from app.runtime import build_runtime
from app.slack.blocks import BlockKit
from app.slack.effects import SlackChat
from app.teams.cards import AdaptiveCards
from app.teams.effects import TeamsChat
from tests.fakes.teams_services import FakeTeams
from tests.teams.conftest import fake_teams, teams_settings  # noqa: F401 - the fixture


def members(protocol: type) -> dict[str, inspect.Signature | None]:
    names = [n for n in vars(protocol) if not n.startswith("_")] + list(
        getattr(protocol, "__annotations__", {})
    )
    out: dict[str, inspect.Signature | None] = {}
    for name in names:
        value = getattr(protocol, name, None)
        out[name] = inspect.signature(value) if callable(value) else None
    return out


def parameters(signature: inspect.Signature) -> list[str]:
    return [p for p in signature.parameters if p != "self"]


def test_both_chats_implement_every_chat_member_with_its_parameters() -> None:
    for chat in (SlackChat, TeamsChat):
        for name, signature in members(Chat).items():
            assert hasattr(chat, name), f"{chat.__name__} lacks {name}"
            if signature is not None:
                assert len(parameters(inspect.signature(getattr(chat, name)))) == len(
                    parameters(signature)
                ), f"{chat.__name__}.{name}"


def test_both_renderers_implement_every_renderer_member() -> None:
    for renderer in (BlockKit, AdaptiveCards):
        for name, signature in members(Renderer).items():
            method = getattr(renderer(), name, None)
            assert callable(method), f"{renderer.__name__} lacks {name}"
            assert signature is not None
            if name != "note":  # a lambda: its one parameter is not named as the protocol's
                assert parameters(inspect.signature(method)) == parameters(signature), name


async def test_closing_the_runtime_closes_the_teams_http_client(
    database_url: str,
    fake_teams: FakeTeams,  # noqa: F811 - the fixture's name
) -> None:
    settings = teams_settings(database_url, fake_teams)
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, start_worker=False)
    chat = app.state.teams_chat
    assert not chat.microsoft.http.is_closed
    await runtime.close()
    assert chat.microsoft.http.is_closed
