"""What the pages need from the rest of the bot, handed over once by `mount_web`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.core.clock import Clock
from bot.core.service import PlnCore
from bot.store.database import Database


@dataclass(frozen=True)
class WebSettings:
    """The web page's part of the settings (bot.config.Settings and the platforms')."""

    base_url: str | None = None  # PLN_WEB_BASE_URL; None: the address it listens on
    # PLN_WEB_SECRET; None: a random one kept in the database (secrets stay out of reprs)
    secret: str | None = field(default=None, repr=False)
    # "Sign in with Slack / Discord" (docs/WEB.md): OAuth clients and the platforms' API
    # addresses (SLACK_API_URL, DISCORD_API_URL point them at the test stand-ins)
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    slack_api_url: str = "https://slack.com/api/"
    discord_client_id: str | None = None
    discord_client_secret: str | None = field(default=None, repr=False)
    discord_api_url: str = "https://discord.com/api/v10"
    # DISCORD_TOKEN: reads a server's roles and owner, for Manage Server at sign-in
    discord_bot_token: str | None = field(default=None, repr=False)

    @property
    def secure_cookies(self) -> bool:
        """Behind HTTPS the session cookie is only ever sent over HTTPS."""
        return (self.base_url or "").startswith("https://")

    @property
    def slack_sign_in(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def discord_sign_in(self) -> bool:
        return bool(self.discord_client_id and self.discord_client_secret)


# (platform, community external id, platform user id) -> whether the platform calls them
# an admin there; the adapter's reading, for sign-ins that do not carry it (Slack's OpenID)
PlatformAdminLookup = Callable[[str, str, str], Awaitable[bool]]


@dataclass(frozen=True)
class WebDeps:
    """The core (every write goes through it), the store (sessions and reads), the clock."""

    core: PlnCore
    db: Database
    clock: Clock
    settings: WebSettings
    platform_admin: PlatformAdminLookup | None = None


WEB_DEPS = web.AppKey("pln_web_deps", WebDeps)


def deps_of(request: web.Request) -> WebDeps:
    return request.app[WEB_DEPS]
