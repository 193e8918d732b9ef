"""slack_sdk retry handlers for 429, 5xx and dropped connections, with our pacing and sleep.

slack_sdk's own handlers sleep with asyncio.sleep and add up to a second of jitter; ours
honour Retry-After exactly, tell the pacing so the rest of a fan-out slows down too, hand a
long Retry-After back to the caller (the delivery loop reschedules it on the injected clock
instead of holding a request open), and take the sleep function as a parameter so tests
never wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.adapters.pacing import Sleep, SlowsDown

MAX_INLINE_WAIT = 30.0  # longer Retry-After values go back to the delivery loop


def retry_after_seconds(response: HttpResponse | None) -> float:
    """The Retry-After of a 429 in seconds (1 when Slack leaves it out)."""
    return 1.0 if response is None else retry_after_seconds_of(response.headers)


def retry_after_seconds_of(headers: Mapping[str, Any]) -> float:
    """Retry-After from headers whose values are strings or lists of strings."""
    for name, value in headers.items():
        if name.lower() != "retry-after":
            continue
        first = value[0] if isinstance(value, list | tuple) and value else value
        try:
            return max(float(str(first)), 0.0)
        except ValueError:
            return 1.0
    return 1.0


class PacedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 after exactly Retry-After, slowing the whole fan-out down meanwhile."""

    def __init__(
        self,
        pacer: SlowsDown,
        *,
        max_retry_count: int = 2,
        max_wait: float = MAX_INLINE_WAIT,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._pacer = pacer
        self._max_wait = max_wait
        self._sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after_seconds(response)
        self._pacer.slow_down(wait)
        return wait <= self._max_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self._sleep(retry_after_seconds(response))
        state.increment_current_attempt()


class _InjectedSleepMixin(AsyncRetryHandler):
    """Backoff between attempts through an injectable sleep."""

    _sleep: Sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self._sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


class ServerErrorRetryHandler(_InjectedSleepMixin, AsyncServerErrorRetryHandler):
    """Retries Slack's 500 and 503 answers with backoff."""

    def __init__(self, *, max_retry_count: int = 2, sleep: Sleep = asyncio.sleep) -> None:
        AsyncServerErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self._sleep = sleep


class ConnectionErrorRetryHandler(_InjectedSleepMixin, AsyncConnectionErrorRetryHandler):
    """Retries a reset or refused connection with backoff."""

    def __init__(self, *, max_retry_count: int = 2, sleep: Sleep = asyncio.sleep) -> None:
        AsyncConnectionErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self._sleep = sleep


def retry_handlers(pacer: SlowsDown, sleep: Sleep = asyncio.sleep) -> list[AsyncRetryHandler]:
    """The handlers every Web API client of the bot gets, bolt's own included."""
    return [
        ConnectionErrorRetryHandler(sleep=sleep),
        PacedRateLimitRetryHandler(pacer, sleep=sleep),
        ServerErrorRetryHandler(sleep=sleep),
    ]
