"""/signin/slack and /signin/discord on a running web page, against the stand-ins: the
round trip ends in a session for the member, and a callback whose `state` is not the one
this browser started with (or that comes without the pending cookie) signs nobody in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.store.database import Database
from bot.store.web_models import WebSession
from bot.web.deps import WebSettings
from bot.web.oauth.discord import MANAGE_GUILD
from bot.web.oauth.pending import PENDING_COOKIE
from bot.web.sessions import COOKIE
from tests.support.discord_standin.plugin import DiscordStandInFactory
from tests.support.discord_standin.server import DiscordStandIn
from tests.support.messenger import RecordingMessenger
from tests.support.slack_standin import SlackStandIn
from tests.support.slack_standin.plugin import SlackStandInFactory
from tests.support.web_server import TEST_SECRET, WebServer, start_web_server
from tests.web.oauth_support import CLIENT_ID, CLIENT_SECRET

GUILD = "900000000000000001"
SECOND_GUILD = "900000000000000002"
OWNER = "100000000000000001"
GRACE = "100000000000000002"
MANAGER = "100000000000000003"
ADA = Actor(CommunityRef("slack", "T1"), "U1", "Ada Lovelace")


@dataclass
class Platforms:
    server: WebServer
    slack: SlackStandIn
    discord: DiscordStandIn
    http: aiohttp.ClientSession


@pytest.fixture
async def platforms(
    db: Database,
    clock: SimulatedClock,
    config: CoreConfig,
    slack_standin_factory: SlackStandInFactory,
    discord_standin_factory: DiscordStandInFactory,
) -> AsyncIterator[Platforms]:
    async with slack_standin_factory() as slack, discord_standin_factory() as discord:
        settings = WebSettings(
            secret=TEST_SECRET,
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_api_url=slack.base_url,
            discord_client_id=CLIENT_ID,
            discord_client_secret=CLIENT_SECRET,
            discord_api_url=discord.api_url,
            discord_bot_token="bot-token",
        )
        server = await start_web_server(db, clock, RecordingMessenger(), config, settings)
        slack.openid.set_clock(lambda: clock.now().timestamp())
        slack.openid.register_app(CLIENT_ID, CLIENT_SECRET, server.url("/signin/slack/callback"))
        slack.add_user("U1", "Ada Lovelace", team_id="T1")
        discord.oauth.register_app(CLIENT_ID, CLIENT_SECRET, server.url("/signin/discord/callback"))
        discord.add_user(GRACE, "grace", global_name="Grace Hopper")
        discord.add_guild(
            GUILD,
            owner_id=OWNER,
            members=[GRACE, MANAGER],
            member_permissions={MANAGER: MANAGE_GUILD},
        )
        discord.add_guild(SECOND_GUILD, owner_id=OWNER, members=[GRACE])
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            yield Platforms(server, slack, discord, http)
        await server.stop()


async def _get(
    http: aiohttp.ClientSession, url: str, cookies: dict[str, str] | None = None
) -> tuple[int, str, dict[str, str], str]:
    """Status, Location, the cookies set (name -> value) and the body, no redirect followed."""
    async with http.get(url, allow_redirects=False, cookies=cookies or {}) as response:
        set_cookies = {name: morsel.value for name, morsel in response.cookies.items()}
        location = response.headers.get("Location", "")
        return response.status, location, set_cookies, await response.text()


async def _round_trip(p: Platforms, start: str) -> tuple[str, dict[str, str]]:
    """Start at the page, go through the platform: the callback URL and the pending cookie."""
    status, location, cookies, _ = await _get(p.http, p.server.url(start))
    assert status == 302, location
    pending = {PENDING_COOKIE: cookies[PENDING_COOKIE]}
    status, callback, _, _ = await _get(p.http, location)
    assert status == 302
    return callback, pending


async def _platform_admin_of(db: Database) -> list[bool]:
    async def read(session: AsyncSession) -> list[bool]:
        return list((await session.scalars(select(WebSession.platform_admin))).all())

    return await db.run(read)


async def test_a_slack_member_signs_in_and_reaches_home(platforms: Platforms) -> None:
    p = platforms
    await p.server.core.handle_command(ADA, "join")
    p.slack.openid.sign_in_as("U1")
    callback, pending = await _round_trip(p, "/signin/slack")

    status, location, cookies, _ = await _get(p.http, callback, pending)

    assert (status, location) == (303, "/")
    assert cookies[PENDING_COOKIE] == ""  # the pending sign-in is over
    status, _, _, body = await _get(p.http, p.server.url("/"), {COOKIE: cookies[COOKIE]})
    assert status == 200 and "Ada Lovelace" in body


async def test_a_callback_with_another_state_signs_nobody_in(platforms: Platforms) -> None:
    """Login CSRF: an attacker's own code and state, planted in a victim's browser."""
    p = platforms
    await p.server.core.handle_command(ADA, "join")
    p.slack.openid.sign_in_as("U1")
    callback, pending = await _round_trip(p, "/signin/slack")
    _, victims_pending = await _round_trip(p, "/signin/slack")  # the victim's own sign-in

    status, _, cookies, body = await _get(p.http, callback, victims_pending)

    assert status == 400 and "does not match" in body
    assert COOKIE not in cookies
    assert p.slack.calls_to("openid.connect.token") == []  # the code was never even tried
    status, _, cookies, _ = await _get(p.http, callback, pending)  # its own browser: fine
    assert status == 303 and COOKIE in cookies


async def test_a_callback_without_the_pending_cookie_signs_nobody_in(
    platforms: Platforms,
) -> None:
    p = platforms
    await p.server.core.handle_command(ADA, "join")
    p.slack.openid.sign_in_as("U1")
    callback, _ = await _round_trip(p, "/signin/slack")

    status, _, cookies, body = await _get(p.http, callback)

    assert status == 400 and "not started in this browser" in body
    assert COOKIE not in cookies


async def test_a_slack_user_who_has_not_joined_is_told_to_join(platforms: Platforms) -> None:
    p = platforms
    p.slack.openid.sign_in_as("U1")
    callback, pending = await _round_trip(p, "/signin/slack")

    status, _, cookies, body = await _get(p.http, callback, pending)

    assert status == 403 and "/pln join" in body
    assert COOKIE not in cookies


async def test_a_refusal_at_the_platform_is_a_page_not_a_session(platforms: Platforms) -> None:
    p = platforms
    p.slack.openid.sign_in_as(None)  # the person said no at Slack
    callback, pending = await _round_trip(p, "/signin/slack")

    status, _, cookies, body = await _get(p.http, callback, pending)

    assert status == 400 and "access_denied" in body
    assert COOKIE not in cookies


def _discord_actor(user_id: str, guild: str = GUILD) -> Actor:
    return Actor(CommunityRef("discord", guild), user_id, f"user{user_id}")


async def test_a_discord_member_without_manage_guild_is_not_a_moderator(
    platforms: Platforms,
) -> None:
    p = platforms
    await p.server.core.handle_command(_discord_actor(GRACE), "join")
    p.discord.oauth.sign_in_as(GRACE)
    callback, pending = await _round_trip(p, "/signin/discord")

    status, location, cookies, _ = await _get(p.http, callback, pending)

    assert (status, location) == (303, "/")
    assert await _platform_admin_of(p.server.db) == [False]
    _, _, _, body = await _get(p.http, p.server.url("/"), {COOKIE: cookies[COOKIE]})
    assert "Signed in as" in body and "as a moderator" not in body


async def test_a_discord_member_with_manage_guild_is_a_moderator(platforms: Platforms) -> None:
    p = platforms
    await p.server.core.handle_command(_discord_actor(MANAGER), "join")
    p.discord.oauth.sign_in_as(MANAGER)
    callback, pending = await _round_trip(p, "/signin/discord")

    status, _, cookies, _ = await _get(p.http, callback, pending)

    assert status == 303
    assert await _platform_admin_of(p.server.db) == [True]
    _, _, _, body = await _get(p.http, p.server.url("/"), {COOKIE: cookies[COOKIE]})
    assert "as a moderator" in body


async def test_a_member_of_two_servers_picks_one(platforms: Platforms) -> None:
    p = platforms
    await p.server.core.handle_command(_discord_actor(GRACE), "join")
    await p.server.core.handle_command(_discord_actor(GRACE, SECOND_GUILD), "join")
    p.discord.oauth.sign_in_as(GRACE)
    callback, pending = await _round_trip(p, "/signin/discord")

    status, _, _, body = await _get(p.http, callback, pending)

    assert status == 200 and "Which server?" in body
    start = "/signin/discord?" + urlencode({"community": SECOND_GUILD})
    assert f'href="{start}"' in body
    callback, pending = await _round_trip(p, start)
    status, _, cookies, _ = await _get(p.http, callback, pending)
    assert status == 303 and COOKIE in cookies
    member_calls = [c for c in p.discord.oauth.bearer_calls if c.endswith("/member")]
    assert member_calls == [f"/users/@me/guilds/{SECOND_GUILD}/member"]


async def test_a_wrong_pkce_verifier_signs_nobody_in(platforms: Platforms) -> None:
    """The verifier lives in the pending cookie of the browser that started: a code
    carried to another sign-in (another verifier) is refused by Discord."""
    p = platforms
    await p.server.core.handle_command(_discord_actor(GRACE), "join")
    p.discord.oauth.sign_in_as(GRACE)
    callback, _ = await _round_trip(p, "/signin/discord")
    other_callback, other_pending = await _round_trip(p, "/signin/discord")
    state = parse_qs(urlsplit(other_callback).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    forged = p.server.url("/signin/discord/callback?" + urlencode({"code": code, "state": state}))

    status, _, cookies, body = await _get(p.http, forged, other_pending)

    assert status == 400 and "invalid_grant" in body
    assert COOKIE not in cookies
    assert p.discord.oauth.grants.refusals == ["invalid_code_verifier"]
