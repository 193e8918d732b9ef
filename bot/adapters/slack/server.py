"""The HTTP side: one aiohttp server for Slack's requests, the OAuth install, health, metrics.

Slack sends events, slash commands and interactivity to the same `POST /slack/events`;
bolt verifies each request's signature before any listener sees it. `GET /healthz` and
`GET /metrics` are every adapter's (`bot.adapters.ops_http`): /healthz answers 503 until the
token is checked and the runner has started, then 200 while the database answers and the
scheduler is alive, catching up included.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.adapters.ops_http import HEALTH_PATH as HEALTH_PATH
from bot.adapters.ops_http import METRICS_PATH as METRICS_PATH
from bot.adapters.ops_http import OpsEndpoints
from bot.adapters.slack.directory import PLATFORM
from bot.adapters.slack.metrics_hooks import request_kind
from bot.core.metrics import timed_event

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused


def build_web_app(bolt: AsyncApp, ops: OpsEndpoints) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        # the HTTP response is Slack's ack: bolt returns it once the listener acked
        async with timed_event(ops.metrics, PLATFORM, request_kind(bolt_request.body)):
            bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def install(request: web.Request) -> web.Response:
        flow = bolt.oauth_flow
        if flow is None:
            return web.Response(status=404, text="This bot is installed in one workspace only.")
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def oauth_redirect(request: web.Request) -> web.Response:
        flow = bolt.oauth_flow
        if flow is None:
            return web.Response(status=404)
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, events)
    ops.add_routes(web_app)
    web_app.router.add_get(INSTALL_PATH, install)
    web_app.router.add_get(REDIRECT_PATH, oauth_redirect)
    return web_app
