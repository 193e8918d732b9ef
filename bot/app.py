"""The composition root: settings in, a wired core and runner out, for any adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.adapters.ops_http import OpsEndpoints, OpsServer
from bot.adapters.prometheus_metrics import PrometheusMetrics
from bot.config import Settings
from bot.core.alarm import Alarm
from bot.core.clock import Clock, SimulatedClock
from bot.core.context import CoreConfig
from bot.core.ports import Messenger
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.database import Database

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def core_config(settings: Settings) -> CoreConfig:
    return CoreConfig(
        moderators=settings.moderators,
        default_timezone=settings.default_timezone,
        prompt_weekday=WEEKDAYS.index(settings.prompt_day),
        prompt_time=settings.prompt_time,
        grace=settings.catch_up_grace,
        llm_url=settings.llm_url,
        llm_model=settings.llm_model,
        llm_api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        llm_timeout=settings.llm_timeout,
        retention_min_days=settings.retention_min_days,
        uninstalled_keep_days=settings.uninstalled_keep_days,
        recap_after=settings.discussion_recap_after,
        send_in_flight=settings.send_in_flight,
        send_lease=timedelta(seconds=settings.send_lease_seconds),
    )


@dataclass
class App:
    db: Database
    core: PlnCore
    runner: Runner
    metrics: PrometheusMetrics = field(default_factory=PrometheusMetrics)
    ops_server: OpsServer | None = None

    @property
    def ops(self) -> OpsEndpoints:
        """/healthz and /metrics, for an adapter that adds them to its own HTTP server."""
        return OpsEndpoints(self.db, self.runner, self.metrics)

    async def serve_ops(self, settings: Settings) -> int | None:
        """Open /healthz and /metrics on PLN_HTTP_HOST:PLN_HTTP_PORT if a port is set;
        the bound port. Raises `OpsListenError` (one line) when the port cannot be had."""
        if settings.http_port is None:
            return None
        self.ops_server = OpsServer(self.ops)
        return await self.ops_server.start(settings.http_host, settings.http_port)

    async def drain(self) -> None:
        """Graceful stop of sending (SIGTERM): no new sends, rows not at the platform given
        back, sends at the platform finished (within the pipeline's grace)."""
        self.runner.stop()
        await self.core.stop_sending()

    async def close(self) -> None:
        await self.drain()
        if self.ops_server is not None:
            await self.ops_server.stop()
        await self.db.dispose()


def build_app(
    settings: Settings,
    clock: Clock,
    messenger: Messenger,
    db: Database | None = None,
    metrics: PrometheusMetrics | None = None,
) -> App:
    """Wire store, core and runner; a simulated clock is driven by hand, so it gets no alarm.

    An adapter that needs the database before the core (Slack's installation store) passes
    its own `db`, and one whose HTTP client counts errors before the app exists its own
    `metrics`.
    """
    db = db or Database(settings.database_url)
    metrics = metrics or PrometheusMetrics()
    core = PlnCore(db, clock, messenger, core_config(settings), metrics=metrics)
    alarm = None if isinstance(clock, SimulatedClock) else Alarm(clock)
    return App(db=db, core=core, runner=Runner(core, alarm), metrics=metrics)
