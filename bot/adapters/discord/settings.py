"""Discord settings from the environment: token, REST and gateway endpoints, guilds, pacing.

Apart from bot.config.Settings because only the Discord adapter needs them; the token is a
SecretStr so it never appears in a repr, a traceback or a log line.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config import SettingsError

DISCORD_API_URL: Final = "https://discord.com/api/v10"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class DiscordSettings(BaseSettings):
    """Everything the Discord adapter reads from the environment; see docs/DISCORD.md."""

    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, extra="ignore")

    token: SecretStr | None = Field(default=None, validation_alias=_env("DISCORD_TOKEN"))
    api_url: str = Field(default=DISCORD_API_URL, validation_alias=_env("DISCORD_API_URL"))
    gateway_url: str | None = Field(default=None, validation_alias=_env("DISCORD_GATEWAY_URL"))
    guild_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(), validation_alias=_env("PLN_DISCORD_GUILD_IDS")
    )
    dm_rate: float = Field(
        default=0.5, gt=0, le=50, validation_alias=_env("PLN_DISCORD_DM_RATE")
    )  # new DMs per second during a fan-out: conservative, Discord quarantines DM spammers
    # "Sign in with Discord" on the web page (docs/WEB.md): the application's OAuth2 client
    client_id: str | None = Field(default=None, validation_alias=_env("DISCORD_CLIENT_ID"))
    client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("DISCORD_CLIENT_SECRET")
    )

    @field_validator("api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        """discord.py appends paths that start with '/' to the base."""
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http(s) URL like {DISCORD_API_URL}, got {value!r}")
        return value

    @field_validator("guild_ids", mode="before")
    @classmethod
    def _guild_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdecimal() for part in parts):
                raise ValueError(f"expected comma-separated guild ids (numbers), got {value!r}")
            return tuple(int(part) for part in parts)
        return value

    def check(self) -> None:
        if self.token is None:
            raise SettingsError(
                "DISCORD_TOKEN is not set: find it in the Discord Developer Portal under your "
                "application → Bot → Reset Token (see docs/DISCORD.md)"
            )
        if bool(self.client_id) != bool(self.client_secret):
            raise SettingsError(
                "DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET go together: set both (Developer "
                "Portal → your application → OAuth2) for Sign in with Discord, or neither"
            )


def load_discord_settings() -> DiscordSettings:
    """Discord settings from the environment, checked; a SettingsError says what to fix."""
    try:
        settings = DiscordSettings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a Discord setting"
        raise SettingsError(f"{name}: {first['msg']}") from None
    settings.check()
    return settings
