"""Discord's part of /metrics: failed REST calls by status, and the time to each ack.

discord.py makes every REST call through one aiohttp session, which takes a `TraceConfig`
(`Client(http_trace=...)`): every response with a status of 400 or more is counted by that
status (429 included, each time discord.py retries one). An interaction is acknowledged by
its callback request (`POST /interactions/{id}/{token}/callback`: a defer, a reply or a
modal), so the time from receiving the interaction to the end of that request is its ack
latency, whichever code path answered it. Tokens in those URLs are never kept or logged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from types import SimpleNamespace

import aiohttp

from bot.adapters.discord.bridge import PLATFORM
from bot.core.metrics import Metrics

CALLBACK = re.compile(r"/interactions/(?P<id>\d+)/[^/]+/callback$")
FORGET_AFTER = 60.0  # seconds: an interaction not answered by then never will be (3 s limit)


class DiscordMetricsHooks:
    def __init__(self, metrics: Metrics, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._metrics = metrics
        self._monotonic = monotonic
        self._received: dict[int, tuple[float, str]] = {}

    def received(self, interaction_id: int, kind: str) -> None:
        """An interaction arrived (called synchronously as discord.py dispatches it)."""
        now = self._monotonic()
        if len(self._received) > 1000:  # unanswered ones must not pile up
            self._received = {
                key: value for key, value in self._received.items() if now - value[0] < FORGET_AFTER
            }
        self._received[interaction_id] = (now, kind)

    def trace_config(self) -> aiohttp.TraceConfig:
        trace = aiohttp.TraceConfig()
        trace.on_request_end.append(self._request_end)
        trace.on_request_exception.append(self._request_exception)
        return trace

    async def _request_end(
        self,
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        status = params.response.status
        if status >= 400:
            self._metrics.platform_error(PLATFORM, str(status))
        match = CALLBACK.search(params.url.path)
        if match is not None:
            started = self._received.pop(int(match["id"]), None)
            if started is not None:
                at, kind = started
                self._metrics.event_acked(PLATFORM, kind, self._monotonic() - at)

    async def _request_exception(
        self,
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestExceptionParams,
    ) -> None:
        self._metrics.platform_error(PLATFORM, type(params.exception).__name__)
