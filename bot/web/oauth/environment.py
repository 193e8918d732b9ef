"""The sign-in part of the web page's settings, read from the platforms' own variables.

SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_API_URL and DISCORD_CLIENT_ID /
DISCORD_CLIENT_SECRET / DISCORD_API_URL / DISCORD_TOKEN are the names the adapters and the
platforms' consoles use, so one app registration serves the bot and its sign-in, and a
stand-in's URL moves the whole flow in tests. A client id without its secret (or the other
way round) is refused at start-up in one line, rather than showing a button that fails.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import SettingsError
from bot.web.deps import WebSettings


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class _SignInEnvironment(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, extra="ignore")

    slack_client_id: str | None = Field(default=None, validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    slack_api_url: str | None = Field(default=None, validation_alias=_env("SLACK_API_URL"))
    discord_client_id: str | None = Field(default=None, validation_alias=_env("DISCORD_CLIENT_ID"))
    discord_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("DISCORD_CLIENT_SECRET")
    )
    discord_api_url: str | None = Field(default=None, validation_alias=_env("DISCORD_API_URL"))
    discord_token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_TOKEN"))


def _pair(id_name: str, client_id: str | None, secret: SecretStr | None, where: str) -> None:
    if bool(client_id) != bool(secret):
        secret_name = id_name.replace("_ID", "_SECRET")
        raise SettingsError(
            f"{id_name} and {secret_name} go together: set both ({where}) or neither"
        )


def _url(name: str, value: str | None, default: str) -> str:
    if value is None:
        return default
    value = value.strip()
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: expected an http(s) URL like {default}, got {value!r}")
    return value


def with_sign_in(settings: WebSettings) -> WebSettings:
    """`settings` with the Slack and Discord sign-in values from the environment."""
    try:
        env = _SignInEnvironment()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a sign-in setting"
        raise SettingsError(f"{name}: {first['msg']}") from None
    _pair(
        "SLACK_CLIENT_ID",
        env.slack_client_id,
        env.slack_client_secret,
        "Slack app → Basic Information → App Credentials",
    )
    _pair(
        "DISCORD_CLIENT_ID",
        env.discord_client_id,
        env.discord_client_secret,
        "Discord Developer Portal → your application → OAuth2",
    )
    return replace(
        settings,
        slack_client_id=env.slack_client_id,
        slack_client_secret=(
            env.slack_client_secret.get_secret_value() if env.slack_client_secret else None
        ),
        slack_api_url=_url("SLACK_API_URL", env.slack_api_url, settings.slack_api_url),
        discord_client_id=env.discord_client_id,
        discord_client_secret=(
            env.discord_client_secret.get_secret_value() if env.discord_client_secret else None
        ),
        discord_api_url=_url("DISCORD_API_URL", env.discord_api_url, settings.discord_api_url),
        discord_bot_token=env.discord_token.get_secret_value() if env.discord_token else None,
    )
