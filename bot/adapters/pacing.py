"""Pacing of outgoing messages at the platform's real limits, so a fan-out goes as fast as
allowed and never turns into a storm of 429s.

A `Pacer` is one scope of a platform's limit (Slack: a workspace, or one channel; Discord:
the whole bot, or the opening of new DM channels). Each turn reserves the next free slot
(a cell-rate bucket: concurrent senders queue up in order, no thundering herd). The rate is
AIMD: a refusal (429 with Retry-After, Discord's 40003) halves it and holds every turn
back for the platform's cool-down; it then grows back additively, a little every second,
to the configured rate. One episode halves once: with sixteen sends in flight, a limit
crossed answers several of them 429 at about the same moment, and halving for each would
throw the rate to the floor for one crossing (refusals until a second after the cool-down
only lengthen it). Time comes from injected `monotonic`/`sleep`, so tests move time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]

RECOVERY_SECONDS = 60.0  # from a halved rate, about this long to grow back to the full rate
FLOOR_FRACTION = 1 / 64  # halving never goes below this fraction of the configured rate
EPISODE_SECONDS = 1.0  # refusals this soon after a cool-down belong to the same crossing


class Turns(Protocol):
    """Something that paces: wait for the next turn."""

    async def wait_turn(self) -> None: ...


class SlowsDown(Protocol):
    """Something told of a platform's refusal for `seconds` (a 429's Retry-After)."""

    def slow_down(self, seconds: float) -> None: ...


class Pacer:
    """At most `per_second` turns a second (AIMD), and none during a platform's cool-down."""

    def __init__(
        self,
        per_second: float,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        recovery_seconds: float = RECOVERY_SECONDS,
    ) -> None:
        if per_second <= 0:
            raise ValueError("a pace must be more than 0 per second")
        self.ceiling = per_second
        self.rate = per_second
        self._sleep = sleep
        self._monotonic = monotonic
        self._increase = per_second / 2 / recovery_seconds  # per second, additive
        self._floor = per_second * FLOOR_FRACTION
        self._next_slot = float("-inf")  # when the next turn may go
        self._cool_until = float("-inf")
        self._episode_until = float("-inf")  # refusals before this do not halve again
        self._adjusted = monotonic()
        self.cool_downs = 0

    def __deepcopy__(self, memo: dict[int, object]) -> Pacer:
        """One pacer per platform connection, shared, never copied.

        bolt deep-copies a request's context (and the Web API client in it, with our retry
        handlers and their pacer) for lazy listeners; a copy would pace nothing.
        """
        return self

    def reserve(self) -> float:
        """Take the next turn; how many seconds to wait before using it (0: go now)."""
        now = self._monotonic()
        self._recover(now)
        slot = max(now, self._next_slot, self._cool_until)
        self._next_slot = slot + 1.0 / self.rate
        return slot - now

    async def wait_turn(self) -> None:
        """Wait until one more send is allowed."""
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)

    def slow_down(self, seconds: float) -> None:
        """The platform refused for `seconds`: halve the rate (once an episode) and hold every
        turn until then."""
        now = self._monotonic()
        self._recover(now)
        self.cool_downs += 1
        if now >= self._episode_until:
            self.rate = max(self._floor, self.rate / 2)
        self._cool_until = max(self._cool_until, now + max(seconds, 0.0))
        self._episode_until = self._cool_until + EPISODE_SECONDS
        # turns already handed out keep their slots; later ones follow the halved rate
        self._next_slot = max(self._next_slot, self._cool_until)

    def idle(self) -> bool:
        """At full rate with no turn reserved ahead: forgetting it changes nothing."""
        now = self._monotonic()
        self._recover(now)
        return self.rate >= self.ceiling and self._next_slot <= now and self._cool_until <= now

    def _recover(self, now: float) -> None:
        """Grow back additively for the time since the last look, cool-downs excluded."""
        elapsed = max(now - max(self._adjusted, self._cool_until), 0.0)
        self._adjusted = now
        if self.rate < self.ceiling:
            self.rate = min(self.ceiling, self.rate + self._increase * elapsed)


class PacerSet:
    """One `Pacer` per key (a workspace, a channel), made on first use, forgotten when idle
    so ten thousand members' DM channels do not stay in memory."""

    def __init__(
        self,
        per_second: float,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        keep: int = 1024,
    ) -> None:
        self.per_second = per_second
        self._sleep = sleep
        self._monotonic = monotonic
        self._keep = keep
        self._pacers: dict[str, Pacer] = {}

    def __deepcopy__(self, memo: dict[int, object]) -> PacerSet:
        return self  # shared, like a Pacer

    def __len__(self) -> int:
        return len(self._pacers)

    @property
    def cool_downs(self) -> int:
        """Refusals counted by the scopes still remembered."""
        return sum(pacer.cool_downs for pacer in self._pacers.values())

    def of(self, key: str) -> Pacer:
        pacer = self._pacers.get(key)
        if pacer is None:
            if len(self._pacers) >= self._keep:
                self._forget_idle()
            pacer = Pacer(self.per_second, sleep=self._sleep, monotonic=self._monotonic)
            self._pacers[key] = pacer
        return pacer

    def _forget_idle(self) -> None:
        for key in [key for key, pacer in self._pacers.items() if pacer.idle()]:
            del self._pacers[key]


async def wait_turns(*pacers: Pacer) -> None:
    """One turn of each scope, narrowest first (a channel, then its workspace): the wide
    scope's turn is only taken once the narrow one allows, so no wide slot is wasted."""
    for pacer in pacers:
        await pacer.wait_turn()
