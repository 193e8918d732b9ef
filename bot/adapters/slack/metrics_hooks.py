"""Slack's part of /metrics: failed Web API calls by error code, and the time to each ack.

Acks are timed around bolt's dispatch (bolt's global middleware runs before the listener,
not around it): in HTTP mode by the events route (`server.py`), in Socket Mode by
`TimedSocketModeHandler`; in both, bolt returns once the listener has called `ack()`.

slack_sdk hands every response (and every exception) to the client's retry handlers in
turn; this one comes first, counts, and never asks for a retry, so the paced handlers
behind it still decide. Every call is seen, whichever part of the bot made it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.adapters.slack.directory import PLATFORM
from bot.core.metrics import Metrics, timed_event


class ErrorCounter(AsyncRetryHandler):
    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self._metrics = metrics

    def __deepcopy__(self, memo: dict[int, object]) -> ErrorCounter:
        """bolt deep-copies each request (its client included) for lazy listeners; the
        counters must stay the process's own, and their locks cannot be copied anyway."""
        return self

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        code = error_code(response, error)
        if code is not None:
            self._metrics.platform_error(PLATFORM, code)
        return False


def error_code(response: HttpResponse | None, error: Exception | None) -> str | None:
    """Slack's `error` (`ratelimited`, `channel_not_found`), else the HTTP status, else the
    exception's name; None for a call that succeeded."""
    if error is not None:
        return type(error).__name__
    if response is None:
        return None
    body = response.body if isinstance(response.body, dict) else {}
    if body.get("ok") is False:
        return str(body.get("error") or response.status_code)
    if response.status_code >= 400:
        return str(response.status_code)
    return None


class TimedSocketModeHandler(AsyncSocketModeHandler):
    """Socket Mode's ack is the envelope's response: `handle` dispatches, then sends it."""

    def __init__(self, metrics: Metrics, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def handle(self, client: Any, req: SocketModeRequest) -> None:
        kind = request_kind(req.payload if isinstance(req.payload, dict) else {})
        async with timed_event(self._metrics, PLATFORM, kind):
            await super().handle(client, req)


def request_kind(body: dict[str, Any]) -> str:
    """`command`, `event_callback`, `block_actions`, `view_submission`, ...: a bounded label."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    return kind if isinstance(kind, str) and kind.isidentifier() else "other"
