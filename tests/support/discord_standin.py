"""A local stand-in for Discord: the v10 REST API and the gateway websocket, over real sockets.

It is a real aiohttp server on 127.0.0.1 (an ephemeral port), so the Discord adapter is exercised
through discord.py's own HTTP client, rate-limit handling, gateway (zlib-stream, heartbeats,
RESUME), CommandTree, views and modals instead of mocks of them. discord.py has no public
setting for either address, so point it here with two class attributes (restore them after):

    discord.http.Route.BASE = standin.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway_url)

A plain `discord.Client` never asks GET /gateway/bot: `Client.connect` opens DEFAULT_GATEWAY, and
after READY it follows `resume_gateway_url` (this server again). Only `AutoShardedClient` asks
/gateway/bot. Every REST call is recorded in order (refused ones too); failures are injected the
way Discord reports them: 429 with bucket headers and `retry_after`, 5xx, and JSON error codes.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import itertools
import json
import math
import re
import secrets
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import BodyPartReader, WSCloseCode, WSMsgType, web

API_VERSION = 10
DISCORD_EPOCH_MS = 1_420_070_400_000
DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250
DEFAULT_BOT_USER_ID = "1100000000000000001"
DEFAULT_OWNER_ID = "1100000000000000002"
DEFAULT_BOT_NAME = "pln-bot"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what interactions announce (attachment_size_limit)
MAX_ATTACHMENTS = 10  # per message
MAX_REQUEST_BYTES = 25 * 1024 * 1024  # a bot's uploads in one message; beyond: 413, code 40005

# Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_GUILD_MESSAGE_TYPING = 1 << 11
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13
INTENT_DIRECT_MESSAGE_TYPING = 1 << 14
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Permission bits the tests care about; owners get every bit, as Discord computes it.
MANAGE_GUILD = 0x20
ADMINISTRATOR = 0x8
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = 0x6_3F_F7_0E_46_41  # Discord's default @everyone set (view, send, ...)

# Message flags and types used when the stand-in builds messages.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
MESSAGE_TYPE_DEFAULT = 0
MESSAGE_TYPE_CHAT_INPUT_COMMAND = 20

# Interaction types (what Discord sends) and callback types (what the bot answers).
INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5
CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9

# JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
CODE_UNKNOWN_CHANNEL = 10003
CODE_UNKNOWN_GUILD = 10004
CODE_UNKNOWN_MEMBER = 10007
CODE_UNKNOWN_MESSAGE = 10008
CODE_UNKNOWN_WEBHOOK = 10015
CODE_UNKNOWN_USER = 10013
CODE_UNKNOWN_APPLICATION_COMMAND = 10063
CODE_UNKNOWN_INTERACTION = 10062
CODE_OPENING_DMS_TOO_FAST = 40003
CODE_REQUEST_TOO_LARGE = 40005
CODE_ALREADY_ACKNOWLEDGED = 40060
CODE_MISSING_ACCESS = 50001
CODE_CANNOT_EDIT_OTHERS_MESSAGE = 50005
CODE_EMPTY_MESSAGE = 50006
CODE_CANNOT_MESSAGE_USER = 50007
CODE_INVALID_FORM_BODY = 50035

# Gateway close codes the stand-in uses.
CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_API_VERSION = 4012
CLOSE_INVALID_INTENTS = 4013
CLOSE_DISALLOWED_INTENTS = 4014

Snowflake = str | int
JsonDict = dict[str, Any]
T = TypeVar("T")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json_dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _compile_path_pattern(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """Turn "/channels/*/messages" or "/channels/{id}/messages" into a full-match regex.

    `*` and `{name}` each stand for one path segment; a compiled regex is used as it is.
    A leading "/api/v10" is dropped, since recorded paths are relative to the API base.
    """
    if isinstance(pattern, re.Pattern):
        return pattern
    prefix = f"/api/v{API_VERSION}"
    if pattern.startswith(prefix):
        pattern = pattern[len(prefix) :]
    pieces = re.split(r"(\{[^}]*\}|\*)", pattern)
    regex = "".join(
        "[^/]+" if piece.startswith("{") else "[^/]*" if piece == "*" else re.escape(piece)
        for piece in pieces
    )
    return re.compile(regex)


class _Snowflakes:
    """Snowflakes from the wall clock, strictly increasing even within one millisecond."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> str:
        from_clock = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(from_clock, self._last + 1)
        return str(self._last)


@dataclass
class RecordedFile:
    """One file part of a multipart request (discord.py sends files as `files[n]`)."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST call as the stand-in received it, with what it answered.

    `path` is relative to the API base ("/channels/1/messages"), `json` is the decoded body
    (or the `payload_json` part of a multipart body), and `headers` never holds Authorization:
    `authorized` says whether it carried an acceptable bot token, `token` which one.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    authorized: bool
    token: str | None
    files: list[RecordedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None

    def matches(self, method: str, path_pattern: str | re.Pattern[str]) -> bool:
        """True when `method` ("*" for any) and the path pattern both match this call."""
        method_ok = method == "*" or method.upper() == self.method
        return method_ok and _compile_path_pattern(path_pattern).fullmatch(self.path) is not None


@dataclass
class InteractionResponse:
    """What the bot did with one interaction, in order: the callback, then followups/edits.

    `kind` is "callback", "followup", "edit_original", "delete_original", "edit_followup" or
    "delete_followup"; `type` is the callback type for callbacks (4 message, 5 deferred,
    6 deferred update, 7 update, 8 autocomplete, 9 modal), else None.
    """

    kind: str
    type: int | None
    data: JsonDict
    message_id: str | None = None
    files: list[RecordedFile] = field(default_factory=list)

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def content(self) -> str | None:
        content = self.data.get("content")
        return None if content is None else str(content)


@dataclass
class _Fault:
    """An injected failure for the next `remaining` matching REST calls."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    answer: Callable[[str], _Answer]

    def applies(self, method: str, path: str) -> bool:
        method_ok = self.method == "*" or self.method.upper() == method
        return self.remaining > 0 and method_ok and self.pattern.fullmatch(path) is not None


