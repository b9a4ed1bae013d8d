"""Sign in with Slack: members only, one workspace each, a state that is this browser's and unused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from slack_sdk.oauth.installation_store import Installation

from app.main import create_app
from app.models import Incident
from app.ops.auth import SESSION_COOKIE
from app.runtime import Runtime
from app.settings import Settings
from app.slack import signin as oidc
from app.slack.installs import BOT_SCOPES, installation_store
from tests.conftest import BOT_TOKEN, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import TEAM_ID
from tests.ops import test_auth
from tests.ops.conftest import OPS_TOKEN, form_csrf, seed_incident, sign_in

CLIENT_ID = "1111.2222"
AUTHORIZE = "https://slack.test/openid/connect/authorize"
CALLBACK = "http://test/login/slack/callback"
OTHER_TEAM = "T0OTHER"
OPS_GROUP = "S0OPS"
SESSION_SECRET = "x" * 32
# Slack's pages start the dance and finish it: they are public by nature, and sign in no one
# without this browser's unused state, a code from Slack and an ops member (tested below).
OIDC_PUBLIC = {"/login/slack", "/login/slack/callback"}
NOT_ALLOWED = ("may not sign in to the ops pages", "運用ページにログインできません")


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_usergroup(OPS_GROUP, "leak-ops", ["U0LEAD1"])
        yield fake


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return make_settings(
        database_url,
        ops_token=OPS_TOKEN,
        session_secret=SESSION_SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=fake_slack.url,
        slack_client_id=CLIENT_ID,
        slack_client_secret="client-secret",
        slack_oidc_authorize_url=AUTHORIZE,
        public_url="http://test/",
        ops_members=["U0RESP1", OPS_GROUP],
    )


async def go_to_slack(client: httpx.AsyncClient, next_path: str = "/") -> dict[str, str]:
    """Follows "Sign in with Slack" to Slack's authorize page; returns that URL's parameters."""
    response = await client.get("/login/slack", params={"next": next_path})
    assert response.status_code == 302
    url = urlsplit(response.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == AUTHORIZE
    return {key: values[0] for key, values in parse_qs(url.query).items()}


def approve_on_slack(
    fake: FakeSlack, query: dict[str, str], user_id: str, team_id: str = TEAM_ID
) -> str:
    """What Slack's page does when the person approves: a code bound to the request."""
    return fake.sign_in_code(
        user_id,
        team_id=team_id,
        name=None if team_id == TEAM_ID else "Olga Other",
        nonce=query["nonce"],
        client_id=query["client_id"],
        redirect_uri=query["redirect_uri"],
    )


async def sign_in_with_slack(
    client: httpx.AsyncClient, fake: FakeSlack, user_id: str, team_id: str = TEAM_ID
) -> httpx.Response:
    query = await go_to_slack(client)
    code = approve_on_slack(fake, query, user_id, team_id)
    return await client.get("/login/slack/callback", params={"code": code, "state": query["state"]})


async def signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get("/")).status_code == 200


# ----- the dance ----------------------------------------------------------------------------------


async def test_the_authorize_url_carries_client_redirect_state_and_nonce(
    client: httpx.AsyncClient,
) -> None:
    query = await go_to_slack(client)
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK
    assert query["response_type"] == "code"
    assert set(query["scope"].split(",")) == {"openid", "profile"}
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert (await go_to_slack(client))["state"] != query["state"]


def test_the_manifest_has_the_callback_and_asks_for_the_sign_in_scopes() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[2] / "slack" / "manifest.yml").read_text())
    config = manifest["oauth_config"]
    assert sorted(config["scopes"]["user"]) == sorted(oidc.SCOPES)
    assert any(url.endswith(oidc.CALLBACK_PATH) for url in config["redirect_urls"])


async def test_the_login_page_offers_slack_when_configured(client: httpx.AsyncClient) -> None:
    page = await client.get("/login?next=/incidents/1&lang=en")
    assert 'href="/login/slack?next=/incidents/1"' in page.text
    assert "Sign in with Slack" in page.text
    assert 'name="token"' in page.text  # the ops token stays the admin's way in


