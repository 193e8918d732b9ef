"""REST plumbing: record every call, apply injected faults, route it, answer as Discord
does (rate-limit bucket headers, JSON errors), and serve stored attachments."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from aiohttp import BodyPartReader, web

from tests.support.discord_standin.constants import CODE_REQUEST_TOO_LARGE, JsonDict
from tests.support.discord_standin.limits import DiscordLimitEnforcer
from tests.support.discord_standin.model import (
    Interceptor,
    _Answer,
    _Call,
    _Fault,
    _json_dumps,
    _Route,
)
from tests.support.discord_standin.oauth import DiscordOAuth
from tests.support.discord_standin.observe import Observation
from tests.support.discord_standin.records import RecordedFile, RecordedRequest


class Rest(Observation):
    """Every REST call goes through `_rest`; handlers come from the route table."""

    token: str | None
    limits: DiscordLimitEnforcer | None
    intercept: Interceptor | None
    _routes: list[_Route]
    _faults: list[_Fault]
    _refuse_files: list[int]
    oauth: DiscordOAuth

    # -- REST: plumbing --------------------------------------------------------------------

    def _bucket_headers(
        self, bucket: str, *, remaining: int, reset_after: float, limit: int = 5
    ) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(limit),
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
        if self.oauth.handles(path, request.headers.get("Authorization", "")):
            return await self.oauth.rest(request, path)  # a member's OAuth2 token, not the bot
        method = request.method.upper()
        body, files = await self._read_body(request)
        authorized, token = self._authorization(request.headers.get("Authorization"))
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        record = RecordedRequest(
            method, path, dict(request.query), body, headers, authorized, token, files
        )
        forced = None
        if self.intercept is not None:
            sockname = request.transport.get_extra_info("sockname") if request.transport else None
            forced = self.intercept(record, int(sockname[1]) if sockname else 0)
        answer = forced or await self._answer(record)
        if self.limits is not None:
            await self.limits.delay()  # the network's share: the call is decided on arrival
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
        if self.limits is not None:
            limited = self.limits.refusal(
                record.method,
                record.path,
                lambda wait: self._bucket_headers(bucket, remaining=0, reset_after=wait),
            )
            if limited is not None:
                return limited
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
            enforced = self.limits.advertised(record.method, record.path) if self.limits else None
            limit, remaining, reset_after = enforced or (5, 4, 1.0)
            answer.headers.update(
                self._bucket_headers(
                    bucket, remaining=remaining, reset_after=reset_after, limit=limit
                )
            )
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
