"""`GET /healthz` and `GET /metrics` for every adapter, on PLN_HTTP_HOST:PLN_HTTP_PORT.

The Slack adapter in HTTP mode adds these routes to its own aiohttp server (Slack's events
arrive on the same port); every other adapter (Slack in Socket Mode, Discord, the console)
starts an `OpsServer` of its own when PLN_HTTP_PORT is set, or when it serves the web page
(bot/web: the console by default, on 127.0.0.1:8080). The container image sets the port, so
a container always has its health check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.adapters.prometheus_metrics import PrometheusMetrics
from bot.core.health import check_health
from bot.core.runner import Runner
from bot.store.database import Database

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


class OpsListenError(Exception):
    """The port could not be opened; str() is one line naming the settings to fix."""


@dataclass
class OpsEndpoints:
    """What the two routes read: the store, the runner (for the alarm) and the metrics."""

    db: Database
    runner: Runner
    metrics: PrometheusMetrics

    async def health(self, _request: web.Request) -> web.Response:
        health = await check_health(self.db, self.runner)
        return web.json_response(health.as_json(), status=200 if health.healthy else 503)

    async def scrape(self, _request: web.Request) -> web.Response:
        await self.metrics.refresh(self.db, self.runner.core.clock.now())
        return web.Response(
            body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(HEALTH_PATH, self.health)
        app.router.add_get(METRICS_PATH, self.scrape)


class OpsServer:
    """An aiohttp server with the two routes (and the web page when `extend` mounts it);
    `port` is the bound one (0 picks one)."""

    def __init__(
        self,
        endpoints: OpsEndpoints,
        extend: Callable[[web.Application], None] | None = None,
    ) -> None:
        self._endpoints = endpoints
        self._extend = extend
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> int:
        app = web.Application()
        self._endpoints.add_routes(app)
        if self._extend is not None:
            self._extend(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = await listen(self._runner, host, port)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def listen(runner: web.AppRunner, host: str, port: int) -> int:
    """Bind `runner` to host:port; the port actually bound (port 0 asks the OS for one)."""
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise OpsListenError(
            f"cannot listen on {host}:{port} (PLN_HTTP_HOST, PLN_HTTP_PORT): "
            f"{error.strerror or error}"
        ) from None
    server = site._server  # aiohttp keeps the bound sockets here; port 0 needs them
    sockets = getattr(server, "sockets", None) or []
    return int(sockets[0].getsockname()[1]) if sockets else port