async def test_without_oidc_settings_there_is_no_button_and_the_route_names_them(
    database_url: str,
) -> None:
    app = create_app(
        make_settings(database_url, ops_token=OPS_TOKEN, session_secret=SESSION_SECRET),
        start_worker=False,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/login?lang=en")
        start = await client.get("/login/slack?lang=en")
        callback = await client.get("/login/slack/callback?code=1&state=2")
    await app.state.runtime.close()
    assert page.status_code == 200 and "/login/slack" not in page.text
    assert start.status_code == 503 and callback.status_code == 503
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "LEAKDESK_PUBLIC_URL"):
        assert name in start.text
    assert 'name="token"' in start.text  # the ops token still works


async def test_a_member_signs_in_and_sees_only_their_workspace(
    client: httpx.AsyncClient, fake_slack: FakeSlack, runtime: Runtime
) -> None:
    ours = await seed_incident(runtime, title="Our customer list", workspace_id=TEAM_ID)
    theirs = await seed_incident(runtime, title="Their payroll file", workspace_id=OTHER_TEAM)
    before = form_csrf((await client.get("/login")).text)
    query = await go_to_slack(client, f"/incidents/{ours.id}")
    code = approve_on_slack(fake_slack, query, "U0RESP1")
    response = await client.get(
        "/login/slack/callback", params={"code": code, "state": query["state"]}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/incidents/{ours.id}"
    listing = await client.get("/")
    assert listing.status_code == 200
    assert ours.key in listing.text and theirs.key not in listing.text
    assert form_csrf(listing.text) != before  # a new session at sign-in
    who = re.search(r'<span class="who">([^<]+)</span>', listing.text)
    assert who and who.group(1).strip()  # the header says who is signed in
    assert (await client.get(f"/incidents/{ours.id}")).status_code == 200
    for path in (f"/incidents/{theirs.id}", f"/incidents/{theirs.id}/report"):
        assert (await client.get(path)).status_code == 404, path
    api = (await client.get("/api/v1/incidents")).json()
    assert [item["key"] for item in api["items"]] == [ours.key]
    for path in ("", "/timeline", "/export?format=csv", "/export?format=ppc"):
        assert (await client.get(f"/api/v1/incidents/{theirs.id}{path}")).status_code == 404
        assert (await client.get(f"/api/v1/incidents/{ours.id}{path}")).status_code == 200


async def test_a_person_of_another_workspace_sees_only_that_one(
    client: httpx.AsyncClient, fake_slack: FakeSlack, runtime: Runtime, settings: Settings
) -> None:
    settings.ops_members.append("W0OTHER")
    ours = await seed_incident(runtime, workspace_id=TEAM_ID)
    theirs = await seed_incident(runtime, workspace_id=OTHER_TEAM)
    response = await sign_in_with_slack(client, fake_slack, "W0OTHER", OTHER_TEAM)
    assert response.status_code == 303
    api = (await client.get("/api/v1/incidents")).json()
    assert [item["key"] for item in api["items"]] == [theirs.key]
    assert (await client.get(f"/incidents/{ours.id}")).status_code == 404


async def test_the_ops_token_still_sees_every_workspace(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ours = await seed_incident(runtime, workspace_id=TEAM_ID)
    theirs = await seed_incident(runtime, workspace_id=OTHER_TEAM)
    await sign_in(client)
    listing = (await client.get("/")).text
    assert ours.key in listing and theirs.key in listing


async def test_sign_out_after_slack_sign_in(
    client: httpx.AsyncClient, fake_slack: FakeSlack
) -> None:
    await sign_in_with_slack(client, fake_slack, "U0RESP1")
    page = await client.get("/")
    response = await client.post("/logout", data={"csrf": form_csrf(page.text)})
    assert response.status_code == 303 and not await signed_in(client)


# ----- who may sign in ----------------------------------------------------------------------------


async def test_a_non_member_is_refused_in_both_languages_and_nothing_is_stored(
    client: httpx.AsyncClient, fake_slack: FakeSlack, incident: Incident
) -> None:
    response = await sign_in_with_slack(client, fake_slack, "U0OUTSIDER")
    assert response.status_code == 403
    assert all(text in response.text for text in NOT_ALLOWED)
    assert "U0OUTSIDER" not in session_of(client).values()
    assert "user" not in session_of(client) and not await signed_in(client)
    assert (await client.get("/api/v1/incidents")).status_code == 401


async def test_group_membership_is_checked_live_at_each_sign_in(
    client: httpx.AsyncClient, fake_slack: FakeSlack
) -> None:
    assert (await sign_in_with_slack(client, fake_slack, "U0LEAD1")).status_code == 303
    assert await signed_in(client)
    await client.post("/logout", data={"csrf": form_csrf((await client.get("/")).text)})
    fake_slack.add_usergroup(OPS_GROUP, "leak-ops", [])  # taken out of the group on Slack
    response = await sign_in_with_slack(client, fake_slack, "U0LEAD1")
    assert response.status_code == 403 and NOT_ALLOWED[0] in response.text
    assert not await signed_in(client)


async def test_a_group_of_the_same_id_in_another_workspace_does_not_let_its_members_in(
    client: httpx.AsyncClient, fake_slack: FakeSlack, settings: Settings
) -> None:
    settings.slack_team_id = TEAM_ID  # this install serves one workspace
    assert (await go_to_slack(client))["team"] == TEAM_ID  # Slack offers only that workspace
    response = await sign_in_with_slack(client, fake_slack, "U0LEAD1", OTHER_TEAM)
    assert response.status_code == 403 and not await signed_in(client)


async def test_multi_workspace_groups_are_read_with_that_workspaces_install(
    client: httpx.AsyncClient, fake_slack: FakeSlack, runtime: Runtime, settings: Settings
) -> None:
    settings.slack_bot_token = None  # each workspace's bot token is in the installation store
    fake_slack.reset_calls()
    response = await sign_in_with_slack(client, fake_slack, "U0LEAD1")
    assert response.status_code == 403  # not installed in that workspace: no group can be read
    assert not fake_slack.calls_to("usergroups.users.list")
    await installation_store(settings, runtime.engine).async_save(
        Installation(
            app_id="A0LEAKDESK",
            team_id=TEAM_ID,
            bot_token="xoxb-installed-token",
            bot_id="B0BOT",
            bot_user_id="U0BOT",
            bot_scopes=list(BOT_SCOPES),
            user_id="U0REPORTER",
            installed_at=1.0,
        )
    )
    assert (await sign_in_with_slack(client, fake_slack, "U0LEAD1")).status_code == 303


async def test_a_session_without_a_workspace_is_not_signed_in(client: httpx.AsyncClient) -> None:
    # A person's session always names their workspace; without one it must not see them all.
    forged = URLSafeTimedSerializer(SESSION_SECRET, salt="leakdesk.ops.session")
    client.cookies.set(SESSION_COOKIE, forged.dumps({"csrf": "c", "user": "U0RESP1"}))
    assert (await client.get("/")).status_code == 303
    assert (await client.get("/api/v1/incidents")).status_code == 401


# ----- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["forged", "", None, "ステート"])
async def test_a_forged_or_missing_state_is_refused(
    client: httpx.AsyncClient, fake_slack: FakeSlack, state: str | None
) -> None:
    query = await go_to_slack(client)
    code = approve_on_slack(fake_slack, query, "U0RESP1")
    params = {"code": code} if state is None else {"code": code, "state": state}
    response = await client.get("/login/slack/callback", params=params)
    assert response.status_code == 400 and "Sign in with Slack" in response.text
    assert not await signed_in(client)


async def test_a_state_is_used_once(client: httpx.AsyncClient, fake_slack: FakeSlack) -> None:
    query = await go_to_slack(client)
    cookie_with_state = client.cookies[SESSION_COOKIE]
    code = approve_on_slack(fake_slack, query, "U0RESP1")
    callback = {"code": code, "state": query["state"]}
    assert (await client.get("/login/slack/callback", params=callback)).status_code == 303
    again = await client.get("/login/slack/callback", params=callback)
    assert again.status_code == 400
    # Even replaying the cookie that carried the state (and a fresh code) does not sign in.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie_with_state)
    callback["code"] = approve_on_slack(fake_slack, query, "U0RESP1")
    replay = await client.get("/login/slack/callback", params=callback)
    assert replay.status_code == 400 and not await signed_in(client)


async def test_a_state_from_another_browser_is_refused(
    app: FastAPI, client: httpx.AsyncClient, fake_slack: FakeSlack
) -> None:
    # Login CSRF: an attacker's own sign-in, finished in the victim's browser.
    query = await go_to_slack(client)
    code = approve_on_slack(fake_slack, query, "U0RESP1")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as victim:
        response = await victim.get(
            "/login/slack/callback", params={"code": code, "state": query["state"]}
        )
        assert response.status_code == 400 and not await signed_in(victim)


async def test_a_code_for_another_sign_in_is_refused(
    client: httpx.AsyncClient, fake_slack: FakeSlack
) -> None:
    # The ID token must carry the nonce this browser was given.
    query = await go_to_slack(client)
    code = approve_on_slack(fake_slack, {**query, "nonce": "someone-elses"}, "U0RESP1")
    response = await client.get(
        "/login/slack/callback", params={"code": code, "state": query["state"]}
    )
    assert response.status_code == 400 and not await signed_in(client)


async def test_an_invalid_code_says_to_start_again(client: httpx.AsyncClient) -> None:
    query = await go_to_slack(client)
    response = await client.get(
        "/login/slack/callback",
        params={"code": "not-a-code", "state": query["state"], "lang": "en"},
    )
    assert response.status_code == 400
    assert "Slack did not accept the sign-in code" in response.text
    assert "Sign in with Slack" in response.text  # the way to start again is on the page


async def test_cancelling_on_slack_says_so(client: httpx.AsyncClient) -> None:
    query = await go_to_slack(client)
    response = await client.get(
        "/login/slack/callback", params={"error": "access_denied", "state": query["state"]}
    )
    assert response.status_code == 400 and "Sign-in with Slack was cancelled" in response.text


@pytest.mark.parametrize(
    ("method", "fault"),
    [
        ("openid.connect.token", "http_500"),
        ("openid.connect.token", "dropped"),
        ("openid.connect.userInfo", "http_503"),
        ("usergroups.users.list", "http_500"),
    ],
)
async def test_slack_down_shows_an_error_page_not_a_500(
    client: httpx.AsyncClient, fake_slack: FakeSlack, method: str, fault: str
) -> None:
    if fault == "dropped":
        fake_slack.drop(method)
    else:
        fake_slack.fail_http(method, int(fault.removeprefix("http_")))
    response = await sign_in_with_slack(client, fake_slack, "U0LEAD1")
    assert response.status_code == 502
    assert (
        "Slack could not be reached" in response.text and "Slack に接続できません" in response.text
    )
    assert not await signed_in(client)


async def test_bad_app_credentials_say_what_to_check(
    client: httpx.AsyncClient, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("openid.connect.token", "bad_client_secret")
    response = await sign_in_with_slack(client, fake_slack, "U0RESP1")
    assert response.status_code == 502
    assert "bad_client_secret" in response.text and "SLACK_CLIENT_SECRET" in response.text


# ----- every other route still needs a login -------------------------------------------------------


async def test_every_route_but_the_sign_in_ones_needs_a_login(
    app: FastAPI, incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(test_auth, "PUBLIC", test_auth.PUBLIC | OIDC_PUBLIC)
    seen = await test_auth.assert_every_route_refuses(app, incident.id)
    assert test_auth.MUST_BE_PROTECTED <= seen
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as stranger:
        assert (await stranger.get("/login/slack/callback")).status_code == 400
        assert not await signed_in(stranger)


def session_of(client: httpx.AsyncClient) -> dict[str, object]:
    raw = client.cookies.get(SESSION_COOKIE)
    if not raw:
        return {}
    data = URLSafeTimedSerializer(SESSION_SECRET, salt="leakdesk.ops.session").loads(raw)
    return data if isinstance(data, dict) else {}
