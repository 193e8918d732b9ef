"""Sign in with Discord on the Discord process's own web page (PLN_WEB=on): the process's
DISCORD_API_URL and bot token drive it, the owner or a Manage Server member signs in as a
moderator, a member without it does not, and someone who never joined is told to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.discord.service import build_discord_service
from bot.adapters.discord.settings import DiscordSettings
from bot.config import load_settings
from bot.core.clock import SimulatedClock
from bot.store.database import Database
from bot.store.web_models import WebSession
from bot.web.oauth.pending import PENDING_COOKIE
from bot.web.sessions import COOKIE
from tests.integration.discord.conftest import (
    ALICE,
    BOB,
    GUILD,
    MODERATOR,
    TOKEN,
    DiscordBot,
)
from tests.support.discord_standin import DiscordStandIn

CLIENT_ID = "555000000000000001"
CLIENT_SECRET = "discord-client-secret"


@pytest.fixture
async def web_bot(
    server: DiscordStandIn,
    database_url: str,
    db: Database,
    clock: SimulatedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[DiscordBot]:
    """The Discord bot with its web page on 127.0.0.1 (a free port) and Discord sign-in."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)  # restored after the test
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)

    async def no_sleep(seconds: float) -> None:
        return None

    settings = DiscordSettings(
        discord_token=TOKEN,
        discord_api_url=server.api_url,
        pln_discord_guild_ids=GUILD,
        pln_discord_dm_rate=50,
        discord_client_id=CLIENT_ID,
        discord_client_secret=CLIENT_SECRET,
    )
    core_settings = load_settings(
        database_url=database_url, web="on", http_host="127.0.0.1", http_port=0
    )
    service = build_discord_service(
        core_settings, settings, clock, sleep=no_sleep, guild_ready_timeout=0.05
    )
    await service.start()
    assert service.app.ops_server is not None
    base = f"http://127.0.0.1:{service.app.ops_server.port}"
    server.oauth.register_app(CLIENT_ID, CLIENT_SECRET, base + "/signin/discord/callback")
    yield DiscordBot(service, server, clock, [])
    await service.stop()


async def _sign_in(bot: DiscordBot, user_id: str) -> tuple[int, str]:
    """The whole round trip as a browser makes it: the callback's status and the body of
    home (signed in) or of the callback (refused)."""
    assert bot.service.app.ops_server is not None
    base = f"http://127.0.0.1:{bot.service.app.ops_server.port}"
    bot.server.oauth.sign_in_as(user_id)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(base + "/signin/discord", allow_redirects=False) as start:
            pending = {PENDING_COOKIE: start.cookies[PENDING_COOKIE].value}
            at_discord = start.headers["Location"]
        assert at_discord.startswith(bot.server.base_url + "/oauth2/authorize?")
        async with http.get(at_discord, allow_redirects=False) as back:
            callback = back.headers["Location"]
        async with http.get(callback, cookies=pending, allow_redirects=False) as done:
            if COOKIE not in done.cookies:
                return done.status, await done.text()
            status, session = done.status, done.cookies[COOKIE].value
        async with http.get(base + "/", cookies={COOKIE: session}) as home:
            return status, await home.text()


async def _admin_flags(db: Database) -> list[bool]:
    async def read(session: AsyncSession) -> list[bool]:
        rows = await session.scalars(select(WebSession.platform_admin).order_by(WebSession.id))
        return list(rows.all())

    return await db.run(read)


async def test_the_server_manager_is_a_moderator_and_a_member_is_not(
    web_bot: DiscordBot, db: Database
) -> None:
    for user_id in (MODERATOR, ALICE):
        assert "Welcome" in await web_bot.command(user_id, "join")

    status, home = await _sign_in(web_bot, MODERATOR)
    assert status == 303 and "as a moderator" in home
    status, home = await _sign_in(web_bot, ALICE)
    assert status == 303 and "Signed in as" in home and "as a moderator" not in home

    assert await _admin_flags(db) == [True, False]


async def test_someone_who_never_joined_is_told_to_join(web_bot: DiscordBot) -> None:
    status, body = await _sign_in(web_bot, BOB)
    assert status == 403 and "/pln join" in body
