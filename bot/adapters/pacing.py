"""Pacing of outgoing messages, so a large fan-out never turns into a storm of 429s.

Shared by the chat adapters: each platform allows only so many new messages a second, and a
refusal (429, Discord's 40003) means "slow down", which `slow_down` makes everyone honour.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """At most `per_second` sends a second, and none at all during a platform's cool-down."""

    def __init__(
        self,
        per_second: float,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        # A bucket of one second's worth of sends: short bursts, then the steady rate.
        self._limiter = AsyncLimiter(max(per_second, 1.0), time_period=max(1.0, 1.0 / per_second))
        self._sleep = sleep
        self._monotonic = monotonic
        self._cool_until = 0.0
        self.cool_downs = 0

    def __deepcopy__(self, memo: dict[int, object]) -> Pacer:
        """One pacer per platform connection, shared, never copied.

        bolt deep-copies a request's context (and the Web API client in it, with our retry
        handlers and their pacer) for lazy listeners; a copy would pace nothing, and the
        limiter's loop reference cannot be copied at all.
        """
        return self

    async def wait_turn(self) -> None:
        """Wait until one more send is allowed."""
        pause = self._cool_until - self._monotonic()
        if pause > 0:
            await self._sleep(pause)
        await self._limiter.acquire()

    def slow_down(self, seconds: float) -> None:
        """The platform refused for `seconds`: hold every send back until then."""
        self.cool_downs += 1
        self._cool_until = max(self._cool_until, self._monotonic() + max(seconds, 0.0))
