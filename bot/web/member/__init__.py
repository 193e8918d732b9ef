"""The member's own pages: reflections, digest, goals, data (export, erase) and settings.

Each member sees only their own: every page reads through the core with the session's
actor, and every change is the chat command the member could have typed.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.member import data, digest, reflections, settings
from bot.web.render import NavLink, add_nav


def add_routes(app: web.Application) -> None:
    """The member pages' routes and navigation entries, in reading order."""
    reflections.add_routes(app)
    digest.add_routes(app)
    data.add_routes(app)
    settings.add_routes(app)
    for path, label in (
        (reflections.LIST_PATH, "My reflections"),
        (digest.DIGEST_PATH, "My digest"),
        (digest.GOALS_PATH, "My goals"),
        (settings.SETTINGS_PATH, "My settings"),
        (data.DATA_PATH, "My data"),
    ):
        add_nav(app, NavLink(path, label))
