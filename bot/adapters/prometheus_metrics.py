"""The `Metrics` port exported for Prometheus, plus the send tables counted at scrape time.

Each process has its own `CollectorRegistry` (not prometheus-client's global one), so two
services in one test process never mix their counts. The in-process series (platform
errors, event ack latency, fan-out progress) come from the core's calls; the database
series (rows by queue, platform and state; backlog; lag behind due time) are counted when
Prometheus scrapes, at most once per `REFRESH_SECONDS`, with a time limit so a slow
database never makes /metrics hang. docs/OPERATIONS.md lists every series.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.store.database import Database
from bot.store.ops_counts import QueueCounts, count_queues

log = logging.getLogger(__name__)

REFRESH_SECONDS = 5.0  # scrapes closer together than this reuse the last count
COUNT_TIMEOUT = 5.0
# Slack wants an ack within 3 s; the buckets straddle it
ACK_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class PrometheusMetrics:
    """Implements `bot.core.metrics.Metrics`; `exposition()` is the /metrics body."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.registry = CollectorRegistry()
        self._platform_errors = Counter(
            "pln_platform_errors",
            "Platform API calls that failed, by the platform's error code (429, ratelimited...)",
            ["platform", "code"],
            registry=self.registry,
        )
        self._event_ack = Histogram(
            "pln_event_ack_seconds",
            "Seconds from an incoming event (command, button, DM) to its acknowledgement",
            ["platform", "kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self._fanout_done = Gauge(
            "pln_fanout_done",
            "Rows handled by the running fan-out",
            ["queue"],
            registry=self.registry,
        )
        self._fanout_total = Gauge(
            "pln_fanout_total",
            "Rows in the running fan-out (0: none running)",
            ["queue"],
            registry=self.registry,
        )
        self._fanout_eta = Gauge(
            "pln_fanout_eta_seconds",
            "Estimated seconds until the running fan-out is done (0: none running)",
            ["queue"],
            registry=self.registry,
        )
        self.store = StoreCollector()
        self.registry.register(self.store)
        self._monotonic = monotonic
        self._counted_at: float | None = None

    # -- the Metrics port -------------------------------------------------------------------

    def platform_error(self, platform: str, code: str) -> None:
        self._platform_errors.labels(platform=platform, code=code[:40]).inc()

    def event_acked(self, platform: str, kind: str, seconds: float) -> None:
        self._event_ack.labels(platform=platform, kind=kind).observe(max(seconds, 0.0))

    def fanout_progress(self, queue: str, done: int, total: int, eta_seconds: float | None) -> None:
        self._fanout_done.labels(queue=queue).set(done)
        self._fanout_total.labels(queue=queue).set(total)
        self._fanout_eta.labels(queue=queue).set(eta_seconds or 0.0)

    # -- scraping ---------------------------------------------------------------------------

    async def refresh(self, db: Database, now: datetime) -> None:
        """Count the send tables, unless counted a moment ago; a failure is reported as
        `pln_store_up 0` rather than failing the whole scrape."""
        moment = self._monotonic()
        if self._counted_at is not None and moment - self._counted_at < REFRESH_SECONDS:
            return
        try:
            async with asyncio.timeout(COUNT_TIMEOUT), db.sessions() as session:
                counts = await count_queues(session, now)
        except Exception as error:  # the database is down or slow: say so in a series
            log.warning("metrics could not count the send tables", extra={"fields": {
                "error": type(error).__name__}})  # fmt: skip
            self.store.update(None, now)
        else:
            self.store.update(counts, now)
        self._counted_at = moment

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class StoreCollector(Collector):
    """The last count of the send tables, as gauges."""

    def __init__(self) -> None:
        self._counts: list[QueueCounts] | None = None
        self._now: datetime | None = None
        self._up = False

    def update(self, counts: list[QueueCounts] | None, now: datetime) -> None:
        self._up = counts is not None
        if counts is not None:
            self._counts, self._now = counts, now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "pln_store_up", "1 when the last count of the send tables succeeded", value=self._up
        )
        rows = GaugeMetricFamily(
            "pln_deliveries",
            "Rows of each send table by queue, platform and state (claimed, sending, sent, "
            "uncertain, failed, missed); the whole database, the same from every process",
            labels=["queue", "platform", "status"],
        )
        depth = GaugeMetricFamily(
            "pln_queue_depth",
            "Rows due by now and not yet sent (including those waiting for a retry)",
            labels=["queue"],
        )
        lag = GaugeMetricFamily(
            "pln_send_lag_seconds",
            "How long the oldest due, unsent row has been due (0: nothing behind)",
            labels=["queue"],
        )
        for queue in self._counts or []:
            for (platform, status), count in sorted(queue.by_platform_status.items()):
                rows.add_metric([queue.queue, platform, status], count)
            depth.add_metric([queue.queue], queue.due_unsent)
            behind = 0.0
            if queue.oldest_due is not None and self._now is not None:
                behind = max((self._now - queue.oldest_due).total_seconds(), 0.0)
            lag.add_metric([queue.queue], behind)
        yield rows
        yield depth
        yield lag
