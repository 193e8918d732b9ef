"""The Discord adapter as it runs for real: discord.py over real sockets to a local stand-in.

`discord_bot` starts the same DiscordService the CLI starts, on the test's database, with
DISCORD_API_URL pointing at the stand-in's REST API; the gateway URL comes from the
stand-in's `GET /gateway/bot`, as in production. discord.py's REST base and default
gateway are class attributes, restored after each test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord.service import DiscordService, build_discord_service
from bot.adapters.discord.settings import DiscordSettings
from bot.config import load_settings
from bot.core.clock import SimulatedClock
from bot.store.database import Database
from tests.support.discord_standin import DiscordStandIn

TOKEN = "discord-test-token.abc.def"
GUILD = "900000000000000001"
MODERATOR = "800000000000000001"
ALICE = "800000000000000002"
BOB = "800000000000000003"
CAROL = "800000000000000004"
MANAGE_GUILD = 0x20


@dataclass
class DiscordBot:
    service: DiscordService
    server: DiscordStandIn
    clock: SimulatedClock
    sleeps: list[float]

    async def advance(self, **delta: float) -> None:
        await self.service.app.runner.advance(timedelta(**delta))

    async def command(
        self, user_id: str, subcommand: str, options: dict[str, object] | None = None
    ) -> str:
        """Run `/pln <subcommand>` in the guild; returns the text of the (single) follow-up."""
        interaction = await self.server.slash_command_interaction(
            GUILD,
            user_id,
            "pln",
            subcommand,
            options or {},
            permissions=str(MANAGE_GUILD if user_id == MODERATOR else 0),
        )
        responses = await self.server.wait_for_responses(interaction, 2, timeout=30.0)
        return "\n".join(r.content or _embed_text(r.data) for r in responses[1:])


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Wait for a side effect the bot makes silently (a stored edit): no traffic to wait on.

    Returns as soon as `check` holds; fails after `within` seconds rather than hanging.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{check.__name__} still false after {within} s")
        await asyncio.sleep(0.01)


def _embed_text(payload: dict[str, object]) -> str:
    embeds = payload.get("embeds") or []
    parts: list[str] = []
    for embed in embeds if isinstance(embeds, list) else []:
        parts.append(str(embed.get("title") or ""))
        parts.append(str(embed.get("description") or ""))
    return "\n".join(parts)


@pytest.fixture
async def server() -> AsyncIterator[DiscordStandIn]:
    async with DiscordStandIn(token=TOKEN) as standin:
        standin.add_user(MODERATOR, "mo")
        standin.add_user(ALICE, "alice")
        standin.add_user(BOB, "bob")
        standin.add_user(CAROL, "carol")
        standin.add_guild(
            GUILD,
            "School PLN",
            owner_id=MODERATOR,
            members=[MODERATOR, ALICE, BOB, CAROL],
            member_permissions={MODERATOR: MANAGE_GUILD},
        )
        yield standin


@pytest.fixture
async def discord_bot(
    server: DiscordStandIn,
    database_url: str,
    db: Database,
    clock: SimulatedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[DiscordBot]:
    monkeypatch.setattr(Route, "BASE", Route.BASE)  # restored after the test
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    settings = DiscordSettings(
        discord_token=TOKEN,
        discord_api_url=server.api_url,
        pln_discord_guild_ids=GUILD,
        pln_discord_dm_rate=50,
    )
    service = build_discord_service(
        load_settings(database_url=database_url),
        settings,
        clock,
        sleep=record,
        guild_ready_timeout=0.05,
    )
    await service.start()
    yield DiscordBot(service, server, clock, sleeps)
    await service.stop()
