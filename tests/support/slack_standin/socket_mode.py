"""Socket Mode: the websocket clients connect to, envelopes sent to them, their acks, and
the disconnects and drops tests use to make them reconnect."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from tests.support.slack_standin.constants import APP_ID
from tests.support.slack_standin.waiting import Waiting


class SocketMode(Waiting):
    """The Socket Mode side of the stand-in."""

    socket_messages: list[dict[str, Any]]
    socket_connection_count: int
    _sockets: list[web.WebSocketResponse]
    _socket_change: asyncio.Event
    _pending_acks: dict[str, asyncio.Future[dict[str, Any]]]

    # -- Socket Mode -----------------------------------------------------------------------

    async def wait_socket_connected(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
        *,
        min_connections: int = 1,
    ) -> None:
        """Wait for an open client connection; `min_connections=2` waits out a reconnect."""
        try:
            async with asyncio.timeout(timeout):
                while not (self._sockets and self.socket_connection_count >= min_connections):
                    await self._socket_change.wait()
        except TimeoutError:
            raise TimeoutError(f"no Socket Mode client connected within {timeout}s") from None

    async def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any]:
        """Deliver an envelope to the newest connection and return the client's ack for it."""
        await self.wait_socket_connected(timeout)
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
        ack: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending_acks[envelope_id] = ack
        try:
            await self._sockets[-1].send_json(envelope)
            async with asyncio.timeout(timeout):
                return await ack
        except TimeoutError:
            message = f"no ack for {envelope_type} envelope {envelope_id} within {timeout}s"
            raise TimeoutError(message) from None
        finally:
            self._pending_acks.pop(envelope_id, None)

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the newest client to reconnect, as Slack does every few hours."""
        await self.wait_socket_connected()
        disconnect = {"type": "disconnect", "reason": reason, "debug_info": {"host": "standin"}}
        await self._sockets[-1].send_json(disconnect)

    async def socket_drop(self) -> None:
        """Close the newest connection without warning (a network drop or server restart)."""
        await self.wait_socket_connected()
        await self._sockets[-1].close(code=WSCloseCode.GOING_AWAY, message=b"dropped")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: greet with hello, then route acks; aiohttp autoping answers SDK pings."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {
                    "host": "standin",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": APP_ID},
            }
        )
        self._sockets.append(ws)
        self.socket_connection_count += 1
        self._notify_socket_change()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive_socket_text(message.data)
        finally:
            self._sockets.remove(ws)
            self._notify_socket_change()
        return ws

    def _receive_socket_text(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        self.socket_messages.append(message)
        ack = self._pending_acks.get(str(message.get("envelope_id")))
        if ack is not None and not ack.done():
            ack.set_result(message)

    def _notify_socket_change(self) -> None:
        """Wake every waiter, then arm a fresh event for the next change."""
        self._socket_change.set()
        self._socket_change = asyncio.Event()
