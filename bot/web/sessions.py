"""Who is signed in: server-side sessions behind a signed cookie, roles, CSRF.

The cookie holds only a random session id, signed with itsdangerous; the database holds its
sha256, the member, a CSRF token and the expiry (8 hours). Each request looks the session up
and asks the core afresh whether the member is still a member and a moderator, so leaving
the community or losing the role takes effect at once.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import secrets
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning
from itsdangerous import BadSignature, Signer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor, CommunityRef
from bot.core.context import is_moderator
from bot.core.web_sign_in import token_hash
from bot.store import moderators as moderator_store
from bot.store import web_sessions
from bot.web.deps import WEB_DEPS, WebDeps, deps_of
from bot.web.render import error_page

COOKIE = "pln_session"
SESSION_LIFETIME = timedelta(hours=8)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SIGNIN_PATH = "/signin"
ACCESS_ATTRIBUTE = "pln_web_access"
# paths that never need a session: files, health and metrics, Slack's own requests
_NO_SESSION_PREFIXES = ("/static/", "/healthz", "/metrics", "/slack/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class WebSession:
    """The signed-in member, as handlers see it (`request["web_session"]`)."""

    community_id: int
    member_id: int
    display_name: str
    is_moderator: bool  # the core's moderator rule, asked on this request
    csrf_token: str
    platform: str
    community_external_id: str
    community_name: str
    platform_user_id: str
    platform_admin: bool

    @property
    def actor(self) -> Actor:
        """Who acts when a page calls the core: the same person as in chat."""
        return Actor(
            CommunityRef(self.platform, self.community_external_id, self.community_name),
            self.platform_user_id,
            self.display_name,
            platform_admin=self.platform_admin,
        )


class CookieSigner:
    """Signs and reads the session cookie; the key is PLN_WEB_SECRET or the stored one."""

    def __init__(self, deps: WebDeps) -> None:
        self._deps = deps
        self._signer: Signer | None = None
        self._lock = asyncio.Lock()

    async def signer(self) -> Signer:
        if self._signer is None:
            async with self._lock:
                if self._signer is None:
                    self._signer = Signer(await self._secret(), salt="pln-web-session")
        return self._signer

    async def _secret(self) -> str:
        if self._deps.settings.secret:
            return self._deps.settings.secret
        now = self._deps.clock.now()

        async def read(session: AsyncSession) -> str:
            return await web_sessions.cookie_secret(session, now)

        return await self._deps.db.run(read)

    async def sign(self, session_id: str) -> str:
        return (await self.signer()).sign(session_id).decode("ascii")

    async def unsign(self, cookie: str) -> str | None:
        try:
            return (await self.signer()).unsign(cookie).decode("ascii")
        except (BadSignature, UnicodeError):
            return None


COOKIE_SIGNER = web.AppKey("pln_web_cookie_signer", CookieSigner)


async def create_session(app: web.Application, member_id: int, platform_admin: bool) -> str:
    """A new session for this member; the signed cookie value."""
    deps = app[WEB_DEPS]
    session_id = secrets.token_urlsafe(32)
    now = deps.clock.now()

    async def add(session: AsyncSession) -> None:
        member = await web_sessions.member_by_id(session, member_id)
        if member is None:
            raise LookupError("the member is gone")
        await web_sessions.purge_expired(session, now)
        await web_sessions.add_session(
            session,
            id_hash=token_hash(session_id),
            member=member,
            platform_admin=platform_admin,
            csrf_token=secrets.token_urlsafe(32),
            now=now,
            expires_at=now + SESSION_LIFETIME,
        )

    await deps.db.run(add)
    return await app[COOKIE_SIGNER].sign(session_id)


def set_session_cookie(response: web.StreamResponse, deps: WebDeps, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="Lax",
        secure=deps.settings.secure_cookies,
    )


async def _load(request: web.Request) -> WebSession | None:
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    session_id = await request.app[COOKIE_SIGNER].unsign(cookie)
    if session_id is None:
        return None
    deps = deps_of(request)
    now = deps.clock.now()

    async def read(session: AsyncSession) -> tuple[web_sessions.SessionRow, bool] | None:
        row = await web_sessions.live_session(session, token_hash(session_id), now)
        if row is None or not row.member.active:
            return None
        listed = await moderator_store.is_listed(
            session, row.community.id, row.member.platform_user_id
        )
        return row, listed

    # one read-only unit: looking at a page changes nothing (it is not a message to the bot)
    found = await deps.db.run(read)
    if found is None:
        return None
    row, listed = found
    signed_in = WebSession(
        community_id=row.community.id,
        member_id=row.member.id,
        display_name=row.member.display_name,
        is_moderator=False,
        csrf_token=row.session.csrf_token,
        platform=row.community.platform,
        community_external_id=row.community.external_id,
        community_name=row.community.name,
        platform_user_id=row.member.platform_user_id,
        platform_admin=row.session.platform_admin,
    )
    # the core's one moderator rule, as `Context.is_moderator` applies it
    moderator = listed or is_moderator(signed_in.actor, deps.core.config)
    return replace(signed_in, is_moderator=moderator)


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """`request["web_session"]`: the signed-in member, or None."""
    found = None if request.path.startswith(_NO_SESSION_PREFIXES) else await _load(request)
    with warnings.catch_warnings():
        # the plain key is the one page handlers were promised; aiohttp prefers typed keys
        warnings.simplefilter("ignore", NotAppKeyWarning)
        request["web_session"] = found
    return await handler(request)


def current_session(request: web.Request) -> WebSession | None:
    found = request.get("web_session")
    return found if isinstance(found, WebSession) else None


async def session_id_hash(request: web.Request) -> str | None:
    """The stored hash of this request's session id (for sign-out), if its cookie is good."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    session_id = await request.app[COOKIE_SIGNER].unsign(cookie)
    return None if session_id is None else token_hash(session_id)


