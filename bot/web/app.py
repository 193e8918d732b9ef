"""`mount_web`: the web page's routes, files and middlewares on an aiohttp app.

The Slack adapter mounts it on the server it already runs; Discord and the console mount it
on their `OpsServer` (bot/adapters/ops_http.py) when PLN_WEB is on. Page modules each add
their own routes here, in the order their navigation entries should show.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.web import links, member, pages
from bot.web.deps import WEB_DEPS, WebDeps, WebSettings
from bot.web.moderator import routes as moderator_pages
from bot.web.oauth import routes as oauth_routes
from bot.web.render import setup_templates
from bot.web.security import security_headers
from bot.web.sessions import COOKIE_SIGNER, CookieSigner, session_middleware

STATIC = Path(__file__).parent / "static"

__all__ = ["WebDeps", "WebSettings", "mount_web"]


def mount_web(app: web.Application, deps: WebDeps) -> None:
    """Add the pages, `/static/`, the security headers and the sessions to `app`."""
    app[WEB_DEPS] = deps
    app[COOKIE_SIGNER] = CookieSigner(deps)
    app.middlewares.append(security_headers)
    app.middlewares.append(session_middleware)
    setup_templates(app)
    app.router.add_static("/static/", STATIC)
    pages.add_routes(app)
    links.add_routes(app)
    member.add_routes(app)
    moderator_pages.add_routes(app)
    oauth_routes.add_routes(app)
