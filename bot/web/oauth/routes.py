"""`/signin/slack` and `/signin/discord`: from the sign-in page to the platform and back.

The start URL sets the pending cookie and sends the browser to the platform's authorize
page; the callback checks `state` against that cookie, trades the code (with the PKCE
verifier) for who the person is, and ends in `start_session`'s sign-in like every other
way in. A refusal is a page saying what to do, never a traceback, and never names a
token or code.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.member_communities import JoinedCommunity, joined_communities
from bot.web.deps import WebDeps, deps_of
from bot.web.identity import WebIdentity, sign_in
from bot.web.oauth.discord import DiscordSignIn
from bot.web.oauth.pending import (
    PENDING_COOKIE,
    PENDING_LIFETIME,
    PendingCookies,
    PendingSignIn,
    SignInRefused,
    start_pending,
)
from bot.web.oauth.platform_user import PlatformUser
from bot.web.oauth.settings import (
    DISCORD_CALLBACK_PATH,
    SLACK_CALLBACK_PATH,
    discord_endpoints,
    slack_endpoints,
)
from bot.web.oauth.slack import SlackSignIn
from bot.web.render import page
from bot.web.sessions import COOKIE_SIGNER, public

log = logging.getLogger(__name__)

SLACK_START: Final = "/signin/slack"
DISCORD_START: Final = "/signin/discord"
PENDING_PATH: Final = "/signin/"
# Discord answers "is this user in guild X" one guild per call, rate limited: ask about a
# few of the guilds where they joined, and let someone in more pick one (`?community=`)
MAX_GUILDS_ASKED: Final = 5


def _redirect_uri(request: web.Request, deps: WebDeps, path: str) -> str:
    """The callback URL registered at the platform: PLN_WEB_BASE_URL + path."""
    base = deps.settings.base_url or f"{request.scheme}://{request.host}"
    return base.rstrip("/") + path


async def _cookies(request: web.Request) -> PendingCookies:
    signer = await request.app[COOKIE_SIGNER].signer()
    return PendingCookies(signer.secret_keys[-1])


def _not_set_up(request: web.Request, platform: str) -> web.Response:
    message = f"Sign in with {platform} is not set up for this bot. Use a /pln web link."
    return page(
        "error.html", request, {"title": "Sign-in not set up", "message": message}, status=404
    )


def _refused(request: web.Request, reason: str) -> web.Response:
    response = page(
        "error.html", request, {"title": "Sign-in did not work", "message": reason}, status=400
    )
    response.del_cookie(PENDING_COOKIE, path=PENDING_PATH)
    return response


async def _away(
    request: web.Request, deps: WebDeps, pending: PendingSignIn, location: str
) -> web.Response:
    response = web.Response(status=302, headers={"Location": location})
    response.set_cookie(
        PENDING_COOKIE,
        (await _cookies(request)).dump(pending),
        max_age=int(PENDING_LIFETIME.total_seconds()),
        path=PENDING_PATH,
        httponly=True,
        samesite="Lax",  # sent on the platform's top-level redirect back, not on embeds
        secure=deps.settings.secure_cookies,
    )
    return response


async def _pending(request: web.Request, deps: WebDeps, provider: str) -> PendingSignIn:
    error = request.query.get("error")
    if error:
        raise SignInRefused(f"The platform did not sign you in ({error[:60]}). Start again.")
    return (await _cookies(request)).check(
        request.cookies.get(PENDING_COOKIE),
        provider=provider,
        state=request.query.get("state"),
        now=deps.clock.now(),
    )


async def _signed_in(request: web.Request, user: PlatformUser) -> web.StreamResponse:
    identity = WebIdentity(
        platform=user.platform,
        community_external_id=user.community_external_id,
        platform_user_id=user.user_id,
        display_name=user.display_name,
        platform_admin=user.platform_admin,
    )
    response = await sign_in(request, identity)
    response.del_cookie(PENDING_COOKIE, path=PENDING_PATH)
    return response


# -- Slack ---------------------------------------------------------------------------------


def _slack(deps: WebDeps) -> SlackSignIn | None:
    endpoints = slack_endpoints(deps.settings)
    return None if endpoints is None else SlackSignIn(endpoints, deps.clock)


@public
async def start_slack(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    client = _slack(deps)
    if client is None:
        return _not_set_up(request, "Slack")
    pending = start_pending("slack", deps.clock.now())
    redirect_uri = _redirect_uri(request, deps, SLACK_CALLBACK_PATH)
    return await _away(request, deps, pending, client.authorize_url(pending, redirect_uri))


@public
async def slack_callback(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    client = _slack(deps)
    if client is None:
        return _not_set_up(request, "Slack")
    try:
        pending = await _pending(request, deps, "slack")
        redirect_uri = _redirect_uri(request, deps, SLACK_CALLBACK_PATH)
        user = await client.identify(request.query.get("code", ""), pending, redirect_uri)
    except SignInRefused as refused:
        log.info("a Slack sign-in was refused", extra={"fields": {"reason": str(refused)}})
        return _refused(request, str(refused))
    if deps.platform_admin is not None:  # Slack's OpenID answer does not say; users.info does
        admin = await deps.platform_admin(user.platform, user.community_external_id, user.user_id)
        user = replace(user, platform_admin=admin)
    return await _signed_in(request, user)


# -- Discord -------------------------------------------------------------------------------


def _discord(deps: WebDeps) -> DiscordSignIn | None:
    endpoints = discord_endpoints(deps.settings)
    return None if endpoints is None else DiscordSignIn(endpoints)


@public
async def start_discord(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    client = _discord(deps)
    if client is None:
        return _not_set_up(request, "Discord")
    community = request.query.get("community", "")
    pending = start_pending("discord", deps.clock.now(), community if community.isdecimal() else "")
    redirect_uri = _redirect_uri(request, deps, DISCORD_CALLBACK_PATH)
    return await _away(request, deps, pending, client.authorize_url(pending, redirect_uri))


@public
async def discord_callback(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    client = _discord(deps)
    if client is None:
        return _not_set_up(request, "Discord")
    try:
        pending = await _pending(request, deps, "discord")
        redirect_uri = _redirect_uri(request, deps, DISCORD_CALLBACK_PATH)
        account = await client.account(request.query.get("code", ""), pending, redirect_uri)

        async def joined(session: AsyncSession) -> list[JoinedCommunity]:
            return await joined_communities(
                session, "discord", account.user_id, limit=MAX_GUILDS_ASKED
            )

        communities = await deps.db.run(joined)
        if pending.community:
            communities = [c for c in communities if c.external_id == pending.community]
        if len(communities) > 1:
            return _choose(request, communities)
        user = await client.membership(account, communities[0].external_id) if communities else None
    except SignInRefused as refused:
        log.info("a Discord sign-in was refused", extra={"fields": {"reason": str(refused)}})
        return _refused(request, str(refused))
    if user is None:
        response = page("not_member.html", request, {"title": "Join the PLN first"}, status=403)
        response.del_cookie(PENDING_COOKIE, path=PENDING_PATH)
        return response
    return await _signed_in(request, user)


def _choose(request: web.Request, communities: list[JoinedCommunity]) -> web.Response:
    """Someone in the PLN of several servers picks one; each link signs in again there
    (quickly: Discord skips its consent screen for an app already allowed)."""
    response = page(
        "signin_choose.html",
        request,
        {"title": "Which server?", "communities": communities, "start": DISCORD_START},
    )
    response.del_cookie(PENDING_COOKIE, path=PENDING_PATH)
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get(SLACK_START, start_slack)
    app.router.add_get(SLACK_CALLBACK_PATH, slack_callback)
    app.router.add_get(DISCORD_START, start_discord)
    app.router.add_get(DISCORD_CALLBACK_PATH, discord_callback)
