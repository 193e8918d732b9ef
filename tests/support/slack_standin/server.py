"""`SlackStandIn`: the aiohttp app on 127.0.0.1 and its lifecycle, composed of the Web API,
Socket Mode, failure injection, waiting and state modules of this package."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from types import TracebackType
from typing import Any, Self

from aiohttp import WSCloseCode, web

from tests.support.slack_standin.constants import (
    APP_TOKEN,
    DEFAULT_BOT_TOKEN,
    DEFAULT_TEAM_ID,
    FIRST_TS_MICROS,
    TS_STEP_MICROS,
)
from tests.support.slack_standin.handlers import HttpHandlers
from tests.support.slack_standin.limits import LimitEnforcer, SlackLimits
from tests.support.slack_standin.model import (
    Handler,
    Interceptor,
    _PendingUpload,
    _Refusal,
    _Team,
)
from tests.support.slack_standin.openid import SlackOpenId
from tests.support.slack_standin.records import RecordedCall, UploadedFile
from tests.support.slack_standin.socket_mode import SocketMode


class SlackStandIn(HttpHandlers, SocketMode):
    """Slack's Web API, response_url hooks and Socket Mode websocket, served on 127.0.0.1."""

    app_token = APP_TOKEN

    def __init__(self, limits: SlackLimits | None = None) -> None:
        """`limits`: enforce Slack's latency and rate limits (see `limits`); off by default."""
        self.limits = LimitEnforcer(limits) if limits is not None else None
        # Fault tests set this: called with each Web API call and the port it came in on
        # (see `add_listener`) before it is answered; an answer returned replaces Slack's.
        self.intercept: Interceptor | None = None
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
        self.shared_files: dict[str, bytes] = {}  # files members shared, served by url_private
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
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "users.info": self._users_info,
        }
        self.add_team(DEFAULT_TEAM_ID, bot_token=DEFAULT_BOT_TOKEN)
        # Sign in with Slack (OpenID Connect) for the web page's sign-in tests
        self.openid = SlackOpenId(lambda: f"http://127.0.0.1:{self.port}", self._users)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port; loopback only, so tests never expose a listener."""
        app = web.Application()
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/hooks/{name}", self._hook)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/{name}", self._shared_file)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/openid/connect/authorize", self.openid.authorize)
        app.router.add_get("/openid/connect/keys", self.openid.keys)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def add_listener(self) -> str:
        """Listen on one more loopback port; its Web API root (as `base_url`). Give each bot
        process its own, and `intercept` knows which process a call came from."""
        assert self._runner is not None, "start the stand-in first"
        before = set(self._runner.addresses)
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        (address,) = set(self._runner.addresses) - before
        return f"http://127.0.0.1:{address[1]}/api/"

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
