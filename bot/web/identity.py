"""From "this person proved who they are" to a session: shared by every way of signing in
(a `/pln web` link, Slack's OpenID Connect, Discord's OAuth2)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import web_sessions
from bot.web.deps import WEB_DEPS
from bot.web.render import page
from bot.web.sessions import create_session, set_session_cookie


@dataclass(frozen=True)
class WebIdentity:
    """Someone a platform vouched for: who, in which community, and whether the platform
    calls them an admin there (Slack workspace admin, Discord Manage Guild)."""

    platform: str
    community_external_id: str
    platform_user_id: str
    display_name: str
    platform_admin: bool = False


class NotAMember(Exception):
    """The person has not joined the PLN in that community (or has left it)."""


async def start_session(app: web.Application, identity: WebIdentity) -> str:
    """A new session for the member this identity is; the signed cookie value.
    Raises NotAMember for someone who has not joined (`/pln join` first)."""
    deps = app[WEB_DEPS]

    async def find(session: AsyncSession) -> int | None:
        member = await web_sessions.active_member(
            session, identity.platform, identity.community_external_id, identity.platform_user_id
        )
        return None if member is None else member.id

    member_id = await deps.db.run(find)
    if member_id is None:
        raise NotAMember(identity.platform)
    return await create_session(app, member_id, identity.platform_admin)


async def sign_in(request: web.Request, identity: WebIdentity) -> web.StreamResponse:
    """The end of every sign-in: the session cookie and off to the home page, or the page
    that says to join first."""
    try:
        cookie = await start_session(request.app, identity)
    except NotAMember:
        return page("not_member.html", request, {"title": "Join the PLN first"}, status=403)
    response = web.Response(status=303, headers={"Location": "/"})
    set_session_cookie(response, request.app[WEB_DEPS], cookie)
    return response
