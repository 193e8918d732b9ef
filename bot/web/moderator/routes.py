"""`add_routes`: the moderators' pages and their navigation entries, in the order shown."""

from __future__ import annotations

from aiohttp import web

from bot.web.moderator import calendar_page, pages
from bot.web.render import NavLink, add_nav

NAV = (
    (pages.OVERVIEW_PATH, "Overview"),
    (calendar_page.CALENDAR_PATH, "Calendar"),
    (pages.DISCUSSIONS_PATH, "Discussions"),
    (pages.CHECKINS_PATH, "Check-ins"),
    (pages.AUDIT_PATH, "Audit log"),
    (pages.SETTINGS_PATH, "Settings"),
)
PATHS = tuple(path for path, _ in NAV)


def add_routes(app: web.Application) -> None:
    pages.add_routes(app)
    calendar_page.add_routes(app)
    for path, label in NAV:
        add_nav(app, NavLink(path, label, moderators=True))
