"""The pages every signed-in person shares: home, sign-in and sign-out."""

from __future__ import annotations

from aiohttp import web

from bot.store import web_sessions
from bot.web.deps import deps_of
from bot.web.render import NavLink, add_nav, page
from bot.web.sessions import (
    COOKIE,
    SIGNIN_PATH,
    current_session,
    public,
    require_member,
    session_id_hash,
)

HOME_PATH = "/"
SIGNOUT_PATH = "/signout"


@require_member
async def home(request: web.Request) -> web.StreamResponse:
    session = current_session(request)
    return page("home.html", request, {"title": "Home", "session": session})


@public
async def signin(request: web.Request) -> web.StreamResponse:
    settings = deps_of(request).settings
    return page(
        "signin.html",
        request,
        {
            "title": "Sign in",
            "slack": settings.slack_sign_in,
            "discord": settings.discord_sign_in,
        },
    )


@require_member
async def signout(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    id_hash = await session_id_hash(request)
    if id_hash is not None:
        now = deps.clock.now()
        await deps.db.run(lambda session: web_sessions.sign_out(session, id_hash, now))
    response = web.Response(status=303, headers={"Location": SIGNIN_PATH})
    response.del_cookie(COOKIE, path="/")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(HOME_PATH, home)
    app.router.add_get(SIGNIN_PATH, signin)
    app.router.add_post(SIGNOUT_PATH, signout)
    add_nav(app, NavLink(HOME_PATH, "Home"))
