"""A local stand-in for Slack: the Web API, response_url hooks and the Socket Mode websocket.

It is a real aiohttp server on 127.0.0.1 (an ephemeral port), so the adapter is exercised through
slack_sdk's own HTTP, retry and websocket code instead of mocks of it. Point a client at it with
`AsyncWebClient(base_url=standin.base_url, token="xoxb-test")`; every call is recorded in order
(refused ones too), and failures are injected per method or per user the way Slack reports them:
HTTP 429 with Retry-After, HTTP 5xx, or HTTP 200 with `{"ok": false, "error": ...}`.

File uploads work the way `files_upload_v2` expects: files.getUploadURLExternal hands out an
upload URL served here too, the client POSTs the bytes to it, and files.completeUploadExternal
shares the file in a channel; each completed file is kept in `uploads` with its bytes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

from aiohttp import WSCloseCode, WSMsgType, web

APP_ID = "A1"
APP_TOKEN = "xapp-test"
DEFAULT_TEAM_ID = "T1"
DEFAULT_BOT_TOKEN = "xoxb-test"

# Fields slack_sdk may send as JSON text inside a form body; decoded so tests compare objects.
JSON_TEXT_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files"})
FIRST_TS_MICROS = 1_700_000_000_000_100
UPLOAD_METHOD = "upload"  # the name refusals use for POSTs to an upload URL
TS_STEP_MICROS = 100

Answer = dict[str, Any]


@dataclass
class RecordedCall:
    """One Web API call as the stand-in received it, with what it answered."""

    method: str
    params: dict[str, Any]
    token: str | None
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when Slack would have accepted the call (HTTP 200 and `"ok": true`)."""
        return self.status == 200 and self.response.get("ok") is True


@dataclass
class UploadedFile:
    """A file shared by files.completeUploadExternal: what arrived, and where it went."""

    file_id: str
    filename: str
    title: str
    content: bytes
    channel: str
    initial_comment: str | None = None
    thread_ts: str | None = None


@dataclass
class _PendingUpload:
    """An upload URL handed out by files.getUploadURLExternal, and the bytes POSTed to it."""

    filename: str
    length: int
    team_id: str
    content: bytes | None = None


@dataclass(frozen=True)
class _Team:
    team_id: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    name: str


@dataclass(frozen=True)
class _Refusal:
    """An injected failure: 429 (with Retry-After), a 5xx, or HTTP 200 with an error."""

    status: int
    retry_after: int | None = None
    error: str | None = None

    def answer(self) -> tuple[int, Answer, dict[str, str]]:
        if self.error is not None:
            return self.status, {"ok": False, "error": self.error}, {}
        if self.retry_after is not None:
            body = {"ok": False, "error": "ratelimited"}
            return self.status, body, {"Retry-After": str(self.retry_after)}
        return self.status, {"ok": False, "error": "internal_error"}, {}


