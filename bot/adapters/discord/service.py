"""Wires the Discord adapter: REST base and gateway from settings, client, core and runner.

discord.py keeps its REST base (`Route.BASE`) and default gateway as class attributes, so
they are set here, once per process, before the client logs in: DISCORD_API_URL for REST
(a proxy such as nirn-proxy, a compatible server, or the tests' stand-in), and the gateway
that server names in `GET /gateway/bot` (or DISCORD_GATEWAY_URL), which discord.py also
falls back to after an invalid session.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.voice_client import VoiceClient

from bot.adapters.discord.client import PlnDiscordClient
from bot.adapters.discord.messenger import GLOBAL_RATE, DiscordMessenger
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.ops_http import HEALTH_PATH, METRICS_PATH, OpsListenError
from bot.adapters.pacing import Pacer, Sleep
from bot.adapters.runtime import AdapterStartError
from bot.app import App, build_app, web_wanted
from bot.config import Settings
from bot.core.clock import Clock
from bot.core.runner import Runner
from bot.store.database import Database
from bot.web.deps import WebSettings

log = logging.getLogger(__name__)

READY_TIMEOUT = 60.0


class DiscordStartError(AdapterStartError):
    """The bot cannot start on Discord; str() is one line saying what to fix."""


@dataclass
class DiscordService:
    settings: DiscordSettings
    app: App
    client: PlnDiscordClient
    pacer: Pacer
    core_settings: Settings | None = None  # PLN_HTTP_PORT for /healthz and /metrics
    _connection: asyncio.Task[None] | None = None

    @property
    def runner(self) -> Runner:
        return self.app.runner

    def banner(self) -> str:
        """How the runtime's banner describes this service once it has connected."""
        ops = self.app.ops_server
        if ops is None or self.core_settings is None:
            return f"Discord adapter, connected as {self.client.user}"
        where = f"{self.core_settings.http_host}:{ops.port}"
        return (
            f"Discord adapter, connected as {self.client.user}; "
            f"{HEALTH_PATH} and {METRICS_PATH} on {where}"
        )

    def _sign_in(self, page: WebSettings) -> WebSettings:
        """Sign in with Discord: this application's OAuth2 client, this process's
        DISCORD_API_URL, and its bot token to read a server's roles and owner."""
        token, secret = self.settings.token, self.settings.client_secret
        return replace(
            page,
            discord_client_id=self.settings.client_id,
            discord_client_secret=secret.get_secret_value() if secret is not None else None,
            discord_api_url=self.settings.api_url,
            discord_bot_token=token.get_secret_value() if token is not None else None,
        )

    async def start(self) -> None:
        """Log in, point the gateway, connect, wait for READY, then catch up on due work."""
        assert self.settings.token is not None
        if self.core_settings is not None:
            try:  # first: /healthz says "not started" (503) while the gateway connects
                await self.app.serve_ops(
                    self.core_settings,
                    with_web=web_wanted(self.core_settings, default=False),
                    sign_in=self._sign_in,
                )
            except OpsListenError as error:
                raise DiscordStartError(str(error)) from None
        Route.BASE = self.settings.api_url
        try:
            await self.client.login(self.settings.token.get_secret_value())
        except discord.LoginFailure:
            raise DiscordStartError(
                "Discord refused DISCORD_TOKEN: reset the bot token in the Developer Portal "
                "and set it again"
            ) from None
        except (discord.HTTPException, OSError) as error:
            raise DiscordStartError(
                f"cannot reach Discord at {self.settings.api_url} (DISCORD_API_URL): {error}"
            ) from None
        gateway = self.settings.gateway_url or await self._bot_gateway()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        self._connection = asyncio.create_task(self._connect(), name="discord-gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._connection}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            failure = self._connection.exception() if self._connection in done else None
            raise DiscordStartError(_connect_failure(failure))
        await self.app.runner.start()

    async def _bot_gateway(self) -> str:
        try:
            _shards, url, _limits = await self.client.http.get_bot_gateway()
        except discord.GatewayNotFound:
            raise DiscordStartError(
                f"{self.settings.api_url}/gateway/bot did not name a gateway (DISCORD_API_URL); "
                "set DISCORD_GATEWAY_URL to connect anyway"
            ) from None
        return url

    async def _connect(self) -> None:
        await self.client.connect(reconnect=True)

    async def stop(self) -> None:
        await self.app.drain()  # sends in flight need the client: finish them first
        await self.client.close()
        if self._connection is not None:
            self._connection.cancel()
        await self.app.close()


def _connect_failure(error: BaseException | None) -> str:
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return (
            "Discord refused a privileged intent this bot asked for; pln-bot needs none. "
            "Turn it on under Bot → Privileged Gateway Intents, or remove it from settings"
        )
    if error is not None:
        return f"could not connect to the Discord gateway: {type(error).__name__}: {error}"
    return f"the Discord gateway did not become ready within {READY_TIMEOUT:.0f} s"


def build_discord_service(
    settings: Settings,
    discord_settings: DiscordSettings,
    clock: Clock,
    *,
    sleep: Sleep = asyncio.sleep,
    guild_ready_timeout: float = 2.0,
) -> DiscordService:
    discord_settings.check()
    # pln-bot never joins a voice channel, so the voice libraries (PyNaCl, davey) are not
    # installed; without this, every start logs "... is not installed, voice will NOT be
    # supported" twice. discord.py clears the same flags itself after warning once.
    VoiceClient.warn_nacl = False
    VoiceClient.warn_dave = False
    pacer = Pacer(discord_settings.dm_rate, sleep=sleep)  # opening new DM channels
    messenger = DiscordMessenger(pacer, Pacer(GLOBAL_RATE, sleep=sleep))
    app = build_app(settings, clock, messenger, db=Database(settings.database_url))
    client = PlnDiscordClient(
        app.core, discord_settings.guild_ids, guild_ready_timeout=guild_ready_timeout
    )
    messenger.bind(client)  # the client needs the core, the core needs the messenger
    return DiscordService(
        settings=discord_settings, app=app, client=client, pacer=pacer, core_settings=settings
    )
