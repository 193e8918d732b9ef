"""How a member page calls the core: as the session's member, with the chat's commands.

A page form becomes the command a member would type (`DeleteAnswer`, `Share`, the text of
`/pln tz ...`), run through `PlnCore`, so rules and replies are the chat's word for word.
Reads run as one unit of work with the member's context, guarded like chat: a database
outage is the chat's "database down" reply, not an error page with a traceback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from bot.core.actors import Actor
from bot.core.context import Context
from bot.core.messages import OutgoingMessage
from bot.core.replies import DATABASE_DOWN
from bot.core.service import PlnCore
from bot.store.database import DatabaseUnavailable
from bot.web.deps import deps_of
from bot.web.render import error_page, page
from bot.web.sessions import WebSession, current_session, to_sign_in

T = TypeVar("T")


def private_page(
    template: str, request: web.Request, context: dict[str, Any], status: int = 200
) -> web.Response:
    """A member page: it shows their own words, so no browser or proxy keeps a copy (the
    back button after signing out shows nothing)."""
    response = page(template, request, context, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def database_down(request: web.Request) -> web.HTTPServiceUnavailable:
    """The chat's "database down" words, as a page."""
    html = error_page(request, "Try again soon", DATABASE_DOWN.text)
    return web.HTTPServiceUnavailable(text=html, content_type="text/html")


def not_found(request: web.Request, message: str) -> web.HTTPNotFound:
    html = error_page(request, "Not found", message)
    return web.HTTPNotFound(text=html, content_type="text/html")


def core_of(request: web.Request) -> PlnCore:
    return deps_of(request).core


def member_of(request: web.Request) -> WebSession:
    """The signed-in member (the page is behind `require_member`)."""
    session = current_session(request)
    if session is None:
        raise to_sign_in(request)
    return session


def actor_of(request: web.Request) -> Actor:
    return member_of(request).actor


async def read(request: web.Request, work: Callable[[Context], Awaitable[T]]) -> T:
    """`work` in one unit of work as the signed-in member; the database down is a 503 page
    with the chat's words."""
    try:
        return await core_of(request).with_context(actor_of(request), work)
    except DatabaseUnavailable as error:
        raise database_down(request) from error


async def run(request: web.Request, command: object) -> list[str]:
    """An already built chat command, as the member: the replies' texts."""
    replies = await core_of(request).run_command(actor_of(request), command)
    return texts(replies)


async def type_command(request: web.Request, text: str) -> list[str]:
    """`/pln <text>` as the member typed it (one line: a field cannot add a second)."""
    line = " ".join(text.split())
    replies = await core_of(request).handle_command(actor_of(request), line)
    return texts(replies)


def texts(replies: list[OutgoingMessage]) -> list[str]:
    return [reply.text for reply in replies if reply.text]
