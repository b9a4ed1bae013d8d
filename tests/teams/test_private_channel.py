"""The bot can post where it opens the room: it adds itself to the private channel it creates, and
opens a group chat where the tenant keeps apps out of private channels. The fake Bot Connector
refuses a post to a private channel the app was not added to, as Teams does."""

from __future__ import annotations

import httpx

from tests.rooms.order import opening
from tests.teams.conftest import LEAD1, LEAD2, REPORTER, RESPONDER, Teams

APP = "catalog-leakdesk"


async def test_the_bot_adds_itself_to_the_private_channel_it_creates(teams: Teams) -> None:
    await teams.say("leak Customer CSV sent to the wrong address")
    await teams.work()
    (channel,) = teams.fake.channels
    assert channel["membershipType"] == "private"
    assert teams.fake.team_apps == [APP], "the app was not installed in the incident team"
    assert channel["apps"] == [APP], "the app was not added to the private channel"
    (enable,) = teams.fake.calls_to(r"/enabledApps/\$ref$", "POST")
    assert enable.path.startswith("/graph/beta/")  # v1.0 adds apps to shared channels only
    assert enable.body == {
        "@odata.id": f"https://graph.microsoft.com/beta/appCatalogs/teamsApps/{APP}"
    }
    assert opening(await teams.refs())
    assert teams.fake.messages(channel["id"]), "nothing was posted in the channel"


async def test_an_app_already_in_the_team_is_added_to_the_channel_all_the_same(
    teams: Teams,
) -> None:
    teams.fake.team_apps.append(APP)  # the admin added leakdesk to the team (docs/teams.md)
    await teams.say("leak laptop left on a train")
    await teams.work()
    (channel,) = teams.fake.channels
    assert channel["apps"] == [APP]
    assert teams.fake.messages(channel["id"])


async def test_where_apps_are_kept_out_of_private_channels_the_room_is_a_group_chat(
    teams: Teams,
) -> None:
    teams.fake.channel_apps_refused = True
    await teams.say("leak invoices mailed to the wrong customer")
    await teams.work()
    assert not teams.fake.channels, "the channel the bot cannot post in was left behind"
    (chat,) = teams.fake.chats
    assert chat["apps"] == [APP]
    assert {REPORTER.aad, RESPONDER.aad, LEAD1.aad, LEAD2.aad} == set(chat["members"])
    assert opening(await teams.refs())
    assert teams.fake.messages(chat["id"])


async def test_teams_refuses_a_post_to_a_private_channel_the_app_is_not_in(teams: Teams) -> None:
    teams.fake.channel_apps_refused = True
    teams.fake.channels.append(
        {"id": "19:private@thread.tacv2", "displayName": "x", "membershipType": "private",
         "members": [], "owners": [], "apps": []}
    )  # fmt: skip
    token = "fake-bot-token"  # what the fake's token endpoint hands out for the Bot Connector
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{teams.fake.service_url}v3/conversations/19%3Aprivate%40thread.tacv2/activities",
            json={"type": "message", "text": "hello"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "BotNotInConversationRoster"
