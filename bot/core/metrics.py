"""What the core and the adapters report for /metrics, without knowing who listens.

A port, like `Messenger`: the core calls these methods at the moments that matter to an
operator (a platform refused a call, an event was answered, a fan-out moved on) and the
adapter decides where the numbers go. `NoMetrics` is the default so tests and the console
pay nothing; `bot.adapters.prometheus_metrics.PrometheusMetrics` exports them. The send
engine calls `platform_error` and `fanout_progress`; the adapters call `event_acked`.
Labels are a platform name, a queue name or an error code: never a member or their words.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Protocol

__all__ = ["NO_METRICS", "Metrics", "NoMetrics", "timed_event"]


class Metrics(Protocol):
    """Counters the running process keeps; the database-derived figures are read at scrape."""

    def platform_error(self, platform: str, code: str) -> None:
        """A platform call failed: `code` is the platform's own (`ratelimited`, `429`, ...)."""
        ...

    def event_acked(self, platform: str, kind: str, seconds: float) -> None:
        """An incoming event (command, button, DM) was acknowledged `seconds` after arrival."""
        ...

    def fanout_progress(self, queue: str, done: int, total: int, eta_seconds: float | None) -> None:
        """A fan-out of `queue` has handled `done` of `total` rows; `total` 0 means idle."""
        ...


class NoMetrics:
    """Counts nothing: the default when no exporter is wired."""

    def platform_error(self, platform: str, code: str) -> None:
        return None

    def event_acked(self, platform: str, kind: str, seconds: float) -> None:
        return None

    def fanout_progress(self, queue: str, done: int, total: int, eta_seconds: float | None) -> None:
        return None


NO_METRICS: Metrics = NoMetrics()


@contextlib.asynccontextmanager
async def timed_event(
    metrics: Metrics, platform: str, kind: str, monotonic: Callable[[], float] = time.monotonic
) -> AsyncIterator[None]:
    """Time an event's handling up to its acknowledgement, as `event_acked`; an event that
    fails is timed too (the platform saw its answer, or its time-out, all the same)."""
    started = monotonic()
    try:
        yield
    finally:
        metrics.event_acked(platform, kind, monotonic() - started)
