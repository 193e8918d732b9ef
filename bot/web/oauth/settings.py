"""Where each platform's OAuth endpoints are, from the web page's settings.

The adapter that serves the page fills those in from its own settings (`App.mount_web`'s
`sign_in`): the Slack process from SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_API_URL,
the Discord process from DISCORD_CLIENT_ID / DISCORD_CLIENT_SECRET / DISCORD_API_URL /
DISCORD_TOKEN, so one app registration serves the bot and its sign-in. The endpoints are
derived from the API URLs: pointing them at a stand-in moves the whole flow there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.web.deps import WebSettings

SLACK_CALLBACK_PATH: Final = "/signin/slack/callback"
DISCORD_CALLBACK_PATH: Final = "/signin/discord/callback"


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


def slack_endpoints(settings: WebSettings) -> SlackEndpoints | None:
    """Sign in with Slack, when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are both set."""
    if not (settings.slack_client_id and settings.slack_client_secret):
        return None
    api_url = settings.slack_api_url.strip()
    return SlackEndpoints(
        settings.slack_client_id,
        SecretStr(settings.slack_client_secret),
        api_url if api_url.endswith("/") else api_url + "/",
    )


def discord_endpoints(settings: WebSettings) -> DiscordEndpoints | None:
    """Sign in with Discord, when DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET are both set."""
    if not (settings.discord_client_id and settings.discord_client_secret):
        return None
    bot_token = settings.discord_bot_token
    return DiscordEndpoints(
        settings.discord_client_id,
        SecretStr(settings.discord_client_secret),
        settings.discord_api_url.strip().rstrip("/"),
        SecretStr(bot_token) if bot_token else None,
    )
