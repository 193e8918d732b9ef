"""Slack settings: tokens, secrets and endpoints, read from the environment.

They live apart from bot.config.Settings because only the Slack adapter needs them, and a
console run must never ask for a token. Tokens and secrets are SecretStr, so they never
show up in a repr, a traceback or a log line.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import SettingsError

SLACK_API_URL: Final = "https://slack.com/api/"
SLACK_AUTHORIZE_URL: Final = "https://slack.com/oauth/v2/authorize"

# The bot scopes the OAuth install asks for; config/slack-manifest.yml lists the same.
BOT_SCOPES: Final = (
    "channels:history",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
    "users:read",
)


class SlackMode(StrEnum):
    SOCKET = "socket"  # SLACK_APP_TOKEN: a websocket out to Slack, no public URL needed
    HTTP = "http"  # one workspace, SLACK_BOT_TOKEN
    OAUTH = "oauth"  # many workspaces installed through /slack/install


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class SlackSettings(BaseSettings):
    """Everything the Slack adapter reads from the environment; see docs/SLACK.md."""

    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, extra="ignore")

    bot_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_BOT_TOKEN"))
    signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    app_token: SecretStr | None = Field(default=None, validation_alias=_env("SLACK_APP_TOKEN"))
    api_url: str = Field(default=SLACK_API_URL, validation_alias=_env("SLACK_API_URL"))
    client_id: str | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_ID"))
    client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    authorize_url: str = Field(
        default=SLACK_AUTHORIZE_URL, validation_alias=_env("SLACK_AUTHORIZE_URL")
    )
    redirect_uri: str | None = Field(default=None, validation_alias=_env("SLACK_REDIRECT_URI"))
    token_key: SecretStr | None = Field(default=None, validation_alias=_env("PLN_TOKEN_KEY"))
    http_host: str = Field(default="0.0.0.0", validation_alias=_env("PLN_HTTP_HOST"))
    http_port: int = Field(default=3000, ge=0, le=65535, validation_alias=_env("PLN_HTTP_PORT"))
    send_rate: float = Field(
        default=5.0, gt=0, le=1000, validation_alias=_env("PLN_SLACK_SEND_RATE")
    )  # chat.postMessage per second, workspace-wide (each DM channel also 1/s)

    @field_validator("api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        """slack_sdk appends the method name to the base URL, so it must end with '/'."""
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http(s) URL like {SLACK_API_URL}, got {value!r}")
        return value if value.endswith("/") else value + "/"

    @property
    def mode(self) -> SlackMode:
        if self.app_token is not None:
            return SlackMode.SOCKET
        if self.bot_token is None and (self.client_id or self.client_secret):
            return SlackMode.OAUTH
        return SlackMode.HTTP

    def check(self) -> SlackMode:
        """The mode these settings run in, or a SettingsError naming the variable to set."""
        mode = self.mode
        if self.bot_token is not None and bool(self.client_id) != bool(self.client_secret):
            # with a bot token the app's client id and secret serve only Sign in with Slack
            raise SettingsError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: with SLACK_BOT_TOKEN "
                "they turn on Sign in with Slack, so set both (Basic Information → App "
                "Credentials) or neither (docs/WEB.md)"
            )
        if mode is SlackMode.SOCKET:
            if self.bot_token is None:
                raise SettingsError(
                    "SLACK_BOT_TOKEN is not set: Socket Mode (SLACK_APP_TOKEN) needs the bot "
                    "token too (OAuth & Permissions → Bot User OAuth Token, xoxb-...)"
                )
            return mode
        if mode is SlackMode.OAUTH:
            self._require_signing_secret()
            for name, value in (
                ("SLACK_CLIENT_ID", self.client_id),
                ("SLACK_CLIENT_SECRET", self.client_secret),
                ("PLN_TOKEN_KEY", self.token_key),
            ):
                if value is None:
                    raise SettingsError(
                        f"{name} is not set: installing in many workspaces (OAuth) needs "
                        "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and PLN_TOKEN_KEY (docs/SLACK.md)"
                    )
            return mode
        if self.bot_token is None:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: find it under OAuth & Permissions → Bot User "
                "OAuth Token (xoxb-...), or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to "
                "install in many workspaces"
            )
        self._require_signing_secret()
        return mode

    def _require_signing_secret(self) -> None:
        if self.signing_secret is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: find it under Basic Information → App "
                "Credentials, or set SLACK_APP_TOKEN to run in Socket Mode (see docs/SLACK.md)"
            )


def load_slack_settings() -> SlackSettings:
    """Slack settings from the environment, checked; a SettingsError says what to fix."""
    try:
        settings = SlackSettings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a Slack setting"
        raise SettingsError(f"{name}: {first['msg']}") from None
    settings.check()
    return settings
