"""The gateway websocket: HELLO, IDENTIFY and RESUME, heartbeats, dispatches shaped by
intents, and the controls tests use to drop, reconnect or invalidate a session."""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import zlib
from typing import Any

from aiohttp import WSMsgType, web

from tests.support.discord_standin.constants import (
    API_VERSION,
    CLOSE_ALREADY_AUTHENTICATED,
    CLOSE_AUTHENTICATION_FAILED,
    CLOSE_DECODE_ERROR,
    CLOSE_DISALLOWED_INTENTS,
    CLOSE_INVALID_API_VERSION,
    CLOSE_INVALID_INTENTS,
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_UNKNOWN_OPCODE,
    PRIVILEGED_INTENTS,
    JsonDict,
    Snowflake,
)
from tests.support.discord_standin.intents import IntentShaping
from tests.support.discord_standin.model import _Connection, _json_dumps, _Session
from tests.support.discord_standin.observe import Observation


class Gateway(Observation, IntentShaping):
    """The gateway side of the stand-in: one session, its events replayed on RESUME."""

    token: str | None
    application_id: str
    heartbeat_interval_ms: int
    allowed_privileged_intents: int
    application_flags: int
    identify_count: int
    resume_count: int
    heartbeat_count: int
    identify_payloads: list[JsonDict]
    gateway_queries: list[dict[str, str]]
    presence_updates: list[JsonDict]
    _gateway_lock: asyncio.Lock
    _connections: set[_Connection]

    # -- gateway: session ------------------------------------------------------------------

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

    async def announce_guild(self, guild_id: Snowflake) -> int | None:
        """Dispatch GUILD_CREATE for a guild added after READY (the bot was added to it)."""
        return await self.dispatch("GUILD_CREATE", self._guild_create_payload(str(guild_id)))

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