@dataclass
class _Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Call:
    """A REST call being handled: route parameters plus the decoded body."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Callable[[_Call], Any]
    needs_auth: bool
    bucket: str


@dataclass
class _Guild:
    id: str
    name: str
    owner_id: str
    member_ids: list[str]
    member_permissions: dict[str, int]
    channel_ids: list[str]
    joined_at: str


@dataclass
class _Interaction:
    id: str
    token: str
    type: int
    payload: JsonDict
    user_id: str
    guild_id: str | None
    channel_id: str
    message_id: str | None
    created: float
    callback_type: int | None = None
    original_message_id: str | None = None
    responses: list[InteractionResponse] = field(default_factory=list)
    followup_ids: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Connection:
    """One gateway websocket; its zlib context lives as long as the socket, as on Discord."""

    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    query: dict[str, str]
    compressor: Any | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    session: _Session | None = None


@dataclass(eq=False)
class _Session:
    session_id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    events: list[JsonDict] = field(default_factory=list)
    connection: _Connection | None = None


class DiscordStandIn:
    """Discord's REST API and gateway on 127.0.0.1, recording what the bot does.

    Use as `async with DiscordStandIn() as discord_server:`; see the module docstring for how
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
        """
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

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port; loopback only, so tests never expose a listener."""
        self._changed = asyncio.Condition()
        self._gateway_lock = asyncio.Lock()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", f"/api/v{API_VERSION}/{{tail:.*}}", self._rest)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

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

    # -- addresses -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("DiscordStandIn is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """What discord.py must use as `discord.http.Route.BASE`."""
        return f"{self.base_url}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        """What discord.py must use as `DiscordWebSocket.DEFAULT_GATEWAY` (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # -- the world: users, guilds, channels ------------------------------------------------

    @property
    def bot_user(self) -> JsonDict:
        return copy.deepcopy(self._users[self.bot_user_id])

    def add_user(
        self,
        user_id: Snowflake,
        username: str,
        *,
        global_name: str | None = None,
        bot: bool = False,
    ) -> JsonDict:
        """Register a Discord user (a member of the network) and return its user object."""
        payload = self._user_payload(str(user_id), username, global_name=global_name, bot=bot)
        self._users[str(user_id)] = payload
        return copy.deepcopy(payload)

    def user(self, user_id: Snowflake) -> JsonDict:
        """The user object for `user_id`, creating "user<id>" when a test never added it."""
        key = str(user_id)
        if key not in self._users:
            self._users[key] = self._user_payload(key, f"user{key}")
        return copy.deepcopy(self._users[key])

    def add_guild(
        self,
        guild_id: Snowflake,
        name: str = "Test Guild",
        owner_id: Snowflake | None = None,
        members: Iterable[Snowflake] = (),
        *,
        member_permissions: Mapping[Snowflake, int] | None = None,
        channels: Sequence[str] = ("general",),
    ) -> str:
        """Add a guild the bot is in, with its members and text channels.

        Guilds added before IDENTIFY arrive as READY's unavailable guilds then GUILD_CREATE;
        announce later ones with `await announce_guild(guild_id)` (the bot "joins").
        `member_permissions` are the permission bits interactions report for a member
        (the owner always has all of them).
        """
        key = str(guild_id)
        member_ids = [str(m) for m in members]
        for member_id in member_ids:
            self.user(member_id)
        owner = str(owner_id) if owner_id is not None else (member_ids or [DEFAULT_OWNER_ID])[0]
        self.user(owner)
        if owner not in member_ids:
            member_ids.insert(0, owner)
        if self.bot_user_id not in member_ids:
            member_ids.append(self.bot_user_id)
        perms = {str(k): int(v) for k, v in (member_permissions or {}).items()}
        self._guilds[key] = _Guild(key, name, owner, member_ids, perms, [], _now_iso())
        for channel_name in channels:
            self.add_channel(key, channel_name)
        return key

    def add_member(self, guild_id: Snowflake, user_id: Snowflake, permissions: int = 0) -> None:
        guild = self._guild(str(guild_id))
        self.user(user_id)
        if str(user_id) not in guild.member_ids:
            guild.member_ids.append(str(user_id))
        guild.member_permissions[str(user_id)] = permissions

    def add_channel(
        self, guild_id: Snowflake, name: str, channel_id: Snowflake | None = None
    ) -> str:
        """Add a text channel to a guild and return its id."""
        guild = self._guild(str(guild_id))
        key = str(channel_id) if channel_id is not None else self._ids.next()
        self._channels[key] = {
            "id": key,
            "type": 0,
            "guild_id": guild.id,
            "name": name,
            "position": len(guild.channel_ids),
            "permission_overwrites": [],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        guild.channel_ids.append(key)
        return key

    def default_channel_id(self, guild_id: Snowflake) -> str:
        guild = self._guild(str(guild_id))
        if not guild.channel_ids:
            raise LookupError(f"guild {guild_id} has no channels")
        return guild.channel_ids[0]

    def dm_channel_id(self, user_id: Snowflake) -> str:
        """The bot's DM channel with `user_id`: one stable id per recipient, as on Discord."""
        key = str(user_id)
        if key not in self._dm_by_user:
            channel_id = self._ids.next()
            self._dm_by_user[key] = channel_id
            self._channels[channel_id] = {
                "id": channel_id,
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.user(key)],
            }
        return self._dm_by_user[key]

    async def announce_guild(self, guild_id: Snowflake) -> int | None:
        """Dispatch GUILD_CREATE for a guild added after READY (the bot was added to it)."""
        return await self.dispatch("GUILD_CREATE", self._guild_create_payload(str(guild_id)))

    # -- what the bot did ------------------------------------------------------------------

    def requests(
        self, method: str = "*", path_pattern: str | re.Pattern[str] = "*"
    ) -> list[RecordedRequest]:
        """Recorded calls matching `method` and a path pattern ("*"/"{x}": one segment)."""
        if path_pattern == "*":
            return [c for c in self.calls if method == "*" or c.method == method.upper()]
        return [c for c in self.calls if c.matches(method, path_pattern)]

    def message(self, message_id: Snowflake) -> JsonDict:
        """The latest version of a message (deleted ones too)."""
        return copy.deepcopy(self._messages[str(message_id)])

    def channel_messages(
        self, channel_id: Snowflake, *, include_deleted: bool = False
    ) -> list[JsonDict]:
        """Messages in a channel, oldest first, as currently stored (after edits)."""
        return [
            copy.deepcopy(self._messages[mid])
            for mid in self._message_order
            if self._messages[mid]["channel_id"] == str(channel_id)
            and (include_deleted or mid not in self._deleted_messages)
        ]

    def dm_messages(self, user_id: Snowflake) -> list[JsonDict]:
        """What the bot has posted in its DM with `user_id` (not the member's own messages)."""
        if str(user_id) not in self._dm_by_user:
            return []
        return [
            m
            for m in self.channel_messages(self._dm_by_user[str(user_id)])
            if m["author"]["id"] == self.bot_user_id
        ]

    def attachment_data(self, attachment: JsonDict | Snowflake) -> bytes:
        """The bytes of a stored attachment (a message's attachment object, or its id)."""
        key = attachment["id"] if isinstance(attachment, dict) else attachment
        return self._attachments[str(key)]

    def is_deleted(self, message_id: Snowflake) -> bool:
        return str(message_id) in self._deleted_messages

    def commands(self, guild_id: Snowflake | None = None) -> list[JsonDict]:
        """Registered application commands: global ones, or one guild's."""
        if guild_id is None:
            return copy.deepcopy(self._global_commands)
        return copy.deepcopy(self._guild_commands.get(str(guild_id), []))

    def interaction_responses(self, interaction_id: Snowflake) -> list[InteractionResponse]:
        """The callback, followups and edits the bot made for one interaction, in order."""
        return list(self._interactions[str(interaction_id)].responses)

    def interaction_payload(self, interaction_id: Snowflake) -> JsonDict:
        """The INTERACTION_CREATE data the stand-in dispatched."""
        return copy.deepcopy(self._interactions[str(interaction_id)].payload)

    def modal(self, interaction_id: Snowflake) -> JsonDict | None:
        """The modal (custom_id, title, components) shown in answer to an interaction."""
        return next(
            (copy.deepcopy(m) for iid, m in self._modals if iid == str(interaction_id)), None
        )

    @property
    def intents(self) -> int | None:
        """The intents the client sent in its latest IDENTIFY."""
        return self._session.intents if self._session is not None else None

    @property
    def session_id(self) -> str | None:
        return self._session.session_id if self._session is not None else None

    @property
    def connected(self) -> bool:
        session = self._session
        return session is not None and session.connection is not None

    # -- fault injection -------------------------------------------------------------------

    def rate_limit_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        times: int = 1,
        retry_after: float = 0.0,
        global_: bool = False,
    ) -> None:
        """Answer the next `times` matching calls with 429 as Discord does.

        Headers: Retry-After, X-RateLimit-{Limit,Remaining=0,Reset,Reset-After,Bucket,Scope},
        X-RateLimit-Global for global limits, and `Via` (discord.py treats a 429 without Via
        as a Cloudflare ban and raises instead of retrying). Body: message/retry_after/global.
        """

        def answer(bucket: str) -> _Answer:
            headers = {
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Scope": "global" if global_ else "user",
            }
            if global_:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(self._bucket_headers(bucket, remaining=0, reset_after=retry_after))
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": global_,
                "code": 0,
            }
            return _Answer(429, body, headers)

        self._add_fault(method, path_pattern, times, answer)

    def server_error_next(
        self, method: str, path_pattern: str | re.Pattern[str], times: int = 1, status: int = 500
    ) -> None:
        """Answer the next `times` matching calls with a 5xx.

        discord.py retries 500/502/504/524 after sleeping 1 + 2*attempt seconds (up to five
        tries) and raises DiscordServerError at once for other 5xx such as 503.
        """
        body = {"message": f"{status}: Server Error", "code": 0}
        self._add_fault(method, path_pattern, times, lambda _bucket: _Answer(status, body))

    def fail_dm(
        self,
        user_id: Snowflake,
        code: int = CODE_CANNOT_MESSAGE_USER,
        status: int = 403,
        message: str = "Cannot send messages to this user",
        *,
        times: int | None = None,
    ) -> None:
        """Refuse messages to `user_id`'s DM (they block DMs or left every shared guild).

        Lasts until `allow_dm(user_id)` unless `times` limits it. discord.py raises
        discord.Forbidden with `.code == 50007`.
        """
        self._dm_failures[str(user_id)] = (code, status, message, times)

    def allow_dm(self, user_id: Snowflake) -> None:
        self._dm_failures.pop(str(user_id), None)

    def dm_too_fast_next(self, times: int = 1, status: int = 403) -> None:
        """Refuse the next `times` DM openings (POST /users/@me/channels) with code 40003."""
        body = {"message": "You are opening direct messages too fast.", "code": 40003}
        self._add_fault("POST", "/users/@me/channels", times, lambda _bucket: _Answer(status, body))

    def accept_then_fail_next(self, times: int = 1) -> None:
        """The next `times` message posts are stored and delivered, then answered 500.

        The case a retry must not turn into a duplicate: Discord accepted the message but
        the answer was lost, so the client cannot know it was sent.
        """
        self._accept_then_fail += times

    def refuse_files_next(self, times: int = 1, status: int = 413) -> None:
        """The next `times` requests that carry files are refused with `status` and nothing
        is stored: 413 is Discord's "Request entity too large" (code 40005)."""
        self._refuse_files.extend([status] * times)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._dm_failures.clear()

    def _add_fault(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        times: int,
        answer: Callable[[str], _Answer],
    ) -> None:
        pattern = _compile_path_pattern(path_pattern)
        self._faults.append(_Fault(method, pattern, times, answer))

    # -- waiting for asynchronous side effects ---------------------------------------------

    async def notify_change(self) -> None:
        """Wake every `wait_for` to re-check its predicate.

        Called after every recorded REST call (once its answer is known) and every gateway
        state change (IDENTIFY, RESUME, disconnect); waiters never poll on a timer.
        """
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
        *,
        description: str = "the expected Discord traffic",
    ) -> T:
        """Return `predicate()`'s first truthy value, re-checked on every change.

        Raises TimeoutError naming `description` (never a message body: bodies may carry
        what a member wrote) when it is still falsy after `timeout` seconds.
        """
        try:
            async with asyncio.timeout(timeout), self._changed:
                return await self._changed.wait_for(predicate)
        except TimeoutError:
            raise TimeoutError(f"{description} did not happen within {timeout}s") from None

    async def wait_for_request(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        *,
        since: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> RecordedRequest:
        """The first matching call at index >= `since` in `calls` (pass len(calls) to skip)."""

        def find() -> RecordedRequest | None:
            return next((c for c in self.calls[since:] if c.matches(method, path_pattern)), None)

        found = await self.wait_for(find, timeout, description=f"{method} {path_pattern}")
        assert found is not None
        return found

    async def wait_for_responses(
        self,
        interaction_id: Snowflake,
        n: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[InteractionResponse]:
        """Wait until the bot has made at least `n` responses to an interaction."""
        key = str(interaction_id)
        await self.wait_for(
            lambda: len(self._interactions[key].responses) >= n,
            timeout,
            description=f"{n} response(s) to interaction {key}",
        )
        return self.interaction_responses(key)

    async def wait_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until READY and the GUILD_CREATEs have been sent to a client."""
        await self.wait_for(lambda: self._ready_sent, timeout, description="gateway READY")

    # -- gateway: test-side controls --------------------------------------------------------

    async def dispatch(self, event_name: str, data: JsonDict) -> int | None:
        """Send a dispatch (op 0) to the client and return its sequence number.

        With no socket open (the client is reconnecting) the event is kept and replayed on
        RESUME, as Discord does. Returns None when the client's intents exclude it.
        """
        async with self._gateway_lock:
            return await self._dispatch_locked(event_name, data)

    async def drop_connection(self, *, close_code: int | None = None) -> None:
        """Cut the gateway socket so the client RESUMEs.

        With no close_code the TCP connection is aborted (no close frame: a network drop);
        with one, a close frame with that code is sent (4000 is "unknown error, reconnect").
        Returns once the server side has seen the socket close.
        """
        session = self._session
        connection = session.connection if session is not None else None
        if connection is None:
            raise RuntimeError("no gateway connection to drop")
        if close_code is None and connection.transport is not None:
            connection.transport.abort()
        else:
            await connection.ws.close(code=close_code or 4000, message=b"dropped by the test")
        await connection.closed.wait()

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: discord.py closes the socket and RESUMEs."""
        await self._send(self._current_connection(), {"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; with resumable=False the client must IDENTIFY again.

        discord.py waits 5 s in `before_identify_hook` before a non-initial IDENTIFY;
        override that hook in tests that use this.
        """
        connection = self._current_connection()
        if not resumable:
            self._session = None  # Discord forgets it: a later RESUME gets op 9 again
            self._ready_sent = False
        await self._send(connection, {"op": 9, "d": resumable, "s": None, "t": None})

    # -- gateway: builders that dispatch what members do ------------------------------------

    async def slash_command_interaction(
        self,
        guild_id: Snowflake | None,
        user_id: Snowflake,
        name: str = "pln",
        subcommand: str | Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
        *,
        permissions: str | int | None = None,
        channel_id: Snowflake | None = None,
        locale: str = "en-US",
    ) -> str:
        """Dispatch `/name [group] [subcommand] option:value...` and return the interaction id.

        `subcommand` is "help" or "group sub" (or a sequence). Option types come from the
        synced command definition when there is one (else from the Python value).
        `permissions` defaults to the member's (all bits for the guild owner, "0" otherwise);
        pass 0x20 for Manage Guild. guild_id None: invoked in the bot's DM.
        """
        _command, data = self._command_data(guild_id, name, subcommand, options or {}, None)
        return await self._send_interaction(
            INTERACTION_APPLICATION_COMMAND,
            data,
            user_id=str(user_id),
            guild_id=None if guild_id is None else str(guild_id),
            channel_id=None if channel_id is None else str(channel_id),
            permissions=permissions,
            locale=locale,
        )

    async def autocomplete_interaction(
        self,
        guild_id: Snowflake | None,
        user_id: Snowflake,
        name: str = "pln",
        subcommand: str | Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        channel_id: Snowflake | None = None,
    ) -> str:
        """Dispatch an autocomplete request while the member types option `focused`."""
        _command, data = self._command_data(guild_id, name, subcommand, options or {}, focused)
        return await self._send_interaction(
            INTERACTION_AUTOCOMPLETE,
            data,
            user_id=str(user_id),
            guild_id=None if guild_id is None else str(guild_id),
            channel_id=None if channel_id is None else str(channel_id),
        )

    async def component_interaction(
        self,
        user_id: Snowflake,
        custom_id: str,
        message_id: Snowflake,
        channel_id: Snowflake | None = None,
        guild_id: Snowflake | None = None,
        *,
        component_type: int = 2,
        values: Sequence[str] | None = None,
    ) -> str:
        """Dispatch a button press (or select, with component_type 3 and `values`).

        The message must be one the stand-in knows (the bot sent it); its stored payload is
        included as Discord does, so discord.py finds the view by message id. In a DM there
        is no guild_id and the presser comes as `user`, not `member`.
        """
        message = self._messages.get(str(message_id))
        if message is None:
            raise LookupError(f"message {message_id} was never sent through the stand-in")
        data: JsonDict = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = list(values)
        guild = guild_id if guild_id is not None else message.get("guild_id")
        return await self._send_interaction(
            INTERACTION_MESSAGE_COMPONENT,
            data,
            user_id=str(user_id),
            guild_id=None if guild is None else str(guild),
            channel_id=str(channel_id) if channel_id is not None else message["channel_id"],
            message=copy.deepcopy(message),
        )

    async def modal_submit_interaction(
        self,
        user_id: Snowflake,
        custom_id: str,
        values: Mapping[str, str | Sequence[str]],
        *,
        guild_id: Snowflake | None = None,
        channel_id: Snowflake | None = None,
        message_id: Snowflake | None = None,
    ) -> str:
        """Dispatch the submission of a modal the bot showed, `values` by field custom_id.

        The submitted components mirror the recorded modal's layout (action rows or labels)
        and the guild/channel/message of the interaction that opened it are reused.
        """
        opened = next((m for m in reversed(self._modals) if m[1]["custom_id"] == custom_id), None)
        origin = self._interactions[opened[0]] if opened is not None else None
        if opened is not None:
            known = set(self._modal_field_ids(opened[1].get("components", [])))
            unknown = set(values) - known
            if unknown:
                raise KeyError(f"modal {custom_id!r} has no fields {sorted(unknown)}")
            components = [self._submitted(c, values) for c in opened[1].get("components", [])]
            components = [c for c in components if c is not None]
        else:
            components = [
                {"type": 1, "components": [self._submitted_field(4, cid, values)]} for cid in values
            ]
        guild = guild_id if guild_id is not None else (origin.guild_id if origin else None)
        channel = channel_id if channel_id is not None else (origin.channel_id if origin else None)
        message_key = (
            message_id if message_id is not None else (origin.message_id if origin else None)
        )
        message = self._messages.get(str(message_key)) if message_key is not None else None
        return await self._send_interaction(
            INTERACTION_MODAL_SUBMIT,
            {"custom_id": custom_id, "components": components},
            user_id=str(user_id),
            guild_id=None if guild is None else str(guild),
            channel_id=None if channel is None else str(channel),
            message=copy.deepcopy(message) if message is not None else None,
        )

    async def message_create(
        self,
        user_id: Snowflake,
        channel_id: Snowflake | None = None,
        content: str = "",
        message_id: Snowflake | None = None,
        guild_id: Snowflake | None = None,
    ) -> str:
        """A member posts a message (a DM to the bot by default); returns the message id."""
        guild_key = None if guild_id is None else str(guild_id)
        if channel_id is not None:
            channel_key = str(channel_id)
        elif guild_key is not None:
            channel_key = self.default_channel_id(guild_key)
        else:
            channel_key = self.dm_channel_id(user_id)
        channel = self._channels.get(channel_key)
        if channel is not None and guild_key is None:
            guild_key = channel.get("guild_id")
        key = str(message_id) if message_id is not None else self._ids.next()
        message: JsonDict = {
            "id": key,
            "channel_id": channel_key,
            "author": self.user(user_id),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": self._mentions(content, guild_key),
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": MESSAGE_TYPE_DEFAULT,
            "flags": 0,
            "components": [],
        }
        if guild_key is not None:
            message["guild_id"] = guild_key
            message["member"] = self._member_payload(guild_key, str(user_id), with_user=False)
        self._store_message(message)
        await self.dispatch("MESSAGE_CREATE", message)
        return key

    async def message_update(
        self,
        message_id: Snowflake,
        content: str | None = None,
        *,
        embeds: list[JsonDict] | None = None,
    ) -> str:
        """A member edits a message: MESSAGE_UPDATE with the full new message."""
        message = self._messages[str(message_id)]
        if content is not None:
            message["content"] = content
            message["mentions"] = self._mentions(content, message.get("guild_id"))
        if embeds is not None:
            message["embeds"] = embeds
        message["edited_timestamp"] = _now_iso()
        await self.dispatch("MESSAGE_UPDATE", copy.deepcopy(message))
        return str(message_id)

    # -- REST: plumbing --------------------------------------------------------------------

    def _add_routes(self) -> None:
        """The routes discord.py uses at login, sync, sending and interaction handling."""
        table: list[tuple[str, str, Callable[[_Call], Any], bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/users/@me/guilds", self._get_my_guilds, True),
            ("POST", "/users/@me/channels", self._create_dm, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/applications/{app_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{app_id}/commands", self._put_commands, True),
            ("POST", "/applications/{app_id}/commands", self._upsert_command, True),
            ("GET", "/applications/{app_id}/commands/{command_id}", self._get_command, True),
            ("PATCH", "/applications/{app_id}/commands/{command_id}", self._edit_command, True),
            ("DELETE", "/applications/{app_id}/commands/{command_id}", self._del_command, True),
            (
                "GET",
                "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
                self._command_permissions,
                True,
            ),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands, True),
            (
                "POST",
                "/applications/{app_id}/guilds/{guild_id}/commands",
                self._upsert_command,
                True,
            ),
            (
                "GET",
                "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}",
                self._get_command,
                True,
            ),
            (
                "PATCH",
                "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}",
                self._edit_command,
                True,
            ),
            (
                "DELETE",
                "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}",
                self._del_command,
                True,
            ),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("GET", "/channels/{channel_id}/messages", self._list_messages, True),
            ("POST", "/channels/{channel_id}/messages", self._post_message, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message, True),
            ("POST", "/channels/{channel_id}/typing", self._typing, True),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._add_reaction,
                True,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._remove_reaction,
                True,
            ),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels, True),
            ("GET", "/guilds/{guild_id}/roles", self._get_guild_roles, True),
            ("GET", "/guilds/{guild_id}/members", self._list_members, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, True),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback, False),
            ("POST", "/webhooks/{app_id}/{token}", self._followup, False),
            ("GET", "/webhooks/{app_id}/{token}/messages/@original", self._get_original, False),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/@original", self._edit_original, False),
            (
                "DELETE",
                "/webhooks/{app_id}/{token}/messages/@original",
                self._delete_original,
                False,
            ),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_followup, False),
            (
                "PATCH",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self._edit_followup,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self._delete_followup,
                False,
            ),
        ]
        for method, template, handler, needs_auth in table:
            regex = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))
            bucket = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
            self._routes.append(_Route(method, template, regex, handler, needs_auth, bucket))

    def _bucket_headers(self, bucket: str, *, remaining: int, reset_after: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }

    def _authorization(self, header: str | None) -> tuple[bool, str | None]:
        if not header or not header.startswith("Bot "):
            return False, None
        token = header[len("Bot ") :].strip()
        if not token:
            return False, None
        return (self.token is None or token == self.token), token

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        """Record the call, apply injected faults, then route it; unknown routes get 404."""
        path = "/" + request.match_info["tail"]
        method = request.method.upper()
        body, files = await self._read_body(request)
        authorized, token = self._authorization(request.headers.get("Authorization"))
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        record = RecordedRequest(
            method, path, dict(request.query), body, headers, authorized, token, files
        )
        answer = await self._answer(record)
        record.status = answer.status
        record.response = copy.deepcopy(answer.body)
        self.calls.append(record)
        await self.notify_change()
        response_headers = {"Via": "1.1 google", **answer.headers}
        if answer.body is None:
            return web.Response(status=answer.status, headers=response_headers)
        # Exactly "application/json": discord.py's json_or_text compares the whole header, so
        # aiohttp's usual "; charset=utf-8" suffix would make it see every body as text.
        response_headers["Content-Type"] = "application/json"
        return web.Response(
            status=answer.status,
            body=_json_dumps(answer.body).encode(),
            headers=response_headers,
        )

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[RecordedFile] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                data = await part.read(decode=False)
                name = part.name or ""
                if name == "payload_json":
                    body = json.loads(data.decode())
                else:
                    content_type = part.headers.get("Content-Type")
                    files.append(RecordedFile(name, part.filename, content_type, bytes(data)))
            return body, files
        text = await request.text()
        if not text:
            return None, []
        try:
            return json.loads(text), []
        except json.JSONDecodeError:
            return text, []

    async def _answer(self, record: RecordedRequest) -> _Answer:
        path_matches = [(r, r.regex.fullmatch(record.path)) for r in self._routes]
        candidates = [(r, m) for r, m in path_matches if m is not None]
        route_match = next(((r, m) for r, m in candidates if r.method == record.method), None)
        bucket = route_match[0].bucket if route_match else "unknown"
        for fault in self._faults:
            if fault.applies(record.method, record.path):
                fault.remaining -= 1
                return fault.answer(bucket)
        if record.files and self._refuse_files:
            status = self._refuse_files.pop(0)
            return self._error(status, CODE_REQUEST_TOO_LARGE, "Request entity too large")
        if route_match is None:
            if candidates:
                return _Answer(405, {"message": "405: Method Not Allowed", "code": 0})
            return _Answer(404, {"message": "404: Not Found", "code": 0})
        route, match = route_match
        if route.needs_auth and not record.authorized:
            return _Answer(401, {"message": "401: Unauthorized", "code": 0})
        call = _Call(
            record.method, record.path, match.groupdict(), record.query, record.json, record.files
        )
        answer: _Answer = await route.handler(call)
        if answer.status < 300:
            answer.headers.update(self._bucket_headers(bucket, remaining=4, reset_after=1.0))
        return answer

    @staticmethod
    def _error(status: int, code: int, message: str, errors: JsonDict | None = None) -> _Answer:
        body: JsonDict = {"message": message, "code": code}
        if errors is not None:
            body["errors"] = errors
        return _Answer(status, body)

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self._attachments.get(request.match_info["attachment_id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    # -- REST: users, gateway, application -------------------------------------------------

    async def _get_me(self, call: _Call) -> _Answer:
        me = self.bot_user
        me.update({"verified": True, "mfa_enabled": False, "flags": 0, "email": None})
        return _Answer(200, me)

    async def _get_my_guilds(self, call: _Call) -> _Answer:
        guilds: list[JsonDict] = [
            {
                "id": g.id,
                "name": g.name,
                "icon": None,
                "owner": False,
                "permissions": str(ALL_PERMISSIONS),
                "features": [],
            }
            for g in self._guilds.values()
        ]
        return _Answer(200, guilds)

    async def _get_user(self, call: _Call) -> _Answer:
        user = self._users.get(call.params["user_id"])
        if user is None:
            return self._error(404, CODE_UNKNOWN_USER, "Unknown User")
        return _Answer(200, copy.deepcopy(user))

    async def _create_dm(self, call: _Call) -> _Answer:
        recipient = (call.json or {}).get("recipient_id")
        if recipient is None:
            return self._error(
                400,
                CODE_INVALID_FORM_BODY,
                "Invalid Form Body",
                {"recipient_id": {"_errors": [{"code": "BASE_TYPE_REQUIRED"}]}},
            )
        channel_id = self.dm_channel_id(str(recipient))
        return _Answer(200, copy.deepcopy(self._channels[channel_id]))

    async def _get_gateway(self, call: _Call) -> _Answer:
        return _Answer(200, {"url": self.gateway_url})

    async def _get_gateway_bot(self, call: _Call) -> _Answer:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return _Answer(200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _get_application(self, call: _Call) -> _Answer:
        return _Answer(
            200,
            {
                "id": self.application_id,
                "name": self._users[self.bot_user_id]["username"],
                "icon": None,
                "description": "",
                "summary": "",
                "rpc_origins": [],
                "bot_public": False,
                "bot_require_code_grant": False,
                "bot": self.bot_user,
                "owner": self.user(DEFAULT_OWNER_ID),
                "team": None,
                "verify_key": "0" * 64,
                "flags": self.application_flags,
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
                "approximate_guild_count": len(self._guilds),
            },
        )

    # -- REST: application commands --------------------------------------------------------

    def _commands_for(self, call: _Call) -> list[JsonDict] | _Answer:
        if call.params["app_id"] != self.application_id:
            return self._error(403, CODE_MISSING_ACCESS, "Missing Access")
        guild_id = call.params.get("guild_id")
        if guild_id is None:
            return self._global_commands
        if guild_id not in self._guilds:
            return self._error(403, CODE_MISSING_ACCESS, "Missing Access")
        return self._guild_commands.setdefault(guild_id, [])

    def _stored_command(
        self, body: JsonDict, guild_id: str | None, existing: list[JsonDict]
    ) -> JsonDict:
        """A command as Discord echoes it: same id when name and type already exist."""
        kind = body.get("type", 1)
        old = next((c for c in existing if c["name"] == body["name"] and c["type"] == kind), None)
        stored: JsonDict = {
            "id": old["id"] if old else self._ids.next(),
            "application_id": self.application_id,
            "version": self._ids.next(),
            "type": kind,
            "name": body["name"],
            "description": body.get("description", ""),
            "options": body.get("options", []),
            "default_member_permissions": body.get("default_member_permissions"),
            "nsfw": body.get("nsfw", False),
        }
        for key in (
            "contexts",
            "integration_types",
            "dm_permission",
            "name_localizations",
            "description_localizations",
        ):
            if key in body:
                stored[key] = body[key]
        if guild_id is not None:
            stored["guild_id"] = guild_id
        return stored

    async def _list_commands(self, call: _Call) -> _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        return _Answer(200, copy.deepcopy(commands))

    async def _put_commands(self, call: _Call) -> _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        if not isinstance(call.json, list):
            return self._error(400, CODE_INVALID_FORM_BODY, "Invalid Form Body")
        guild_id = call.params.get("guild_id")
        replaced = [self._stored_command(body, guild_id, commands) for body in call.json]
        commands[:] = replaced
        return _Answer(200, copy.deepcopy(replaced))

    async def _upsert_command(self, call: _Call) -> _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        stored = self._stored_command(call.json or {}, call.params.get("guild_id"), commands)
        commands[:] = [c for c in commands if c["id"] != stored["id"]] + [stored]
        return _Answer(201, copy.deepcopy(stored))

    def _find_command(self, call: _Call) -> tuple[list[JsonDict], JsonDict] | _Answer:
        commands = self._commands_for(call)
        if isinstance(commands, _Answer):
            return commands
        found = next((c for c in commands if c["id"] == call.params["command_id"]), None)
        if found is None:
            return self._error(404, CODE_UNKNOWN_APPLICATION_COMMAND, "Unknown application command")
        return commands, found

    async def _get_command(self, call: _Call) -> _Answer:
        found = self._find_command(call)
        return found if isinstance(found, _Answer) else _Answer(200, copy.deepcopy(found[1]))

    async def _edit_command(self, call: _Call) -> _Answer:
        found = self._find_command(call)
        if isinstance(found, _Answer):
            return found
        found[1].update(call.json or {})
        found[1]["version"] = self._ids.next()
        return _Answer(200, copy.deepcopy(found[1]))

    async def _del_command(self, call: _Call) -> _Answer:
        found = self._find_command(call)
        if isinstance(found, _Answer):
            return found
        found[0].remove(found[1])
        return _Answer(204)

    async def _command_permissions(self, call: _Call) -> _Answer:
        return _Answer(200, [])

    # -- REST: channels and messages -------------------------------------------------------

    async def _get_channel(self, call: _Call) -> _Answer:
        channel = self._channels.get(call.params["channel_id"])
        if channel is None:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        return _Answer(200, copy.deepcopy(channel))

    async def _list_messages(self, call: _Call) -> _Answer:
        channel_id = call.params["channel_id"]
        if channel_id not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        limit = int(call.query.get("limit", "50"))
        messages = self.channel_messages(channel_id)
        if "before" in call.query:
            messages = [m for m in messages if int(m["id"]) < int(call.query["before"])]
        if "after" in call.query:
            messages = [m for m in messages if int(m["id"]) > int(call.query["after"])]
        return _Answer(200, list(reversed(messages))[:limit])

    def _validate_message(self, body: JsonDict, files: list[RecordedFile]) -> _Answer | None:
        """Discord's limits that a bot realistically hits: length, embeds, components."""
        errors: JsonDict = {}
        content = body.get("content")
        if isinstance(content, str) and len(content) > 2000:
            errors["content"] = {
                "_errors": [
                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
                ]
            }
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            errors["embeds"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        for index, embed in enumerate(embeds):
            if len(embed.get("title") or "") > 256 or len(embed.get("description") or "") > 4096:
                errors.setdefault("embeds", {})[str(index)] = {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]
                }
        rows = body.get("components") or []
        is_v2 = bool(int(body.get("flags") or 0) & (1 << 15))
        if not is_v2 and len(rows) > 5:
            errors["components"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        for component in self._walk_components(rows):
            if (
                len(component.get("custom_id") or "") > 100
                or len(component.get("label") or "") > 80
            ):
                errors["components"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        if len(files) > MAX_ATTACHMENTS:
            errors["attachments"] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}
        if errors:
            return self._error(400, CODE_INVALID_FORM_BODY, "Invalid Form Body", errors)
        if sum(len(file.data) for file in files) > MAX_REQUEST_BYTES:
            return self._error(413, CODE_REQUEST_TOO_LARGE, "Request entity too large")
        empty = not content and not embeds and not rows and not files
        if empty and not body.get("poll") and not body.get("sticker_ids"):
            return self._error(400, CODE_EMPTY_MESSAGE, "Cannot send an empty message")
        return None

    @staticmethod
    def _walk_components(components: Iterable[JsonDict]) -> Iterable[JsonDict]:
        for component in components:
            yield component
            yield from DiscordStandIn._walk_components(component.get("components") or [])
            if isinstance(component.get("component"), dict):
                yield from DiscordStandIn._walk_components([component["component"]])
            if isinstance(component.get("accessory"), dict):
                yield component["accessory"]

    def _number_components(self, components: list[JsonDict]) -> list[JsonDict]:
        """Discord gives every component a numeric `id` when the sender left it out."""
        numbered = copy.deepcopy(components)
        for component in self._walk_components(numbered):
            component.setdefault("id", next(self._component_ids))
        return numbered

    def _bot_message(
        self,
        channel_id: str,
        body: JsonDict,
        files: list[RecordedFile],
        *,
        interaction: _Interaction | None = None,
        flags: int = 0,
    ) -> JsonDict:
        """A message authored by the bot, as Discord returns and stores it."""
        channel = self._channels.get(channel_id, {})
        key = self._ids.next()
        attachments = self._store_attachments(body, files)
        embeds = body.get("embeds")
        if embeds is None and body.get("embed") is not None:
            embeds = [body["embed"]]
        message: JsonDict = {
            "id": key,
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": self._mentions(body.get("content") or "", channel.get("guild_id")),
            "mention_roles": [],
            "attachments": attachments,
            "embeds": embeds or [],
            "pinned": False,
            "type": MESSAGE_TYPE_DEFAULT,
            "flags": int(body.get("flags") or 0) | flags,
            "components": self._number_components(body.get("components") or []),
        }
        if channel.get("guild_id") is not None:
            message["guild_id"] = channel["guild_id"]
        for key_name in ("nonce", "message_reference", "poll"):
            if body.get(key_name) is not None:
                message[key_name] = body[key_name]
        if interaction is not None:
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
            if interaction.type == INTERACTION_APPLICATION_COMMAND:
                message["type"] = MESSAGE_TYPE_CHAT_INPUT_COMMAND
            message["interaction_metadata"] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": self.user(interaction.user_id),
                "authorizing_integration_owners": {"0": interaction.guild_id or "0"},
            }
        return message

    def _store_attachments(self, body: JsonDict, files: list[RecordedFile]) -> list[JsonDict]:
        """Attachment objects for uploaded files, with the description payload_json gave them
        (discord.py lists each file as {"id": n, "description": ...} under "attachments")."""
        described = {
            str(item.get("id")): item.get("description")
            for item in body.get("attachments") or []
            if isinstance(item, dict)
        }
        attachments = []
        for index, file in enumerate(files):
            attachment_id = self._ids.next()
            self._attachments[attachment_id] = file.data
            url = f"{self.base_url}/attachments/{attachment_id}/{file.filename or 'file'}"
            attachment: JsonDict = {
                "id": attachment_id,
                "filename": file.filename or "file",
                "size": len(file.data),
                "url": url,
                "proxy_url": url,
                "content_type": file.content_type,
            }
            if described.get(str(index)):
                attachment["description"] = described[str(index)]
            attachments.append(attachment)
        return attachments

    def _store_message(self, message: JsonDict) -> None:
        self._messages[message["id"]] = message
        self._message_order.append(message["id"])
        channel = self._channels.get(message["channel_id"])
        if channel is not None:
            channel["last_message_id"] = message["id"]

    async def _echo(self, event: str, message: JsonDict) -> None:
        """Tell the bot about its own message, as Discord does (never for ephemeral ones)."""
        if not self.echo_bot_messages or self._session is None:
            return
        if int(message.get("flags") or 0) & FLAG_EPHEMERAL:
            return
        if event == "MESSAGE_DELETE":
            data = {"id": message["id"], "channel_id": message["channel_id"]}
            if message.get("guild_id"):
                data["guild_id"] = message["guild_id"]
            await self.dispatch(event, data)
        else:
            await self.dispatch(event, copy.deepcopy(message))

    def _dm_failure(self, channel_id: str) -> _Answer | None:
        recipient = next((u for u, c in self._dm_by_user.items() if c == channel_id), None)
        if recipient is None or recipient not in self._dm_failures:
            return None
        code, status, message, times = self._dm_failures[recipient]
        if times is not None:
            if times <= 1:
                del self._dm_failures[recipient]
            else:
                self._dm_failures[recipient] = (code, status, message, times - 1)
        return self._error(status, code, message)

    async def _post_message(self, call: _Call) -> _Answer:
        channel_id = call.params["channel_id"]
        if channel_id not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        refused = self._dm_failure(channel_id)
        if refused is not None:
            return refused
        body = call.json if isinstance(call.json, dict) else {}
        invalid = self._validate_message(body, call.files)
        if invalid is not None:
            return invalid
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            earlier = self._nonces.get((channel_id, str(nonce)))
            if earlier is not None:
                return _Answer(200, copy.deepcopy(self._messages[earlier]))
        message = self._bot_message(channel_id, body, call.files)
        if nonce is not None:
            self._nonces[(channel_id, str(nonce))] = message["id"]
        self._store_message(message)
        await self._echo("MESSAGE_CREATE", message)
        if self._accept_then_fail > 0:
            self._accept_then_fail -= 1
            return self._error(500, 0, "500: Internal Server Error")
        return _Answer(200, copy.deepcopy(message))

    def _channel_message(self, call: _Call) -> JsonDict | _Answer:
        if call.params["channel_id"] not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        message = self._messages.get(call.params["message_id"])
        if (
            message is None
            or message["channel_id"] != call.params["channel_id"]
            or message["id"] in self._deleted_messages
        ):
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        return message

    async def _get_message(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        return message if isinstance(message, _Answer) else _Answer(200, copy.deepcopy(message))

    def _apply_edit(self, message: JsonDict, body: JsonDict, files: list[RecordedFile]) -> None:
        if "content" in body:
            message["content"] = body["content"] or ""
            message["mentions"] = self._mentions(message["content"], message.get("guild_id"))
        if "embeds" in body:
            message["embeds"] = body["embeds"] or []
        if "components" in body:
            message["components"] = self._number_components(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            message["flags"] = int(body["flags"]) | (message["flags"] & FLAG_EPHEMERAL)
        if "attachments" in body and not files:
            kept = {str(a.get("id")) for a in body["attachments"] or []}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in kept]
        elif files:  # new uploads join the attachments the message already had
            message["attachments"] = [
                *message["attachments"],
                *self._store_attachments(body, files),
            ]
        message["flags"] = int(message.get("flags") or 0) & ~FLAG_LOADING
        message["edited_timestamp"] = _now_iso()

    async def _edit_message(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        if message["author"]["id"] != self.bot_user_id:
            return self._error(
                403,
                CODE_CANNOT_EDIT_OTHERS_MESSAGE,
                "Cannot edit a message authored by another user",
            )
        self._apply_edit(message, call.json if isinstance(call.json, dict) else {}, call.files)
        await self._echo("MESSAGE_UPDATE", message)
        return _Answer(200, copy.deepcopy(message))

    async def _delete_message(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        self._deleted_messages.add(message["id"])
        await self._echo("MESSAGE_DELETE", message)
        return _Answer(204)

    async def _typing(self, call: _Call) -> _Answer:
        if call.params["channel_id"] not in self._channels:
            return self._error(404, CODE_UNKNOWN_CHANNEL, "Unknown Channel")
        return _Answer(204)

    async def _add_reaction(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        self.reactions.append((message["channel_id"], message["id"], call.params["emoji"]))
        return _Answer(204)

    async def _remove_reaction(self, call: _Call) -> _Answer:
        message = self._channel_message(call)
        if isinstance(message, _Answer):
            return message
        entry = (message["channel_id"], message["id"], call.params["emoji"])
        if entry in self.reactions:
            self.reactions.remove(entry)
        return _Answer(204)

    # -- REST: guilds ----------------------------------------------------------------------

    def _guild(self, guild_id: str) -> _Guild:
        try:
            return self._guilds[guild_id]
        except KeyError:
            raise LookupError(f"unknown guild {guild_id}; add it with add_guild") from None

    def _everyone_role(self, guild: _Guild) -> JsonDict:
        return {
            "id": guild.id,
            "name": "@everyone",
            "permissions": str(EVERYONE_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }

    def _member_payload(self, guild_id: str, user_id: str, *, with_user: bool = True) -> JsonDict:
        guild = self._guild(guild_id)
        member: JsonDict = {
            "roles": [],
            "nick": None,
            "avatar": None,
            "joined_at": guild.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            member["user"] = self.user(user_id)
        return member

    def _member_permissions(self, guild_id: str, user_id: str) -> int:
        guild = self._guild(guild_id)
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        return guild.member_permissions.get(user_id, 0)

    def _guild_object(self, guild: _Guild) -> JsonDict:
        return {
            "id": guild.id,
            "name": guild.name,
            "owner_id": guild.owner_id,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "features": [],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": guild.channel_ids[0] if guild.channel_ids else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500_000,
            "max_video_channel_users": 25,
            "roles": [self._everyone_role(guild)],
            "emojis": [],
            "stickers": [],
        }

    def _guild_create_payload(self, guild_id: str) -> JsonDict:
        """GUILD_CREATE as Discord sends it; without GUILD_MEMBERS only the bot's own member."""
        guild = self._guild(guild_id)
        intents = self._session.intents if self._session is not None else 0
        with_members = not self.enforce_intents or bool(intents & INTENT_GUILD_MEMBERS)
        member_ids = guild.member_ids if with_members else [self.bot_user_id]
        payload = self._guild_object(guild)
        payload.update(
            {
                "joined_at": guild.joined_at,
                "large": False,
                "unavailable": False,
                "member_count": len(guild.member_ids),
                "members": [self._member_payload(guild.id, uid) for uid in member_ids],
                "channels": [copy.deepcopy(self._channels[cid]) for cid in guild.channel_ids],
                "threads": [],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
                "lazy": True,
            }
        )
        return payload

    async def _get_guild(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        payload = self._guild_object(guild)
        if call.query.get("with_counts") in {"true", "1"}:
            payload["approximate_member_count"] = len(guild.member_ids)
            payload["approximate_presence_count"] = 0
        return _Answer(200, payload)

    async def _get_guild_channels(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        return _Answer(200, [copy.deepcopy(self._channels[c]) for c in guild.channel_ids])

    async def _get_guild_roles(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        return _Answer(200, [self._everyone_role(guild)])

    async def _list_members(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        after = int(call.query.get("after", "0"))
        limit = int(call.query.get("limit", "1"))
        ids = sorted(int(u) for u in guild.member_ids if int(u) > after)[:limit]
        return _Answer(200, [self._member_payload(guild.id, str(u)) for u in ids])

    async def _get_member(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        if call.params["user_id"] not in guild.member_ids:
            return self._error(404, CODE_UNKNOWN_MEMBER, "Unknown Member")
        return _Answer(200, self._member_payload(guild.id, call.params["user_id"]))

    # -- REST: interaction callbacks and webhooks -----------------------------------------

    def _interaction_by_token(self, app_id: str, token: str) -> _Interaction | None:
        if app_id != self.application_id:
            return None
        return next((i for i in self._interactions.values() if i.token == token), None)

    async def _callback(self, call: _Call) -> _Answer:
        """POST /interactions/{id}/{token}/callback: the one initial response Discord allows."""
        interaction = self._interactions.get(call.params["interaction_id"])
        if interaction is None or interaction.token != call.params["token"]:
            return self._error(404, CODE_UNKNOWN_INTERACTION, "Unknown interaction")
        expired = (
            self.interaction_deadline is not None
            and time.monotonic() - interaction.created > self.interaction_deadline
        )
        if expired and interaction.callback_type is None:
            return self._error(404, CODE_UNKNOWN_INTERACTION, "Unknown interaction")
        if interaction.callback_type is not None:
            return self._error(
                400, CODE_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
            )
        body = call.json if isinstance(call.json, dict) else {}
        kind = int(body.get("type", 0))
        data: JsonDict = body.get("data") or {}
        if kind == CALLBACK_CHANNEL_MESSAGE:
            invalid = self._validate_message(data, call.files)
            if invalid is not None:
                return invalid
        if kind not in {
            CALLBACK_PONG,
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_UPDATE_MESSAGE,
            CALLBACK_UPDATE_MESSAGE,
            CALLBACK_AUTOCOMPLETE_RESULT,
            CALLBACK_MODAL,
        }:
            return self._error(400, CODE_INVALID_FORM_BODY, "Invalid Form Body")
        interaction.callback_type = kind
        message: JsonDict | None = None
        if kind == CALLBACK_CHANNEL_MESSAGE:
            message = self._bot_message(
                interaction.channel_id, data, call.files, interaction=interaction
            )
            self._store_message(message)
            await self._echo("MESSAGE_CREATE", message)
        elif kind == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | (int(data.get("flags") or 0) & FLAG_EPHEMERAL)
            message = self._bot_message(
                interaction.channel_id, {}, [], interaction=interaction, flags=flags
            )
            self._store_message(message)
        elif kind in {CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE}:
            if interaction.message_id is not None:
                message = self._messages.get(interaction.message_id)
            if message is not None and kind == CALLBACK_UPDATE_MESSAGE:
                self._apply_edit(message, data, call.files)
                await self._echo("MESSAGE_UPDATE", message)
        elif kind == CALLBACK_MODAL:
            components = self._number_components(data.get("components") or [])
            self._modals.append((interaction.id, {**copy.deepcopy(data), "components": components}))
        if message is not None:
            interaction.original_message_id = message["id"]
        interaction.responses.append(
            InteractionResponse(
                "callback", kind, copy.deepcopy(data), message["id"] if message else None
            )
        )
        if call.query.get("with_response") not in {"true", "True", "1"}:
            return _Answer(204)
        result: JsonDict = {"interaction": {"id": interaction.id, "type": interaction.type}}
        creates_message = kind in {
            CALLBACK_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_UPDATE_MESSAGE,
        }
        if message is not None and creates_message:
            flags = int(message.get("flags") or 0)
            result["interaction"].update(
                {
                    "response_message_id": message["id"],
                    "response_message_loading": bool(flags & FLAG_LOADING),
                    "response_message_ephemeral": bool(flags & FLAG_EPHEMERAL),
                }
            )
            result["resource"] = {"type": kind, "message": copy.deepcopy(message)}
        return _Answer(200, result)

    def _acknowledged(self, call: _Call) -> _Interaction | _Answer:
        interaction = self._interaction_by_token(call.params["app_id"], call.params["token"])
        if interaction is None or interaction.callback_type in {None, CALLBACK_MODAL}:
            # Discord only opens the interaction webhook once the interaction is acknowledged.
            return self._error(404, CODE_UNKNOWN_WEBHOOK, "Unknown Webhook")
        return interaction

    async def _followup(self, call: _Call) -> _Answer:
        interaction = self._acknowledged(call)
        if isinstance(interaction, _Answer):
            return interaction
        body = call.json if isinstance(call.json, dict) else {}
        invalid = self._validate_message(body, call.files)
        if invalid is not None:
            return invalid
        if interaction.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            original = self._messages.get(interaction.original_message_id or "")
            if original is not None and original["flags"] & FLAG_LOADING:
                # The first followup after a "thinking" defer fills in the loading message.
                self._apply_edit(original, body, call.files)
                original["edited_timestamp"] = None
                interaction.responses.append(
                    InteractionResponse(
                        "followup", None, copy.deepcopy(body), original["id"], list(call.files)
                    )
                )
                await self._echo("MESSAGE_CREATE", original)
                return self._maybe_wait(call, original)
        message = self._bot_message(
            interaction.channel_id, body, call.files, interaction=interaction
        )
        self._store_message(message)
        interaction.followup_ids.append(message["id"])
        interaction.responses.append(
            InteractionResponse(
                "followup", None, copy.deepcopy(body), message["id"], list(call.files)
            )
        )
        await self._echo("MESSAGE_CREATE", message)
        return self._maybe_wait(call, message)

    @staticmethod
    def _maybe_wait(call: _Call, message: JsonDict) -> _Answer:
        if call.query.get("wait") in {"true", "True", "1"}:
            return _Answer(200, copy.deepcopy(message))
        return _Answer(204)

    def _original(self, call: _Call) -> tuple[_Interaction, JsonDict] | _Answer:
        interaction = self._acknowledged(call)
        if isinstance(interaction, _Answer):
            return interaction
        message = self._messages.get(interaction.original_message_id or "")
        if message is None or message["id"] in self._deleted_messages:
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        return interaction, message

    async def _get_original(self, call: _Call) -> _Answer:
        found = self._original(call)
        return found if isinstance(found, _Answer) else _Answer(200, copy.deepcopy(found[1]))

    async def _edit_original(self, call: _Call) -> _Answer:
        found = self._original(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        body = call.json if isinstance(call.json, dict) else {}
        was_loading = bool(message["flags"] & FLAG_LOADING)
        self._apply_edit(message, body, call.files)
        interaction.responses.append(
            InteractionResponse("edit_original", None, copy.deepcopy(body), message["id"])
        )
        await self._echo("MESSAGE_CREATE" if was_loading else "MESSAGE_UPDATE", message)
        return _Answer(200, copy.deepcopy(message))

    async def _delete_original(self, call: _Call) -> _Answer:
        found = self._original(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        self._deleted_messages.add(message["id"])
        interaction.responses.append(
            InteractionResponse("delete_original", None, {}, message["id"])
        )
        await self._echo("MESSAGE_DELETE", message)
        return _Answer(204)

    def _followup_message(self, call: _Call) -> tuple[_Interaction, JsonDict] | _Answer:
        interaction = self._acknowledged(call)
        if isinstance(interaction, _Answer):
            return interaction
        message_id = call.params["message_id"]
        known = {*interaction.followup_ids, interaction.original_message_id}
        message = self._messages.get(message_id)
        if message_id not in known or message is None or message_id in self._deleted_messages:
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        return interaction, message

    async def _get_followup(self, call: _Call) -> _Answer:
        found = self._followup_message(call)
        return found if isinstance(found, _Answer) else _Answer(200, copy.deepcopy(found[1]))

    async def _edit_followup(self, call: _Call) -> _Answer:
        found = self._followup_message(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        body = call.json if isinstance(call.json, dict) else {}
        self._apply_edit(message, body, call.files)
        interaction.responses.append(
            InteractionResponse("edit_followup", None, copy.deepcopy(body), message["id"])
        )
        await self._echo("MESSAGE_UPDATE", message)
        return _Answer(200, copy.deepcopy(message))

    async def _delete_followup(self, call: _Call) -> _Answer:
        found = self._followup_message(call)
        if isinstance(found, _Answer):
            return found
        interaction, message = found
        self._deleted_messages.add(message["id"])
        interaction.responses.append(
            InteractionResponse("delete_followup", None, {}, message["id"])
        )
        await self._echo("MESSAGE_DELETE", message)
        return _Answer(204)

    # -- gateway: protocol -----------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        """One gateway connection: HELLO, then IDENTIFY or RESUME, heartbeats, dispatches.

        With `compress=zlib-stream` in the query every payload goes out as a binary frame from
        one zlib context per socket, flushed with Z_SYNC_FLUSH (ends 00 00 ff ff); without it
        (or for compressions the stand-in does not speak, like zstd-stream) as text frames,
        which discord.py also accepts.
        """
        ws = web.WebSocketResponse(max_msg_size=0, autoclose=True, autoping=True)
        await ws.prepare(request)
        query = dict(request.query)
        self.gateway_queries.append(query)
        compressor = zlib.compressobj() if query.get("compress") == "zlib-stream" else None
        transport = request.transport if isinstance(request.transport, asyncio.Transport) else None
        connection = _Connection(ws, transport, query, compressor)
        self._connections.add(connection)
        try:
            if query.get("v", str(API_VERSION)) != str(API_VERSION):
                await ws.close(code=CLOSE_INVALID_API_VERSION, message=b"Invalid API version")
                return ws
            if query.get("encoding", "json") != "json":
                await ws.close(code=CLOSE_DECODE_ERROR, message=b"Only JSON encoding here")
                return ws
            hello = {"heartbeat_interval": self.heartbeat_interval_ms}
            await self._send(connection, {"op": 10, "d": hello, "s": None, "t": None})
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await ws.close(code=CLOSE_DECODE_ERROR, message=b"Decode error")
                    break
                try:
                    payload = json.loads(message.data)
                except json.JSONDecodeError:
                    await ws.close(code=CLOSE_DECODE_ERROR, message=b"Decode error")
                    break
                await self._on_gateway_payload(connection, payload)
        finally:
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
            self._connections.discard(connection)
            connection.closed.set()
            await self.notify_change()
        return ws

    async def _on_gateway_payload(self, connection: _Connection, payload: JsonDict) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            self.heartbeat_count += 1
            await self._send(connection, {"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(connection, data or {})
        elif op == 6:
            await self._resume(connection, data or {})
        elif connection.session is None and op in {3, 4, 8}:
            await connection.ws.close(code=CLOSE_NOT_AUTHENTICATED, message=b"Not authenticated")
        elif op == 3:
            self.presence_updates.append(data or {})
        elif op == 4:
            pass  # voice state: the bot never joins voice
        elif op == 8:
            await self._request_members(data or {})
        else:
            await connection.ws.close(code=CLOSE_UNKNOWN_OPCODE, message=b"Unknown opcode")

    def _token_ok(self, token: Any) -> bool:
        if not isinstance(token, str) or not token:
            return False
        token = token.removeprefix("Bot ")
        return self.token is None or token == self.token

    async def _identify(self, connection: _Connection, data: JsonDict) -> None:
        """IDENTIFY: a new session, READY (with unavailable guilds), then GUILD_CREATEs."""
        if connection.session is not None:
            await connection.ws.close(code=CLOSE_ALREADY_AUTHENTICATED, message=b"Already auth")
            return
        if not self._token_ok(data.get("token")):
            await connection.ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Auth failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            await connection.ws.close(code=CLOSE_INVALID_INTENTS, message=b"Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~self.allowed_privileged_intents:
            await connection.ws.close(code=CLOSE_DISALLOWED_INTENTS, message=b"Disallowed intent")
            return
        self.identify_count += 1
        redacted = {k: v for k, v in data.items() if k != "token"}
        self.identify_payloads.append(redacted)
        shard = data.get("shard")
        async with self._gateway_lock:
            self._ready_sent = False
            session = _Session(secrets.token_hex(16), intents, shard)
            self._session = session
            connection.session = session
            session.connection = connection
            ready: JsonDict = {
                "v": API_VERSION,
                "user": self.bot_user,
                "guilds": [{"id": gid, "unavailable": True} for gid in self._guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": self.application_id, "flags": self.application_flags},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": [],
                "guild_join_requests": [],
                "user_settings": {},
                "_trace": ["discord-standin"],
            }
            if shard is not None:
                ready["shard"] = shard
            await self._dispatch_locked("READY", ready)
            for guild_id in self._guilds:
                await self._dispatch_locked("GUILD_CREATE", self._guild_create_payload(guild_id))
            self._ready_sent = True
        await self.notify_change()

    async def _resume(self, connection: _Connection, data: JsonDict) -> None:
        """RESUME: replay what the client missed (seq > its last), then RESUMED."""
        session = self._session
        valid = (
            session is not None
            and data.get("session_id") == session.session_id
            and self._token_ok(data.get("token"))
        )
        if not valid or session is None:
            await self._send(connection, {"op": 9, "d": False, "s": None, "t": None})
            return
        self.resume_count += 1
        async with self._gateway_lock:
            old = session.connection
            if old is not None and old is not connection:
                old.session = None
                await old.ws.close(code=4000, message=b"session resumed elsewhere")
            connection.session = session
            session.connection = connection
            last_seen = data.get("seq") or 0
            for frame in session.events:
                if frame["s"] > last_seen:
                    await self._send(connection, frame)
            await self._dispatch_locked("RESUMED", {"_trace": ["discord-standin"]})
        await self.notify_change()

    async def _request_members(self, data: JsonDict) -> None:
        """op 8 REQUEST_GUILD_MEMBERS (member chunking): one GUILD_MEMBERS_CHUNK per guild."""
        guild_ids = data.get("guild_id")
        for guild_id in guild_ids if isinstance(guild_ids, list) else [guild_ids]:
            guild = self._guilds.get(str(guild_id))
            if guild is None:
                continue
            wanted = data.get("user_ids")
            query = (data.get("query") or "").lower()
            limit = data.get("limit") or 0
            members = []
            for user_id in guild.member_ids:
                if wanted is not None and user_id not in {str(w) for w in wanted}:
                    continue
                if query and not self._users[user_id]["username"].lower().startswith(query):
                    continue
                members.append(self._member_payload(guild.id, user_id))
            if limit:
                members = members[:limit]
            chunk: JsonDict = {
                "guild_id": guild.id,
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce") is not None:
                chunk["nonce"] = data["nonce"]
            await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _allowed_for_intents(self, intents: int, event: str, data: JsonDict) -> JsonDict | None:
        """Discord's intent filtering: drop gated events, trim content without MESSAGE_CONTENT."""
        if not self.enforce_intents:
            return data
        in_guild = data.get("guild_id") is not None
        needed = {
            "GUILD_CREATE": INTENT_GUILDS,
            "GUILD_UPDATE": INTENT_GUILDS,
            "GUILD_DELETE": INTENT_GUILDS,
            "CHANNEL_CREATE": INTENT_GUILDS,
            "CHANNEL_UPDATE": INTENT_GUILDS,
            "CHANNEL_DELETE": INTENT_GUILDS,
            "GUILD_MEMBER_ADD": INTENT_GUILD_MEMBERS,
            "GUILD_MEMBER_UPDATE": INTENT_GUILD_MEMBERS,
            "GUILD_MEMBER_REMOVE": INTENT_GUILD_MEMBERS,
            "PRESENCE_UPDATE": INTENT_GUILD_PRESENCES,
            "MESSAGE_CREATE": INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES,
            "MESSAGE_UPDATE": INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES,
            "MESSAGE_DELETE": INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES,
            "MESSAGE_REACTION_ADD": (
                INTENT_GUILD_MESSAGE_REACTIONS if in_guild else INTENT_DIRECT_MESSAGE_REACTIONS
            ),
            "MESSAGE_REACTION_REMOVE": (
                INTENT_GUILD_MESSAGE_REACTIONS if in_guild else INTENT_DIRECT_MESSAGE_REACTIONS
            ),
            "TYPING_START": (
                INTENT_GUILD_MESSAGE_TYPING if in_guild else INTENT_DIRECT_MESSAGE_TYPING
            ),
        }.get(event, 0)
        if needed and not intents & needed:
            return None
        if event in {"MESSAGE_CREATE", "MESSAGE_UPDATE"} and in_guild:
            author = (data.get("author") or {}).get("id")
            mentioned = any(m.get("id") == self.bot_user_id for m in data.get("mentions", []))
            if (
                not intents & INTENT_MESSAGE_CONTENT
                and author != self.bot_user_id
                and not mentioned
            ):
                data = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
                data.pop("poll", None)
        return data

    async def _dispatch_locked(self, event: str, data: JsonDict) -> int | None:
        session = self._session
        if session is None:
            raise RuntimeError("no gateway session: the client has not sent IDENTIFY")
        shaped = self._allowed_for_intents(session.intents, event, copy.deepcopy(data))
        if shaped is None:
            return None
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": shaped}
        session.events.append(frame)
        if session.connection is not None:
            await self._send(session.connection, frame)
        return session.seq

    def _current_connection(self) -> _Connection:
        session = self._session
        connection = session.connection if session is not None else None
        if connection is None:
            raise RuntimeError("no identified gateway connection")
        return connection

    async def _send(self, connection: _Connection, payload: JsonDict) -> bool:
        """Send one gateway payload; False when the socket is already gone."""
        text = _json_dumps(payload)
        async with connection.lock:
            if connection.ws.closed:
                return False
            try:
                if connection.compressor is not None:
                    compressed = connection.compressor.compress(text.encode())
                    compressed += connection.compressor.flush(zlib.Z_SYNC_FLUSH)
                    await connection.ws.send_bytes(compressed)
                else:
                    await connection.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return False
        return True

    # -- gateway: interaction payloads -----------------------------------------------------

    def _command_data(
        self,
        guild_id: Snowflake | None,
        name: str,
        subcommand: str | Sequence[str] | None,
        options: Mapping[str, Any],
        focused: str | None,
    ) -> tuple[JsonDict | None, JsonDict]:
        """The `data` of a chat-input interaction, typed from the synced definition."""
        guild_key = None if guild_id is None else str(guild_id)
        command = None
        if guild_key is not None:
            command = next(
                (c for c in self._guild_commands.get(guild_key, []) if c["name"] == name), None
            )
        if command is None:
            command = next((c for c in self._global_commands if c["name"] == name), None)
        path = subcommand.split() if isinstance(subcommand, str) else list(subcommand or [])
        schema: list[JsonDict] = command.get("options", []) if command else []
        for part in path:
            found = next((o for o in schema if o.get("name") == part), None)
            schema = found.get("options", []) if found else []
        resolved: JsonDict = {}
        leaf = [
            self._option(key, value, schema, resolved, guild_key, key == focused)
            for key, value in options.items()
        ]
        nested = leaf
        for depth, part in reversed(list(enumerate(path))):
            kind = 2 if depth == 0 and len(path) == 2 else 1
            nested = [{"name": part, "type": kind, "options": nested}]
        data: JsonDict = {
            "id": command["id"] if command else self._ids.next(),
            "name": name,
            "type": 1,
            "options": nested,
        }
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return command, data

    def _option(
        self,
        name: str,
        value: Any,
        schema: list[JsonDict],
        resolved: JsonDict,
        guild_id: str | None,
        focused: bool,
    ) -> JsonDict:
        declared = next((o for o in schema if o.get("name") == name), None)
        if declared is not None:
            kind = int(declared["type"])
        elif isinstance(value, bool):
            kind = 5
        elif isinstance(value, int):
            kind = 4
        elif isinstance(value, float):
            kind = 10
        else:
            kind = 3
        option: JsonDict = {"name": name, "type": kind, "value": value}
        if kind in {6, 9} and not focused:  # USER (or MENTIONABLE naming a user)
            user_id = str(value)
            option["value"] = user_id
            resolved.setdefault("users", {})[user_id] = self.user(user_id)
            if guild_id is not None and user_id in self._guild(guild_id).member_ids:
                member = self._member_payload(guild_id, user_id, with_user=False)
                member["permissions"] = str(self._member_permissions(guild_id, user_id))
                resolved.setdefault("members", {})[user_id] = member
        elif kind == 7 and not focused:  # CHANNEL
            channel_id = str(value)
            option["value"] = channel_id
            channel = copy.deepcopy(self._channels.get(channel_id, {"id": channel_id, "type": 0}))
            channel["permissions"] = str(ALL_PERMISSIONS)
            resolved.setdefault("channels", {})[channel_id] = channel
        if focused:
            option["focused"] = True
            option["value"] = str(value)
        return option

    async def _send_interaction(
        self,
        kind: int,
        data: JsonDict,
        *,
        user_id: str,
        guild_id: str | None,
        channel_id: str | None,
        message: JsonDict | None = None,
        permissions: str | int | None = None,
        locale: str = "en-US",
    ) -> str:
        """Store and dispatch INTERACTION_CREATE; guild ones carry `member`, DM ones `user`."""
        interaction_id = self._ids.next()
        token = f"interaction-token-{interaction_id}-{secrets.token_hex(8)}"
        if guild_id is not None:
            channel_key = channel_id or self.default_channel_id(guild_id)
        else:
            channel_key = channel_id or self.dm_channel_id(user_id)
        payload: JsonDict = {
            "id": interaction_id,
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": channel_key,
            "channel": copy.deepcopy(self._channels.get(channel_key, {"id": channel_key})),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "authorizing_integration_owners": {"0": guild_id or "0"},
        }
        if guild_id is not None:
            self._guild(guild_id)
            member = self._member_payload(guild_id, user_id)
            if permissions is None:
                permissions = self._member_permissions(guild_id, user_id)
            member["permissions"] = str(permissions)
            payload.update(
                {
                    "guild_id": guild_id,
                    "guild": {"id": guild_id, "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "member": member,
                    "app_permissions": str(ALL_PERMISSIONS),
                    "context": 0,
                }
            )
        else:
            payload.update(
                {"user": self.user(user_id), "app_permissions": str(ALL_PERMISSIONS), "context": 1}
            )
        if message is not None:
            payload["message"] = message
        self._interactions[interaction_id] = _Interaction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=copy.deepcopy(payload),
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_key,
            message_id=message["id"] if message is not None else None,
            created=time.monotonic(),
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    def _modal_field_ids(self, components: Iterable[JsonDict]) -> list[str]:
        return [c["custom_id"] for c in self._walk_components(components) if "custom_id" in c]

    @staticmethod
    def _submitted_field(kind: int, custom_id: str, values: Mapping[str, Any]) -> JsonDict:
        value = values.get(custom_id)
        if kind == 4:
            return {"type": 4, "custom_id": custom_id, "value": "" if value is None else value}
        chosen = [] if value is None else [value] if isinstance(value, str) else list(value)
        return {"type": kind, "custom_id": custom_id, "values": chosen}

    def _submitted(self, component: JsonDict, values: Mapping[str, Any]) -> JsonDict | None:
        """What Discord sends back for one modal component: same layout, with the answers."""
        kind = component.get("type")
        if kind == 1:
            children = [self._submitted(c, values) for c in component.get("components", [])]
            return {"type": 1, "components": [c for c in children if c is not None]}
        if kind == 18:
            inner = self._submitted(component["component"], values)
            return {"type": 18, "id": component.get("id"), "component": inner}
        if kind == 10:
            return {"type": 10, "id": component.get("id")}
        if "custom_id" in component and isinstance(kind, int):
            submitted = self._submitted_field(kind, component["custom_id"], values)
            if "id" in component:
                submitted["id"] = component["id"]
            return submitted
        return None

    def _mentions(self, content: str, guild_id: str | None) -> list[JsonDict]:
        mentioned = []
        for user_id in dict.fromkeys(re.findall(r"<@!?(\d+)>", content)):
            user = self.user(user_id)
            if guild_id is not None and user_id in self._guild(guild_id).member_ids:
                user["member"] = self._member_payload(guild_id, user_id, with_user=False)
            mentioned.append(user)
        return mentioned

    @staticmethod
    def _user_payload(
        user_id: str, username: str, *, global_name: str | None = None, bot: bool = False
    ) -> JsonDict:
        payload: JsonDict = {
            "id": user_id,
            "username": username,
            "discriminator": "0",
            "global_name": global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if bot:
            payload["bot"] = True
        return payload
