"""HTTP handlers: the Web API endpoint (record, refuse or dispatch), response_url hooks
and upload URLs."""

from __future__ import annotations

from aiohttp import web

from tests.support.slack_standin.constants import UPLOAD_METHOD, Answer
from tests.support.slack_standin.faults import FailureInjection
from tests.support.slack_standin.limits import LimitEnforcer
from tests.support.slack_standin.model import Handler, Interceptor, _Fail
from tests.support.slack_standin.openid import SlackOpenId
from tests.support.slack_standin.parsing import _read_call
from tests.support.slack_standin.records import RecordedCall
from tests.support.slack_standin.waiting import Waiting
from tests.support.slack_standin.web_api import WebApi


class HttpHandlers(WebApi, FailureInjection, Waiting):
    """What the aiohttp app routes to, besides the Socket Mode websocket."""

    upload_statuses: list[int]
    limits: LimitEnforcer | None
    intercept: Interceptor | None
    _bot_methods: dict[str, Handler]
    openid: SlackOpenId

    # -- HTTP handlers ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        call, read_error = await _read_call(request)
        self.calls.append(call)
        forced = None
        if self.intercept is not None:
            sockname = request.transport.get_extra_info("sockname") if request.transport else None
            forced = self.intercept(call, int(sockname[1]) if sockname else 0)
        status, body, headers = forced or self._answer(call, read_error)
        call.status, call.response = status, body
        if self.limits is not None:
            await self.limits.delay()  # the network's share: the call is decided on arrival
        self.notify_change()
        return web.json_response(body, status=status, headers=headers)

    def _answer(
        self, call: RecordedCall, read_error: str | None
    ) -> tuple[int, Answer, dict[str, str]]:
        """Refusals first (Slack throttles before it looks at the request), then dispatch."""
        refusals = self._refusals.get(call.method)
        if refusals:
            return refusals.popleft().answer()
        if self.limits is not None:
            team = self._teams.get(call.token or "")
            limited = self.limits.refusal(call, team.team_id if team else "")
            if limited[0]:
                return limited
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
        if call.method == "openid.connect.token":
            return self.openid.token(call)
        if call.method == "openid.connect.userInfo":
            return self.openid.user_info(call)
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

    async def _shared_file(self, request: web.Request) -> web.Response:
        """A file a member shared, at its `url_private`: only with a bot token, as Slack."""
        content = self.shared_files.get(request.match_info["file_id"])
        if not request.headers.get("Authorization", "").startswith("Bearer xoxb-"):
            return web.Response(status=302, headers={"Location": "/login"})
        if content is None:
            return web.Response(status=404, text="file not found")
        return web.Response(body=content, content_type="application/octet-stream")

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
