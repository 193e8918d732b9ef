"""A member's DM channel is kept once a send opened it: after a restart (nothing cached in
the process), a fan-out to known members opens no new DM channel, which Discord's
anti-spam counts; Discord's global pace is the only one they wait for."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.discord.messenger import DiscordMessenger
from bot.core.actors import Actor, CommunityRef
from bot.store.models import Member
from tests.integration.discord.conftest import ALICE, BOB, GUILD, MODERATOR, DiscordBot


def opened(bot: DiscordBot) -> int:
    return len(bot.server.requests("POST", "/users/@me/channels"))


def forget_everything_in_memory(bot: DiscordBot) -> None:
    """As after a restart: neither our messenger nor discord.py knows any DM channel."""
    messenger = bot.service.app.core.messenger
    assert isinstance(messenger, DiscordMessenger)
    messenger.dm_channels.clear()
    messenger._channel_ids.clear()
    state = bot.service.client._connection
    state._private_channels.clear()
    state._private_channels_by_user.clear()


async def stored_channels(bot: DiscordBot) -> dict[str, str | None]:
    async def load(session: AsyncSession) -> dict[str, str | None]:
        rows = await session.execute(select(Member.platform_user_id, Member.dm_channel_id))
        return dict(rows.tuples().all())

    return await bot.service.app.db.run(load)


async def test_a_fan_out_to_known_members_opens_no_new_dm_channel(
    discord_bot: DiscordBot,
) -> None:
    core = discord_bot.service.app.core
    for user in (ALICE, BOB):  # joined without the welcome DM: no DM channel yet
        await core.handle_command(
            Actor(CommunityRef("discord", GUILD, "School PLN"), user, user), "join"
        )
    before = opened(discord_bot)
    await discord_bot.command(MODERATOR, "prompt now")
    assert opened(discord_bot) - before == 2  # the first prompt opens each DM channel
    channels = await stored_channels(discord_bot)
    assert channels[ALICE] and channels[BOB] and channels[ALICE] != channels[BOB]

    forget_everything_in_memory(discord_bot)
    before = opened(discord_bot)
    await discord_bot.command(MODERATOR, "prompt now")
    assert opened(discord_bot) == before, "known members: no DM channel opened"
    for user in (ALICE, BOB):
        prompts = [m for m in discord_bot.server.dm_messages(user) if m.get("embeds")]
        assert len(prompts) == 2, user
