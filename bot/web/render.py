"""Templates: the Jinja environment (autoescaped) and what every page's template gets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class NavLink:
    """One entry of the navigation; `moderators` entries show to moderators only."""

    path: str
    label: str
    moderators: bool = False


NAV = web.AppKey("pln_web_nav", list[NavLink])


def add_nav(app: web.Application, link: NavLink) -> None:
    """Page modules add their entries when they add their routes (in mount order)."""
    app[NAV].append(link)


def _page_context(request: web.Request) -> dict[str, Any]:
    session = request.get("web_session")
    links = request.app.get(NAV, [])
    moderator = bool(session is not None and session.is_moderator)
    return {
        "web_session": session,
        "csrf_token": session.csrf_token if session is not None else "",
        "nav": [link for link in links if moderator or not link.moderators]
        if session is not None
        else [],
        "current_path": request.path,
    }


def setup_templates(app: web.Application) -> None:
    app[NAV] = []
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def page(
    template: str, request: web.Request, context: dict[str, Any], status: int = 200
) -> web.Response:
    """A whole HTML page from `template` (which extends base.html)."""
    merged = {**_page_context(request), **context}
    return aiohttp_jinja2.render_template(template, request, merged, status=status)


def error_page(request: web.Request, title: str, message: str) -> str:
    """The HTML of an error page (403 and friends), for an HTTPException's body."""
    context = {**_page_context(request), "title": title, "message": message}
    return aiohttp_jinja2.render_string("error.html", request, context)