async def check_csrf(request: web.Request) -> None:
    """Refuse (403) a POST whose form field or header does not carry the session's token."""
    session = current_session(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.post()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if session is None or not sent or not hmac.compare_digest(sent, session.csrf_token):
        raise forbidden(request, "This form has expired. Go back, reload the page and try again.")


def forbidden(request: web.Request, message: str) -> web.HTTPForbidden:
    return web.HTTPForbidden(
        text=error_page(request, "Not allowed", message), content_type="text/html"
    )


def to_sign_in(request: web.Request) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(SIGNIN_PATH)


def access_of(handler: object) -> str | None:
    """Who a route's handler is for: "public", "member" or "moderator" (None: not declared,
    which the security tests refuse for any page)."""
    found = getattr(handler, ACCESS_ATTRIBUTE, None)
    return found if isinstance(found, str) else None


def _declare(handler: Handler, access: str) -> Handler:
    setattr(handler, ACCESS_ATTRIBUTE, access)
    return handler


def public(handler: Handler) -> Handler:
    """A page anyone may open signed out (sign-in pages, OAuth callbacks): said out loud, so
    that a page nobody guarded fails the security tests instead of going out open."""
    return _declare(handler, "public")


def require_member(handler: Handler) -> Handler:
    """Signed out: to the sign-in page. A POST must carry the session's CSRF token."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if current_session(request) is None:
            raise to_sign_in(request)
        if request.method not in ("GET", "HEAD"):
            await check_csrf(request)
        return await handler(request)

    return _declare(guarded, "member")


def require_moderator(handler: Handler) -> Handler:
    """Signed out: to the sign-in page; a member who is not a moderator here: 403."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        session = current_session(request)
        if session is None:
            raise to_sign_in(request)
        if not session.is_moderator:
            raise forbidden(request, "This page is for the community's moderators.")
        if request.method not in ("GET", "HEAD"):
            await check_csrf(request)
        return await handler(request)

    return _declare(guarded, "moderator")