class _Fail(Exception):
    """Raised by a method handler to answer HTTP 200 `{"ok": false, "error": ...}` like Slack."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


Handler = Callable[[RecordedCall, _Team], Answer]


class SlackStandIn:
    """Slack's Web API, response_url hooks and Socket Mode websocket, served on 127.0.0.1."""

    app_token = APP_TOKEN

    def __init__(self) -> None:
        self.calls: list[RecordedCall] = []
        self.hook_posts: list[tuple[str, dict[str, Any]]] = []
        self.socket_messages: list[dict[str, Any]] = []  # everything clients sent on the socket
        self.socket_connection_count = 0  # connections accepted so far (reconnects included)
        self._teams: dict[str, _Team] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._failing_users: dict[str, str] = {}
        self._refusals: dict[str, deque[_Refusal]] = {}
        self._oauth: dict[str, dict[str, Any]] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.uploads: list[UploadedFile] = []
        self.upload_statuses: list[int] = []  # the HTTP status of every POST to an upload URL
        self._pending_uploads: dict[str, _PendingUpload] = {}
        self._file_numbers = itertools.count(1)
        self._views: dict[str, dict[str, Any]] = {}
        self._home_view_ids: dict[str, str] = {}
        self._ts_micros = itertools.count(FIRST_TS_MICROS, TS_STEP_MICROS)
        self._view_numbers = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_change = asyncio.Event()
        self._change = asyncio.Event()  # replaced on every notify_change(); see wait_for
        self._pending_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._bot_methods: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "users.info": self._users_info,
        }
        self.add_team(DEFAULT_TEAM_ID, bot_token=DEFAULT_BOT_TOKEN)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port; loopback only, so tests never expose a listener."""
        app = web.Application()
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/hooks/{name}", self._hook)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close sockets first: open websocket handlers would otherwise hold up the shutdown."""
        for future in self._pending_acks.values():
            if not future.done():
                future.set_exception(ConnectionResetError("SlackStandIn stopped before the ack"))
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"stand-in stopping")
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
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SlackStandIn is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Web API root with a trailing slash: slack_sdk appends the method name to it."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/socket"

    def response_url(self, name: str = "default") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    @staticmethod
    def dm_channel(user_id: str) -> str:
        """The DM channel id the stand-in gives a user: "D" + user id."""
        return "D" + user_id

    # -- set-up and failure injection ------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_owner: bool = False,
        team_id: str = DEFAULT_TEAM_ID,
        is_bot: bool = False,
    ) -> None:
        """Make users.info know this user (with tz_offset computed for today from `tz`)."""
        offset = ZoneInfo(tz).utcoffset(datetime.now(UTC))
        self._users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "real_name": name,
            "deleted": False,
            "tz": tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": is_bot,
            "profile": {"display_name": name, "real_name": name},
        }

    def add_team(
        self,
        team_id: str,
        *,
        bot_token: str,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        name: str = "",
    ) -> None:
        """Install the app in a workspace; re-adding a team retires its previous bot token."""
        self._teams = {token: t for token, t in self._teams.items() if t.team_id != team_id}
        self._teams[bot_token] = _Team(team_id, bot_token, bot_user_id, bot_id, name or team_id)

    def fail_user(self, user_id: str, error: str = "user_not_found") -> None:
        """DMs to this user (chat.postMessage, conversations.open) answer ok=false `error`."""
        self._failing_users[user_id] = error

    def rate_limit_next(self, method: str, times: int, retry_after: int = 0) -> None:
        """The next `times` calls of `method` get HTTP 429 with a Retry-After header."""
        queue = self._refusals.setdefault(method, deque())
        queue.extend(_Refusal(429, retry_after) for _ in range(times))

    def server_error_next(self, method: str, times: int, status: int = 500) -> None:
        """The next `times` calls of `method` get HTTP `status` (Slack's occasional 5xx);
        `UPLOAD_METHOD` refuses POSTs of file bytes to upload URLs instead."""
        queue = self._refusals.setdefault(method, deque())
        queue.extend(_Refusal(status) for _ in range(times))

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 200 `{"ok": false, "error": error}`,
        e.g. views.open with "expired_trigger_id"."""
        queue = self._refusals.setdefault(method, deque())
        queue.extend(_Refusal(200, error=error) for _ in range(times))

    def set_oauth_response(self, code: str, response: dict[str, Any]) -> None:
        """oauth.v2.access with `code` answers `response`; its bot token then works too."""
        self._oauth[code] = response

    # -- inspection ------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def sent_messages(self, user_id: str | None = None) -> list[RecordedCall]:
        """Accepted chat.postMessage calls, optionally only those that landed in one user's DM."""
        accepted = [call for call in self.calls_to("chat.postMessage") if call.ok]
        if user_id is None:
            return accepted
        dm = self.dm_channel(user_id)
        return [call for call in accepted if call.response.get("channel") == dm]

    def uploads_to(self, user_id: str) -> list[UploadedFile]:
        """Files shared in `user_id`'s DM with the bot, in order."""
        return [upload for upload in self.uploads if upload.channel == self.dm_channel(user_id)]

    def message_exists(self, channel: str, ts: str) -> bool:
        """Whether a message the bot posted is still there (not deleted)."""
        return (channel, ts) in self._messages

    def hook_bodies(self, name: str | None = None) -> list[dict[str, Any]]:
        """Bodies posted to response_url hooks, in order; only hook `name` when given."""
        return [body for hook, body in self.hook_posts if name is None or hook == name]

    # -- waiting for asynchronous side effects ---------------------------------------------

    def notify_change(self) -> None:
        """Wake every `wait_for` to re-check its predicate.

        Called after every recorded Web API call (once its answer is known) and every hook
        post; test instrumentation may call it too when something else a predicate reads
        has changed. Waking is event-driven: waiters never poll on a timer.
        """
        self._change.set()
        self._change = asyncio.Event()

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
        *,
        description: str = "the expected Slack traffic",
    ) -> None:
        """Return as soon as `predicate()` is true, re-checked on every `notify_change`.

        Raises TimeoutError naming `description` (never a message body: bodies may carry
        what a member wrote) when it is still false after `timeout` seconds.
        """
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    # no await between the check and taking the event: no wake-up is lost
                    await self._change.wait()
        except TimeoutError:
            raise TimeoutError(f"{description} did not happen within {timeout}s") from None

    async def wait_for_hook_posts(
        self,
        n: int,
        *,
        name: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[dict[str, Any]]:
        """Wait for at least `n` response_url posts (to hook `name` only, when given)."""
        where = f" to hook {name!r}" if name is not None else ""
        await self.wait_for(
            lambda: len(self.hook_bodies(name)) >= n,
            timeout,
            description=f"{n} response_url post(s){where}",
        )
        return self.hook_bodies(name)

    async def wait_for_messages(
        self,
        user_id: str,
        n: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[RecordedCall]:
        """Wait for at least `n` accepted chat.postMessage calls in `user_id`'s DM."""
        await self.wait_for(
            lambda: len(self.sent_messages(user_id)) >= n,
            timeout,
            description=f"{n} DM(s) to {user_id}",
        )
        return self.sent_messages(user_id)

    async def wait_for_uploads(
        self,
        user_id: str,
        n: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the agreed API; tests read better with it
    ) -> list[UploadedFile]:
        """Wait for at least `n` files shared in `user_id`'s DM."""
        await self.wait_for(
            lambda: len(self.uploads_to(user_id)) >= n,
            timeout,
            description=f"{n} file upload(s) to {user_id}",
        )
        return self.uploads_to(user_id)

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

    # -- HTTP handlers ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        call, read_error = await _read_call(request)
        self.calls.append(call)
        status, body, headers = self._answer(call, read_error)
        call.status, call.response = status, body
        self.notify_change()
        return web.json_response(body, status=status, headers=headers)

    def _answer(
        self, call: RecordedCall, read_error: str | None
    ) -> tuple[int, Answer, dict[str, str]]:
        """Refusals first (Slack throttles before it looks at the request), then dispatch."""
        refusals = self._refusals.get(call.method)
        if refusals:
            return refusals.popleft().answer()
        try:
            if read_error is not None:
                raise _Fail(read_error)
            return 200, self._dispatch(call), {}
        except _Fail as failure:
            return 200, {"ok": False, "error": failure.error}, {}

    def _dispatch(self, call: RecordedCall) -> Answer:
        if call.method == "oauth.v2.access":
            return self._oauth_v2_access(call)
        if call.method == "apps.connections.open":
            return self._apps_connections_open(call)
        handler = self._bot_methods.get(call.method)
        if handler is None:
            raise _Fail("unknown_method")
        if call.token is None:
            raise _Fail("not_authed")
        team = self._teams.get(call.token)
        if team is None:
            raise _Fail("invalid_auth")
        return handler(call, team)

    async def _hook(self, request: web.Request) -> web.Response:
        """response_url: Slack wants a JSON body and answers a plain "ok"."""
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return web.Response(status=400, text="invalid_payload")
        self.hook_posts.append((request.match_info["name"], body))
        self.notify_change()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """An upload URL: the raw bytes of one file, as files_upload_v2 POSTs them."""
        content = await request.read()
        refusals = self._refusals.get(UPLOAD_METHOD)
        pending = self._pending_uploads.get(request.match_info["file_id"])
        if refusals:
            status, _, headers = refusals.popleft().answer()
            response = web.Response(status=status, text="upload refused", headers=headers)
        elif pending is None:
            response = web.Response(status=404, text="unknown upload")
        else:
            pending.content = content
            response = web.Response(text=f"OK - {len(content)}")
        self.upload_statuses.append(response.status)
        self.notify_change()
        return response

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

    # -- Web API methods -------------------------------------------------------------------

    def _auth_test(self, call: RecordedCall, team: _Team) -> Answer:
        return {
            "ok": True,
            "url": f"https://{team.team_id.lower()}.slack.com/",
            "team": team.name,
            "user": "pln-bot",
            "team_id": team.team_id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, call: RecordedCall, team: _Team) -> Answer:
        channel = self._reachable_channel(call.params.get("channel"))
        text, blocks = call.params.get("text"), call.params.get("blocks")
        if not text and not blocks and not call.params.get("attachments"):
            raise _Fail("no_text")
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "text": text or "",
            "ts": ts,
            "bot_id": team.bot_id,
            "user": team.bot_user_id,
            "app_id": APP_ID,
            "team": team.team_id,
            "blocks": blocks or [],
        }
        if call.params.get("thread_ts"):
            message["thread_ts"] = call.params["thread_ts"]
        self._messages[(channel, ts)] = dict(
            message
        )  # a copy: later edits must not rewrite history
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, call: RecordedCall, team: _Team) -> Answer:
        channel, ts = self._existing_message(call)
        message = self._messages[(channel, ts)]
        for key in ("text", "blocks"):
            if key in call.params:
                message[key] = call.params[key]
        message["edited"] = {"user": team.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": dict(message),
        }

    def _chat_delete(self, call: RecordedCall, team: _Team) -> Answer:
        channel, ts = self._existing_message(call)
        del self._messages[(channel, ts)]
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, call: RecordedCall, team: _Team) -> Answer:
        self._channel(call.params.get("channel"))
        if not call.params.get("user"):
            raise _Fail("user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _files_get_upload_url(self, call: RecordedCall, team: _Team) -> Answer:
        filename = str(call.params.get("filename") or "")
        try:
            length = int(call.params.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            raise _Fail("invalid_arguments")
        file_id = f"F{next(self._file_numbers):08d}"
        self._pending_uploads[file_id] = _PendingUpload(filename, length, team.team_id)
        return {
            "ok": True,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            "file_id": file_id,
        }

    def _files_complete_upload(self, call: RecordedCall, team: _Team) -> Answer:
        """Share uploaded files in `channel_id`; every file must have had its bytes POSTed."""
        files = call.params.get("files")
        if not isinstance(files, list) or not files:
            raise _Fail("invalid_arguments")
        channel = call.params.get("channel_id") or call.params.get("channels")
        channel = self._reachable_channel(channel) if channel else ""
        done = []
        for item in files:
            file_id = str(item.get("id")) if isinstance(item, dict) else ""
            pending = self._pending_uploads.get(file_id)
            if pending is None or pending.team_id != team.team_id or pending.content is None:
                raise _Fail("file_not_found")
            if len(pending.content) != pending.length:
                raise _Fail("file_upload_size_mismatch")
            done.append((file_id, pending, str(item.get("title") or pending.filename)))
        shared = []
        for file_id, pending, title in done:
            del self._pending_uploads[file_id]
            assert pending.content is not None
            if channel:
                self.uploads.append(
                    UploadedFile(
                        file_id,
                        pending.filename,
                        title,
                        pending.content,
                        channel,
                        call.params.get("initial_comment") or None,
                        call.params.get("thread_ts") or None,
                    )
                )
            shared.append({"id": file_id, "name": pending.filename, "title": title})
        return {"ok": True, "files": shared}

    def _conversations_open(self, call: RecordedCall, team: _Team) -> Answer:
        users = _id_list(call.params.get("users"))
        if not users:
            if call.params.get("channel"):
                return {"ok": True, "channel": {"id": call.params["channel"]}}
            raise _Fail("users_list_not_supplied")
        for user_id in users:
            self._check_reachable(user_id)
        channel_id = self.dm_channel(users[0]) if len(users) == 1 else "G" + "".join(users)
        return {"ok": True, "channel": {"id": channel_id}}

    def _views_open(self, call: RecordedCall, team: _Team) -> Answer:
        if not call.params.get("trigger_id") and not call.params.get("interactivity_pointer"):
            raise _Fail("invalid_arguments")
        return {"ok": True, "view": self._store_view(call, team, None)}

    def _views_publish(self, call: RecordedCall, team: _Team) -> Answer:
        """App Home: one view per user, so republishing keeps the view id."""
        user_id = call.params.get("user_id")
        if not user_id:
            raise _Fail("invalid_arguments")
        view = self._store_view(call, team, self._home_view_ids.get(user_id))
        self._home_view_ids[user_id] = view["id"]
        return {"ok": True, "view": view}

    def _views_update(self, call: RecordedCall, team: _Team) -> Answer:
        view_id = call.params.get("view_id")
        if not view_id:
            external_id = call.params.get("external_id")
            matches = [v["id"] for v in self._views.values() if v.get("external_id") == external_id]
            view_id = matches[0] if external_id and matches else None
        if view_id not in self._views:
            raise _Fail("not_found")
        return {"ok": True, "view": self._store_view(call, team, view_id)}

    def _users_info(self, call: RecordedCall, team: _Team) -> Answer:
        user = self._users.get(str(call.params.get("user")))
        if user is None:
            raise _Fail("user_not_found")
        return {"ok": True, "user": user}

    def _oauth_v2_access(self, call: RecordedCall) -> Answer:
        if not call.params.get("client_id"):
            raise _Fail("invalid_client_id")
        if not call.params.get("client_secret"):
            raise _Fail("bad_client_secret")
        response = self._oauth.get(str(call.params.get("code")))
        if response is None:
            raise _Fail("invalid_code")
        self._install_from_oauth(response)
        return response

    def _apps_connections_open(self, call: RecordedCall) -> Answer:
        if call.token != self.app_token:
            raise _Fail("invalid_auth")
        return {"ok": True, "url": self.socket_url}

    # -- helpers ---------------------------------------------------------------------------

    def _next_ts(self) -> str:
        micros = next(self._ts_micros)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel(self, value: Any) -> str:
        """A user id as channel means "DM that user" to Slack; it answers with the D channel."""
        if not value:
            raise _Fail("channel_not_found")
        channel = str(value)
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _reachable_channel(self, value: Any) -> str:
        channel = self._channel(value)
        if channel.startswith("D"):
            self._check_reachable(channel[1:])
        return channel

    def _check_reachable(self, user_id: str) -> None:
        error = self._failing_users.get(user_id)
        if error is not None:
            raise _Fail(error)

    def _existing_message(self, call: RecordedCall) -> tuple[str, str]:
        channel, ts = self._channel(call.params.get("channel")), str(call.params.get("ts"))
        if (channel, ts) not in self._messages:
            raise _Fail("message_not_found")
        return channel, ts

    def _store_view(self, call: RecordedCall, team: _Team, view_id: str | None) -> dict[str, Any]:
        """Fill in the fields Slack adds to a view (id, hash, state, ...) and remember it."""
        submitted = call.params.get("view")
        if not isinstance(submitted, dict):
            raise _Fail("invalid_arguments")
        view_id = view_id or f"V{next(self._view_numbers):06d}"
        view = {
            "team_id": team.team_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "blocks": [],
            **submitted,
            "id": view_id,
            "state": {"values": {}},
            "hash": f"{self._next_ts()}.standin",
            "app_id": APP_ID,
            "bot_id": team.bot_id,
            "root_view_id": view_id,
            "previous_view_id": None,
        }
        self._views[view_id] = view
        return view

    def _install_from_oauth(self, response: dict[str, Any]) -> None:
        """Register the bot token an OAuth exchange hands out, so auth.test accepts it next."""
        token, team = response.get("access_token"), response.get("team")
        if not (isinstance(token, str) and isinstance(team, dict) and "id" in team):
            return
        if token in self._teams or not response.get("ok", True):
            return
        self.add_team(
            str(team["id"]),
            bot_token=token,
            bot_user_id=str(response.get("bot_user_id", "UBOT")),
            bot_id="B" + str(team["id"]),
            name=str(team.get("name", "")),
        )


async def _read_call(request: web.Request) -> tuple[RecordedCall, str | None]:
    """Merge query, form and JSON bodies the way Slack accepts them; find the token and secret."""
    params: dict[str, Any] = dict(request.query)
    read_error = None
    if request.content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            body, read_error = {}, "invalid_json"
        if isinstance(body, dict):
            params.update(body)
    elif request.can_read_body:
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    for key in JSON_TEXT_FIELDS & params.keys():
        params[key] = _decode_json_text(params[key])
    authorization = request.headers.get("Authorization", "")
    token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None
    params.update(_basic_auth_credentials(authorization))
    token = token or (str(params["token"]) if params.get("token") else None)
    return RecordedCall(request.match_info["method"], params, token), read_error


def _decode_json_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _basic_auth_credentials(authorization: str) -> dict[str, str]:
    """oauth.v2.access clients may send client_id/client_secret as HTTP Basic auth."""
    if not authorization.startswith("Basic "):
        return {}
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
    except (binascii.Error, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret}


def _id_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value if item]
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return []
