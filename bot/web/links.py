"""Signing in with a `/pln web` link: GET shows a button, POST uses the link.

Only the POST uses it up, so a chat client's link preview (which GETs every URL it sees)
cannot burn a link before its member clicks. A used, expired or unknown link gets the same
answer, which names nothing about the member. The POST must come from the page the GET
showed (a random check in a SameSite=Strict cookie and in the form, compared): another
site cannot sign a visitor in as someone else with a link of its own (login CSRF).
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.web_sign_in import LINK_PATH, token_hash
from bot.store import web_sessions
from bot.web.deps import deps_of
from bot.web.identity import WebIdentity, sign_in
from bot.web.render import page
from bot.web.sessions import public

LINK_ROUTE = LINK_PATH + "{token}"
CHECK_COOKIE = "pln_link_check"
CHECK_FIELD = "link_check"
CHECK_LIFETIME_SECONDS = 600
CHECK_REFUSED = (
    "This sign-in did not come from the link's own page. Open the link again and press "
    "Sign in there; the link still works."
)
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
    nonce = secrets.token_urlsafe(24)
    response = page(
        "link.html", request, {"title": "Sign in", "action": request.path, "check": nonce}
    )
    response.set_cookie(
        CHECK_COOKIE,
        nonce,
        max_age=CHECK_LIFETIME_SECONDS,
        path=LINK_PATH,
        httponly=True,
        samesite="Strict",
        secure=deps.settings.secure_cookies,
    )
    return response


async def _from_its_page(request: web.Request) -> bool:
    cookie = request.cookies.get(CHECK_COOKIE, "")
    form = await request.post()
    sent = form.get(CHECK_FIELD)
    return bool(cookie) and isinstance(sent, str) and hmac.compare_digest(cookie, sent)


@public
async def use_link(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    if not await _from_its_page(request):  # refused before the link is used: it still works
        return page(
            "error.html", request, {"title": "Sign in again", "message": CHECK_REFUSED}, status=403
        )
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
    response = await sign_in(request, identity)
    response.del_cookie(CHECK_COOKIE, path=LINK_PATH)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(LINK_ROUTE, show_link)
    app.router.add_post(LINK_ROUTE, use_link)
