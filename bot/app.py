"""The composition root: settings in, a wired core and runner out, for any adapter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from aiohttp import web

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
from bot.web.deps import PlatformAdminLookup, WebDeps, WebSettings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# where the web page listens when PLN_WEB is on and PLN_HTTP_PORT is not set
WEB_DEFAULT_HOST = "127.0.0.1"
WEB_DEFAULT_PORT = 8080


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
        web_base_url=settings.web_base_url,
        send_retry=timedelta(seconds=settings.send_retry_seconds),
    )


def web_settings(settings: Settings | None) -> WebSettings:
    """The web page's settings (defaults for an adapter built without core settings)."""
    if settings is None:
        return WebSettings()
    secret = settings.web_secret.get_secret_value() if settings.web_secret else None
    return WebSettings(base_url=settings.web_base_url, secret=secret)


def web_wanted(settings: Settings, default: bool) -> bool:
    """PLN_WEB=on|off, or the adapter's default when unset."""
    return default if settings.web is None else settings.web == "on"


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

    def mount_web(
        self,
        web_app: web.Application,
        settings: Settings | None,
        *,
        sign_in: Callable[[WebSettings], WebSettings] | None = None,
        platform_admin: PlatformAdminLookup | None = None,
    ) -> None:
        """The web page (bot/web) on an HTTP server this process runs. An adapter may set
        its platform's sign-in from its own settings (`sign_in`) and say who administers
        a community there (`platform_admin`)."""
        page_settings = web_settings(settings)
        if sign_in is not None:
            page_settings = sign_in(page_settings)
        deps = WebDeps(self.core, self.db, self.core.clock, page_settings, platform_admin)
        # imported here: a process that serves no page does not load its templates and pages
        from bot.web.app import mount_web

        mount_web(web_app, deps)

    def web_listening(self, host: str, port: int) -> str:
        """The page is up on host:port: `/pln web` links point there unless
        PLN_WEB_BASE_URL says where members reach it; the address members open."""
        if self.core.config.web_base_url is None:
            shown = "localhost" if host in ("", "0.0.0.0", "::") else host
            self.core.config = replace(self.core.config, web_base_url=f"http://{shown}:{port}")
        assert self.core.config.web_base_url is not None
        return self.core.config.web_base_url

    async def serve_ops(
        self,
        settings: Settings,
        *,
        with_web: bool = False,
        sign_in: Callable[[WebSettings], WebSettings] | None = None,
        platform_admin: PlatformAdminLookup | None = None,
    ) -> int | None:
        """Open /healthz and /metrics on PLN_HTTP_HOST:PLN_HTTP_PORT if a port is set (and
        the web page when `with_web`, then on 127.0.0.1:8080 if no port is set; `sign_in`
        and `platform_admin` as for `mount_web`). The bound port. Raises `OpsListenError`
        (one line) when the port cannot be had."""
        host, port = settings.http_host, settings.http_port
        if port is None and with_web:
            host, port = WEB_DEFAULT_HOST, WEB_DEFAULT_PORT
        if port is None:
            return None
        extend = (
            (
                lambda web_app: self.mount_web(
                    web_app, settings, sign_in=sign_in, platform_admin=platform_admin
                )
            )
            if with_web
            else None
        )
        server = OpsServer(self.ops, extend)
        bound = await server.start(host, port)
        self.ops_server = server
        if with_web:
            self.web_listening(host, bound)
        return bound

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
