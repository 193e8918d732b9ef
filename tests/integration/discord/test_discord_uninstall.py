"""The bot removed from a guild: the guild's data is kept PLN_UNINSTALLED_KEEP_DAYS (30 by
default) and then purged; the bot added back in time keeps it. An outage is not a removal.

The gateway stand-in sends GUILD_DELETE and GUILD_CREATE as Discord does; discord.py turns
them into `on_guild_remove` and `on_guild_join`. Time moves on the service's own runner.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor, CommunityRef
from bot.store.models import Community, FreeNote, Member
from tests.integration.discord.conftest import ALICE, GUILD, DiscordBot, eventually

NOTE = "A private note: the trust's device budget review is in January."


async def uninstalled_at(bot: DiscordBot) -> dict[str, datetime | None]:
    async def read(session: AsyncSession) -> dict[str, datetime | None]:
        rows = await session.execute(select(Community.external_id, Community.uninstalled_at))
        return {team: at for team, at in rows.tuples()}  # a Result has keys(): no dict()

    return await bot.service.app.db.run(read)


async def count(bot: DiscordBot, model: type[Member] | type[FreeNote]) -> int:
    async def read(session: AsyncSession) -> int:
        return len(list(await session.scalars(select(model.id))))

    return await bot.service.app.db.run(read)


async def alice_with_a_note(bot: DiscordBot) -> None:
    assert "Welcome to the PLN" in await bot.command(ALICE, "join")
    await bot.server.message_create(ALICE, content=NOTE)

    async def note_kept() -> bool:
        return await count(bot, FreeNote) == 1

    await eventually(note_kept)


async def removed(bot: DiscordBot) -> None:
    await bot.server.dispatch("GUILD_DELETE", {"id": GUILD})

    async def marked() -> bool:
        return (await uninstalled_at(bot)).get(GUILD) is not None

    await eventually(marked)


async def test_removed_from_a_guild_the_data_is_kept_30_days_then_purged(
    discord_bot: DiscordBot,
) -> None:
    await alice_with_a_note(discord_bot)
    await removed(discord_bot)
    assert await uninstalled_at(discord_bot) == {GUILD: discord_bot.clock.now()}

    await discord_bot.advance(days=29)
    assert await count(discord_bot, Member) == 1 and await count(discord_bot, FreeNote) == 1

    await discord_bot.advance(days=2)
    assert await uninstalled_at(discord_bot) == {}, "the guild's community is gone"
    assert await count(discord_bot, Member) == 0 and await count(discord_bot, FreeNote) == 0


async def test_added_back_within_the_period_the_guild_keeps_its_data(
    discord_bot: DiscordBot,
) -> None:
    await alice_with_a_note(discord_bot)
    await removed(discord_bot)
    await discord_bot.advance(days=10)
    await discord_bot.server.announce_guild(GUILD)  # the bot is invited again

    async def cleared() -> bool:
        return await uninstalled_at(discord_bot) == {GUILD: None}

    await eventually(cleared)
    await discord_bot.advance(days=31)
    assert await count(discord_bot, Member) == 1 and await count(discord_bot, FreeNote) == 1


async def test_a_guild_outage_is_not_a_removal(discord_bot: DiscordBot) -> None:
    await alice_with_a_note(discord_bot)
    await discord_bot.server.dispatch("GUILD_DELETE", {"id": GUILD, "unavailable": True})
    await discord_bot.advance(days=31)
    assert await uninstalled_at(discord_bot) == {GUILD: None}
    assert await count(discord_bot, FreeNote) == 1


async def test_a_guild_that_removed_the_bot_while_it_was_offline_starts_its_keeping_period(
    discord_bot: DiscordBot,
) -> None:
    """At (re)connection Discord's READY lists every guild the bot is in, unavailable ones
    included: a guild of ours missing from it removed the bot while it was offline."""
    await alice_with_a_note(discord_bot)
    gone = CommunityRef("discord", "900000000000000077", "A guild that removed the bot")
    await discord_bot.service.app.core.handle_command(Actor(gone, ALICE, "alice"), "join")
    assert await uninstalled_at(discord_bot) == {GUILD: None, gone.external_id: None}

    await discord_bot.service.client.on_ready()  # as after a new IDENTIFY

    assert await uninstalled_at(discord_bot) == {
        GUILD: None,
        gone.external_id: discord_bot.clock.now(),
    }
