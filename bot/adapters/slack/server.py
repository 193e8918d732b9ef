"""The HTTP side: one aiohttp server for Slack's requests, the OAuth install and a health check.

Slack sends events, slash commands and interactivity to the same `POST /slack/events`;
bolt verifies each request's signature before any listener sees it. `GET /healthz` answers
200 only once the bot is ready (database migrated, token checked, due work caught up), so a
load balancer never routes Slack's requests to a bot that cannot answer them.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is refused


@dataclass
class Readiness:
    ready: bool = False


def build_web_app(bolt: AsyncApp, readiness: Readiness) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def health(_request: web.Request) -> web.Response:
        if readiness.ready:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "starting"}, status=503)

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
    web_app.router.add_get(HEALTH_PATH, health)
    web_app.router.add_get(INSTALL_PATH, install)
    web_app.router.add_get(REDIRECT_PATH, oauth_redirect)
    return web_app
