"""How far a long fan-out is, and when it will be done: log lines with an ETA, and metrics.

A 10,000-member prompt takes minutes at the platform's limit; an operator watching the logs
wants "4,000 of 10,000, 38/s, done in 2m40s", not silence. The rate is measured on a
monotonic wall clock (injected), not the bot's `Clock`: a simulated clock does not move
while messages go out, and the ETA is about real seconds either way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.core.metrics import NO_METRICS, Metrics

log = logging.getLogger(__name__)

Monotonic = Callable[[], float]

LOG_EVERY_ROWS = 1000  # a line at least every so many rows...
LOG_EVERY_SECONDS = 30.0  # ...and at least this often while rows keep moving


class FanoutProgress:
    """One run of one queue's sends: call `advance()` per handled row, `finish()` at the end.

    `total` may grow (rows claimed while sending, a second batch); `extend` says so.
    """

    def __init__(
        self,
        queue: str,
        total: int,
        *,
        metrics: Metrics = NO_METRICS,
        monotonic: Monotonic = time.monotonic,
        every_rows: int = LOG_EVERY_ROWS,
        every_seconds: float = LOG_EVERY_SECONDS,
    ) -> None:
        self.queue = queue
        self.total = total
        self.done = 0
        self._metrics = metrics
        self._monotonic = monotonic
        self._every_rows = every_rows
        self._every_seconds = every_seconds
        self._started = monotonic()
        self._logged_rows = 0
        self._logged_at = self._started
        metrics.fanout_progress(queue, 0, total, None)

    def extend(self, total: int) -> None:
        """The fan-out turned out bigger than first counted."""
        self.total = max(self.total, total, self.done)

    def rate(self) -> float | None:
        """Rows per second so far; None before the first second's worth of evidence."""
        elapsed = self._monotonic() - self._started
        if elapsed <= 0 or self.done == 0:
            return None
        return self.done / elapsed

    def eta_seconds(self) -> float | None:
        rate = self.rate()
        if rate is None:
            return None
        return max(self.total - self.done, 0) / rate

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        self.total = max(self.total, self.done)
        now = self._monotonic()
        eta = self.eta_seconds()
        self._metrics.fanout_progress(self.queue, self.done, self.total, eta)
        due_by_rows = self.done - self._logged_rows >= self._every_rows
        due_by_time = now - self._logged_at >= self._every_seconds
        if self.done < self.total and (due_by_rows or due_by_time):
            self._logged_rows, self._logged_at = self.done, now
            log.info("fan-out progress", extra={"fields": self._fields(eta)})

    def finish(self) -> None:
        """Idle again: the gauges go back to zero so a dashboard shows no fan-out running."""
        self._metrics.fanout_progress(self.queue, 0, 0, None)

    def _fields(self, eta: float | None) -> dict[str, object]:
        rate = self.rate()
        return {
            "queue": self.queue,
            "done": self.done,
            "total": self.total,
            "percent": round(100 * self.done / self.total) if self.total else 100,
            "per_second": round(rate, 1) if rate is not None else None,
            "eta": format_duration(eta) if eta is not None else None,
        }


def format_duration(seconds: float) -> str:
    """`2h05m`, `4m10s`, `12s`: short enough for a log line, exact enough to plan around."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
