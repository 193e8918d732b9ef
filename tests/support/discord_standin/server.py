"""`DiscordStandIn`: the aiohttp app on 127.0.0.1 and its lifecycle, composed of the
REST, gateway, interaction and state modules of this package."""

from __future__ import annotations

import asyncio
import itertools
from types import TracebackType
from typing import Self

from aiohttp import WSCloseCode, web

from tests.support.discord_standin.constants import (
    API_VERSION,
    DEFAULT_BOT_NAME,
    DEFAULT_BOT_USER_ID,
    DEFAULT_HEARTBEAT_INTERVAL_MS,
    DEFAULT_OWNER_ID,
    PRIVILEGED_INTENTS,
    JsonDict,
    Snowflake,
)
from tests.support.discord_standin.faults import FaultInjection
from tests.support.discord_standin.interactions import Interactions
from tests.support.discord_standin.limits import DiscordLimitEnforcer, DiscordLimits
from tests.support.discord_standin.member_messages import MemberMessages
from tests.support.discord_standin.model import (
    Interceptor,
    _Connection,
    _Fault,
    _Guild,
    _Interaction,
    _Route,
    _Session,
    _Snowflakes,
)
from tests.support.discord_standin.oauth import DiscordOAuth
from tests.support.discord_standin.records import RecordedRequest
from tests.support.discord_standin.routes import Routes


class DiscordStandIn(Routes, Interactions, MemberMessages, FaultInjection):
    """Discord's REST API and gateway on 127.0.0.1, recording what the bot does.

    Use as `async with DiscordStandIn() as discord_server:`; see the package docstring for how
    discord.py is pointed here. Ids are snowflake strings; methods accept ints too.
    """

    def __init__(
        self,
        *,
        bot_user_id: Snowflake = DEFAULT_BOT_USER_ID,
        bot_name: str = DEFAULT_BOT_NAME,
        application_id: Snowflake | None = None,
        token: str | None = None,
        heartbeat_interval_ms: int = DEFAULT_HEARTBEAT_INTERVAL_MS,
        enforce_intents: bool = True,
        allowed_privileged_intents: int = PRIVILEGED_INTENTS,
        echo_bot_messages: bool = True,
        interaction_deadline: float | None = None,
        application_flags: int = 0,
        limits: DiscordLimits | None = None,
    ) -> None:
        """Configure the fake application.

        `token`: when set, only "Bot <token>" is accepted (REST 401, gateway close 4004);
        when None any non-empty bot token is. `enforce_intents`: filter and trim dispatches
        the way Discord does for the intents sent in IDENTIFY (no DMs without
        DIRECT_MESSAGES, no guild message content without MESSAGE_CONTENT).
        `allowed_privileged_intents`: privileged intents "enabled in the developer portal";
        asking for others closes the gateway with 4014. `echo_bot_messages`: send the bot
        MESSAGE_CREATE/UPDATE/DELETE for its own messages, as Discord does.
        `interaction_deadline`: seconds after which an unanswered interaction is unknown
        (Discord: 3.0); None disables the check so slow test machines do not flake.
        `limits`: enforce Discord's latency and rate limits (see `limits`); off by default.
        """
        self.limits = DiscordLimitEnforcer(limits) if limits is not None else None
        # Fault tests set this: called with each REST call and the port it came in on (see
        # `add_listener`) before it is answered; an answer returned replaces Discord's.
        self.intercept: Interceptor | None = None
        self.bot_user_id = str(bot_user_id)
        self.application_id = str(application_id if application_id is not None else bot_user_id)
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.enforce_intents = enforce_intents
        self.allowed_privileged_intents = allowed_privileged_intents
        self.echo_bot_messages = echo_bot_messages
        self.interaction_deadline = interaction_deadline
        self.application_flags = application_flags

        self.calls: list[RecordedRequest] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.identify_payloads: list[JsonDict] = []
        self.gateway_queries: list[dict[str, str]] = []
        self.presence_updates: list[JsonDict] = []
        self.reactions: list[tuple[str, str, str]] = []

        self._ids = _Snowflakes()
        self._users: dict[str, JsonDict] = {}
        self._guilds: dict[str, _Guild] = {}
        self._channels: dict[str, JsonDict] = {}
        self._dm_by_user: dict[str, str] = {}
        self._messages: dict[str, JsonDict] = {}
        self._message_order: list[str] = []
        self._deleted_messages: set[str] = set()
        self._nonces: dict[tuple[str, str], str] = {}
        self._attachments: dict[str, bytes] = {}
        self._global_commands: list[JsonDict] = []
        self._guild_commands: dict[str, list[JsonDict]] = {}
        self._interactions: dict[str, _Interaction] = {}
        self._modals: list[tuple[str, JsonDict]] = []
        self._faults: list[_Fault] = []
        self._accept_then_fail = 0  # messages stored, then answered 5xx (a lost answer)
        self._refuse_files: list[int] = []  # statuses for the next requests carrying files
        self._dm_failures: dict[str, tuple[int, int, str, int | None]] = {}
        self._component_ids = itertools.count(1)

        self._routes: list[_Route] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._changed = asyncio.Condition()
        self._gateway_lock = asyncio.Lock()
        self._connections: set[_Connection] = set()
        self._session: _Session | None = None
        self._ready_sent = False

        self._users[self.bot_user_id] = self._user_payload(self.bot_user_id, bot_name, bot=True)
        self._users[DEFAULT_OWNER_ID] = self._user_payload(DEFAULT_OWNER_ID, "pln-owner")
        self._add_routes()
        # Sign in with Discord (OAuth2) for the web page's sign-in tests
        self.oauth = DiscordOAuth(
            self._guilds,
            self.user,
            lambda guild_id, user_id: self._member_payload(guild_id, user_id),
        )

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port; loopback only, so tests never expose a listener."""
        self._changed = asyncio.Condition()
        self._gateway_lock = asyncio.Lock()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", f"/api/v{API_VERSION}/{{tail:.*}}", self._rest)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/oauth2/authorize", self.oauth.authorize)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def add_listener(self) -> str:
        """Listen on one more loopback port; its REST base (as `api_url`). Give each bot
        process its own, and `intercept` knows which process a call came from."""
        assert self._runner is not None, "start the stand-in first"
        before = set(self._runner.addresses)
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        (address,) = set(self._runner.addresses) - before
        return f"http://127.0.0.1:{address[1]}/api/v{API_VERSION}"

    async def stop(self) -> None:
        """Close gateway sockets first: open websocket handlers would hold up the shutdown.

        Close the discord.py client before this, or it will try to reconnect.
        """
        for connection in list(self._connections):
            await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"stand-in stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
