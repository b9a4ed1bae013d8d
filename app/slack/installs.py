"""Multi-workspace installs: slack_sdk's OAuth flow and SQLAlchemy stores, one client per workspace."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from app.settings import Settings

# The bot scopes of slack/manifest.yml; a test keeps the two in step.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "groups:write",
    "groups:read",
    "groups:history",
    "pins:write",
    "pins:read",
    "reactions:read",
    "usergroups:read",
)


def installation_store(settings: Settings, engine: AsyncEngine) -> AsyncSQLAlchemyInstallationStore:
    assert settings.slack_client_id is not None
    return AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


def oauth_settings(settings: Settings, engine: AsyncEngine) -> AsyncOAuthSettings:
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        installation_store=installation_store(settings, engine),
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )


class WorkspaceClients:
    """Finds each workspace's bot token in the installation store (cached per workspace)."""

    def __init__(
        self, store: AsyncSQLAlchemyInstallationStore, make_client: Callable[[str], AsyncWebClient]
    ) -> None:
        self.store = store
        self.make_client = make_client
        self._cache: dict[str, AsyncWebClient] = {}

    async def for_team(self, team_id: str | None) -> AsyncWebClient | None:
        if not team_id:
            return None
        if team_id not in self._cache:
            bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
            if bot is None or not bot.bot_token:
                return None
            self._cache[team_id] = self.make_client(bot.bot_token)
        return self._cache[team_id]
