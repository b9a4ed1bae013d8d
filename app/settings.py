"""Every setting leakdesk reads, from the environment and `.env` (documented in .env.example)."""

from __future__ import annotations

from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.db import normalize_database_url
from app.sealed import Vault
from app.triage.followups import parse_quiet_hours

CommaList = Annotated[list[str], NoDecode]


def var(name: str) -> AliasChoices:
    """Binds a field to its documented environment variable name."""
    return AliasChoices(name, name.lower())


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it and says what it should be."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        "sqlite+aiosqlite:///./leakdesk.db", validation_alias=var("DATABASE_URL")
    )
    environment: Literal["development", "production"] = Field(
        "development", validation_alias=var("LEAKDESK_ENV")
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", validation_alias=var("LEAKDESK_LOG_FORMAT")
    )

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias=var("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=var("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=var("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=var("SLACK_API_URL"))
    slack_client_id: str | None = Field(None, validation_alias=var("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(None, validation_alias=var("SLACK_CLIENT_SECRET"))
    slack_pacing: bool = Field(True, validation_alias=var("LEAKDESK_SLACK_PACING"))
    slack_team_id: str | None = Field(None, validation_alias=var("SLACK_TEAM_ID"))
    slack_oidc_authorize_url: str = Field(
        "https://slack.com/openid/connect/authorize",
        validation_alias=var("SLACK_OIDC_AUTHORIZE_URL"),
    )

    # People and behaviour
    pr_leads: CommaList = Field(default_factory=list, validation_alias=var("LEAKDESK_PR_LEADS"))
    responders: CommaList = Field(default_factory=list, validation_alias=var("LEAKDESK_RESPONDERS"))
    language: Literal["ja", "en"] = Field("ja", validation_alias=var("LEAKDESK_LANGUAGE"))
    timezone: str = Field("Asia/Tokyo", validation_alias=var("LEAKDESK_TIMEZONE"))
    policy_file: Path | None = Field(None, validation_alias=var("LEAKDESK_POLICY_FILE"))
    templates_dir: Path | None = Field(None, validation_alias=var("LEAKDESK_TEMPLATES_DIR"))
    company_name: str | None = Field(None, validation_alias=var("LEAKDESK_COMPANY_NAME"))
    contact_point: str | None = Field(None, validation_alias=var("LEAKDESK_CONTACT"))
    # Company facts the triage would otherwise ask in every incident (an admin may set them per
    # workspace in chat: `/leak settings`); unset: asked in the room as before.
    company_role: Literal["controller", "processor"] | None = Field(
        None, validation_alias=var("LEAKDESK_COMPANY_ROLE")
    )
    company_listed: bool | None = Field(None, validation_alias=var("LEAKDESK_COMPANY_LISTED"))
    company_public_body: bool | None = Field(
        None, validation_alias=var("LEAKDESK_COMPANY_PUBLIC_BODY")
    )
    # Who answers the technical triage questions when the room hands them over (Slack user ids
    # U… or user-group ids S…; Teams Azure AD object ids): the triage card offers the button.
    security_responders: CommaList = Field(
        default_factory=list, validation_alias=var("LEAKDESK_SECURITY_RESPONDERS")
    )
    # Who may change the company facts in chat; empty: the PR leads (user ids).
    admins: CommaList = Field(default_factory=list, validation_alias=var("LEAKDESK_ADMINS"))

    # Ops pages and API
    ops_token: SecretStr | None = Field(None, validation_alias=var("LEAKDESK_OPS_TOKEN"))
    session_secret: SecretStr | None = Field(None, validation_alias=var("LEAKDESK_SESSION_SECRET"))
    ops_members: CommaList = Field(
        default_factory=list, validation_alias=var("LEAKDESK_OPS_MEMBERS")
    )
    public_url: str | None = Field(None, validation_alias=var("LEAKDESK_PUBLIC_URL"))
    # /metrics without a token, for scrapers on a private network only (docs/operations.md).
    metrics_public: bool = Field(False, validation_alias=var("LEAKDESK_METRICS_PUBLIC"))
    encryption_key: SecretStr | None = Field(None, validation_alias=var("LEAKDESK_ENCRYPTION_KEY"))
    # HMAC key(s) of the timeline's hash chain, newest first (app.incidents.timeline)
    chain_key: SecretStr | None = Field(None, validation_alias=var("LEAKDESK_CHAIN_KEY"))
    retention_days: int | None = Field(None, ge=1, validation_alias=var("LEAKDESK_RETENTION_DAYS"))

    # HTTP: keep idle connections open longer than the load balancer in front does (its idle
    # timeout: 60 s on an AWS ALB), or a request can land on a connection being closed.
    keepalive_seconds: int = Field(75, ge=1, validation_alias=var("LEAKDESK_KEEPALIVE_SECONDS"))

    # Worker
    worker_enabled: bool = Field(True, validation_alias=var("LEAKDESK_WORKER"))
    # Seconds between looks for due rows nobody told the worker of; unset: app.work.scheduler's
    # default for the database (0.5 s on SQLite, 5 s on PostgreSQL, where processes notify).
    worker_interval: float | None = Field(
        None, gt=0, validation_alias=var("LEAKDESK_WORKER_INTERVAL")
    )
    work_lease_seconds: int = Field(60, ge=5, validation_alias=var("LEAKDESK_WORK_LEASE_SECONDS"))
    work_backoff_cap: float = Field(900, gt=0, validation_alias=var("LEAKDESK_WORK_BACKOFF_CAP"))
    work_max_attempts: int = Field(8, ge=1, validation_alias=var("LEAKDESK_WORK_MAX_ATTEMPTS"))
    # /healthz/work answers 503 when a due row has waited this long (no worker, or far behind).
    work_alert_seconds: int = Field(300, ge=10, validation_alias=var("LEAKDESK_WORK_ALERT_SECONDS"))

    # Follow-ups
    quiet_hours: str | None = Field(None, validation_alias=var("LEAKDESK_QUIET_HOURS"))
    digest_channel: str | None = Field(None, validation_alias=var("LEAKDESK_DIGEST_CHANNEL"))
    digest_time: time = Field(time(9, 0), validation_alias=var("LEAKDESK_DIGEST_TIME"))

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_span(cls, value: str | None) -> str | None:
        parse_quiet_hours(value)
        return value or None

    # Stakeholder updates: the internal channel(s) they are posted in, `CHANNEL` or
    # `WORKSPACE=CHANNEL` (a Slack team id or a Teams team's), comma-separated (docs/slack.md)
    update_channels: CommaList = Field(
        default_factory=list, validation_alias=var("LEAKDESK_UPDATE_CHANNELS")
    )

    # Archive an incident's room once it is closed (after its closing summary and export links)
    archive_rooms: bool = Field(True, validation_alias=var("LEAKDESK_ARCHIVE_ROOMS"))

    # Add to timeline from the room: reactions (emoji names, no colons) and pins (docs/slack.md)
    timeline_reactions: CommaList = Field(
        default_factory=lambda: ["pushpin"], validation_alias=var("LEAKDESK_TIMELINE_REACTIONS")
    )
    timeline_pins: bool = Field(True, validation_alias=var("LEAKDESK_TIMELINE_PINS"))

    # Outgoing webhooks (app/webhooks.py, docs/operations.md)
    webhook_urls: CommaList = Field(
        default_factory=list, validation_alias=var("LEAKDESK_WEBHOOK_URLS")
    )
    webhook_secret: SecretStr | None = Field(None, validation_alias=var("LEAKDESK_WEBHOOK_SECRET"))
    webhook_drills: bool = Field(False, validation_alias=var("LEAKDESK_WEBHOOK_DRILLS"))

    # Teams
    teams_app_id: str | None = Field(None, validation_alias=var("TEAMS_APP_ID"))
    teams_app_password: SecretStr | None = Field(None, validation_alias=var("TEAMS_APP_PASSWORD"))
    teams_tenant_id: str | None = Field(None, validation_alias=var("TEAMS_TENANT_ID"))
    graph_api_url: str = Field(
        "https://graph.microsoft.com/v1.0/", validation_alias=var("GRAPH_API_URL")
    )
    teams_openid_metadata_url: str = Field(
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias=var("TEAMS_OPENID_METADATA_URL"),
    )
    teams_team_id: str | None = Field(None, validation_alias=var("TEAMS_TEAM_ID"))
    teams_login_url: str = Field(
        "https://login.microsoftonline.com", validation_alias=var("TEAMS_LOGIN_URL")
    )

    @field_validator(
        "pr_leads",
        "responders",
        "admins",
        "security_responders",
        "ops_members",
        "webhook_urls",
        "timeline_reactions",
        "update_channels",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")) or "?" in value or "#" in value:
            raise ValueError(f"'{value}' is not a base URL like https://leakdesk.example.com")
        return value.rstrip("/")

    @field_validator("webhook_urls")
    @classmethod
    def _webhook_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("https://", "http://")) or " " in url:
                raise ValueError(f"'{url}' is not an absolute http(s) URL")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA timezone name (e.g. Asia/Tokyo)") from None
        return value

    @field_validator("encryption_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            Vault().configure(value.get_secret_value())
        return value

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @model_validator(mode="after")
    def _production_needs_secrets(self) -> Settings:
        if (
            self.environment == "production"
            and self.ops_token is None
            and self.session_secret is None
        ):
            raise ValueError(
                "LEAKDESK_ENV=production needs LEAKDESK_OPS_TOKEN or LEAKDESK_SESSION_SECRET"
            )
        if self.webhook_urls and (
            self.webhook_secret is None or len(self.webhook_secret.get_secret_value()) < 16
        ):
            raise ValueError(
                "LEAKDESK_WEBHOOK_URLS needs LEAKDESK_WEBHOOK_SECRET (16 characters or more) "
                "to sign the deliveries"
            )
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def slack_enabled(self) -> bool:
        has_single = self.slack_bot_token is not None or self.slack_client_id is not None
        return has_single and self.slack_signing_secret is not None

    @property
    def teams_enabled(self) -> bool:
        return self.teams_app_id is not None and self.teams_app_password is not None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Reads the settings, turning pydantic's report into one line per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        name = _env_name(field)
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{name}: {message}" if name else message)
    return "\n".join(lines)


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return field.upper()


def company_facts_of(settings: Settings) -> dict[str, Any]:
    """The company facts set in the environment, as triage answers (unset ones left out)."""
    facts = {
        "role": settings.company_role,
        "listed_company": settings.company_listed,
        "public_body": settings.company_public_body,
    }
    return {field: value for field, value in facts.items() if value is not None}
