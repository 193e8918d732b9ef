"""Signing in with a `/pln web` link: GET shows a button, POST uses the link.

Only the POST uses it up, so a chat client's link preview (which GETs every URL it sees)
cannot burn a link before its member clicks. A used, expired or unknown link gets the same
answer, which names nothing about the member.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.web_sign_in import LINK_PATH, token_hash
from bot.store import web_sessions
from bot.web.deps import deps_of
from bot.web.identity import WebIdentity, sign_in
from bot.web.render import page
from bot.web.sessions import public

LINK_ROUTE = LINK_PATH + "{token}"
LINK_REFUSED = (
    "This sign-in link has expired or was already used. Type /pln web in chat for a new one "
    "(each link works once, for 10 minutes)."
)


def _refused(request: web.Request) -> web.Response:
    return page(
        "error.html", request, {"title": "Link not valid", "message": LINK_REFUSED}, status=403
    )


@public
async def show_link(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    token = request.match_info["token"]
    now = deps.clock.now()

    async def check(session: AsyncSession) -> bool:
        return await web_sessions.usable_link(session, token_hash(token), now) is not None

    if not await deps.db.run(check):
        return _refused(request)
    return page("link.html", request, {"title": "Sign in", "action": request.path})


@public
async def use_link(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    token = request.match_info["token"]
    now = deps.clock.now()

    async def use(session: AsyncSession) -> WebIdentity | None:
        link = await web_sessions.use_link(session, token_hash(token), now)
        if link is None:
            return None
        member = await web_sessions.member_by_id(session, link.member_id)
        if member is None:
            return None
        community = await web_sessions.community_by_id(session, member.community_id)
        if community is None:
            return None
        return WebIdentity(
            platform=community.platform,
            community_external_id=community.external_id,
            platform_user_id=member.platform_user_id,
            display_name=member.display_name,
            platform_admin=link.platform_admin,
        )

    identity = await deps.db.run(use)
    if identity is None:
        return _refused(request)
    return await sign_in(request, identity)


def add_routes(app: web.Application) -> None:
    app.router.add_get(LINK_ROUTE, show_link)
    app.router.add_post(LINK_ROUTE, use_link)
