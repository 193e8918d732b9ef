"""Which sign-in buttons exist, and where each platform's OAuth endpoints are.

Read from the same variables the adapters use (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET /
SLACK_API_URL, DISCORD_CLIENT_ID / DISCORD_CLIENT_SECRET / DISCORD_API_URL /
DISCORD_TOKEN), so one app registration serves the bot and its sign-in. The endpoints are
derived from the API URLs: pointing them at a stand-in moves the whole flow there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import SettingsError

SLACK_API_URL: Final = "https://slack.com/api/"
DISCORD_API_URL: Final = "https://discord.com/api/v10"
SLACK_CALLBACK_PATH: Final = "/signin/slack/callback"
DISCORD_CALLBACK_PATH: Final = "/signin/discord/callback"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class SlackEndpoints:
    """Sign in with Slack: the app's credentials and Slack's OpenID Connect endpoints."""

    client_id: str
    client_secret: SecretStr
    api_url: str  # ends with "/"

    @property
    def issuer(self) -> str:
        """`iss` of Slack's ID tokens: https://slack.com, the API's origin."""
        return _origin(self.api_url)

    @property
    def authorize_url(self) -> str:
        return self.issuer + "/openid/connect/authorize"

    @property
    def keys_url(self) -> str:
        return self.issuer + "/openid/connect/keys"

    @property
    def token_url(self) -> str:
        return self.api_url + "openid.connect.token"

    @property
    def userinfo_url(self) -> str:
        return self.api_url + "openid.connect.userInfo"


@dataclass(frozen=True)
class DiscordEndpoints:
    """Sign in with Discord: the app's credentials, the bot token (to read a guild's roles
    and owner, which the member's own token cannot) and Discord's OAuth2 endpoints."""

    client_id: str
    client_secret: SecretStr
    api_url: str  # no trailing "/"
    bot_token: SecretStr | None

    @property
    def authorize_url(self) -> str:
        return _origin(self.api_url) + "/oauth2/authorize"

    @property
    def token_url(self) -> str:
        return self.api_url + "/oauth2/token"


class _SignInEnvironment(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, extra="ignore")

    slack_client_id: str | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    slack_api_url: str = Field(default=SLACK_API_URL, validation_alias=_env("SLACK_API_URL"))
    discord_client_id: str | None = Field(default=None, validation_alias=_env("DISCORD_CLIENT_ID"))
    discord_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("DISCORD_CLIENT_SECRET")
    )
    discord_api_url: str = Field(default=DISCORD_API_URL, validation_alias=_env("DISCORD_API_URL"))
    discord_token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_TOKEN"))


@dataclass(frozen=True)
class SignInProviders:
    """The platforms a person can sign in with here; None where not configured."""

    slack: SlackEndpoints | None = None
    discord: DiscordEndpoints | None = None


def _checked_url(name: str, value: str) -> str:
    value = value.strip()
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: expected an http(s) URL, got {value!r}")
    return value


def load_sign_in_providers() -> SignInProviders:
    """The configured sign-ins, from the environment; a SettingsError names what to fix.

    A platform counts as configured when both its client id and secret are set; one
    without the other is a mistake worth a line at start-up, not a missing button later.
    """
    try:
        env = _SignInEnvironment()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a sign-in setting"
        raise SettingsError(f"{name}: {first['msg']}") from None
    slack = discord = None
    if bool(env.slack_client_id) != bool(env.slack_client_secret):
        raise SettingsError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: set both (Basic Information "
            "→ App Credentials) or neither"
        )
    if env.slack_client_id and env.slack_client_secret:
        api_url = _checked_url("SLACK_API_URL", env.slack_api_url)
        slack = SlackEndpoints(
            env.slack_client_id,
            env.slack_client_secret,
            api_url if api_url.endswith("/") else api_url + "/",
        )
    if bool(env.discord_client_id) != bool(env.discord_client_secret):
        raise SettingsError(
            "DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET go together: set both (Developer "
            "Portal → OAuth2) or neither"
        )
    if env.discord_client_id and env.discord_client_secret:
        discord = DiscordEndpoints(
            env.discord_client_id,
            env.discord_client_secret,
            _checked_url("DISCORD_API_URL", env.discord_api_url).rstrip("/"),
            env.discord_token,
        )
    return SignInProviders(slack=slack, discord=discord)
