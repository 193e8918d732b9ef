"""`/pln prompts web` (the web page's sign-in link, `/pln web` elsewhere) through the real
discord.py stack: the subgroup routes to the core command, and the link it answers with is
the one a browser can use (its hash stored, the token itself never)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.discord.service import build_discord_service
from bot.adapters.discord.settings import DiscordSettings
from bot.config import load_settings
from bot.core.clock import SimulatedClock
from bot.core.web_sign_in import WEB_OFF, token_hash
from bot.store.database import Database
from bot.store.web_models import WebSignInLink
from tests.integration.discord.conftest import ALICE, GUILD, TOKEN, DiscordBot
from tests.support.discord_standin import DiscordStandIn

BASE_URL = "https://pln.example.org"


@pytest.fixture
async def web_bot(
    server: DiscordStandIn,
    database_url: str,
    clock: SimulatedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[DiscordBot]:
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)

    async def no_sleep(seconds: float) -> None:
        return None

    settings = DiscordSettings(
        discord_token=TOKEN, discord_api_url=server.api_url, pln_discord_guild_ids=GUILD
    )
    service = build_discord_service(
        load_settings(database_url=database_url, web_base_url=BASE_URL),
        settings,
        clock,
        sleep=no_sleep,
        guild_ready_timeout=0.05,
    )
    await service.start()
    yield DiscordBot(service, server, clock, [])
    await service.stop()


async def test_the_web_command_says_the_page_is_off_when_it_is(discord_bot: DiscordBot) -> None:
    await discord_bot.command(ALICE, "join")
    assert await discord_bot.command(ALICE, "prompts web") == WEB_OFF.text


async def test_the_web_command_answers_with_a_link_whose_hash_is_stored(
    web_bot: DiscordBot, db: Database
) -> None:
    await web_bot.command(ALICE, "join")
    reply = await web_bot.command(ALICE, "prompts web")
    assert f"{BASE_URL}/signin/link/" in reply
    token = reply.rsplit("/signin/link/", 1)[1].split()[0]

    async def stored(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(WebSignInLink.token_hash)))

    hashes = await db.run(stored)
    assert hashes == [token_hash(token)]
    assert token not in hashes
