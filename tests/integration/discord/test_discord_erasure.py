"""Deleting a DM answer on Discord, through discord.py and the stand-in's gateway.

Discord's MESSAGE_DELETE carries ids only: no author, no text. The bot finds the member
from the DM channel (its recipient), deletes the stored copy and takes the answer's PLN
channel post down, as on Slack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.integration.discord.conftest import ALICE, GUILD, MODERATOR, DiscordBot, eventually
from tests.integration.discord.test_discord_adapter import prompted, stored_answers
from tests.support.discord_standin import JsonDict

ANSWER = "Our marker-pangolin laptop cart pilot reached every Year 7 class."
COPY_DELETED = "You deleted your answer, so I deleted my copy too."


async def answered_and_shared(bot: DiscordBot) -> tuple[str, JsonDict]:
    """alice answers her prompt by DM and shares it: returns her message id and the post."""
    server = bot.server
    channel = server.default_channel_id(GUILD)
    assert "now the PLN channel" in await bot.command(MODERATOR, "channel")
    await prompted(bot, ALICE)
    before = len(server.dm_messages(ALICE))
    message_id = await server.message_create(ALICE, content=ANSWER)
    saved = (await server.wait_for(lambda: server.dm_messages(ALICE)[before:]))[0]
    assert "Saved as your answer" in saved["content"]
    (share,) = [
        c["custom_id"]
        for row in saved["components"]
        for c in row["components"]
        if c["custom_id"].startswith("pln.answer.share:")
    ]
    pressed = await server.component_interaction(ALICE, share, saved["id"])
    await server.wait_for_responses(pressed, 2)
    (post,) = await server.wait_for(
        lambda: [m for m in server.channel_messages(channel) if ANSWER in _text(m)]
    )
    assert [text for _, text in await stored_answers(bot)] == [ANSWER]
    return message_id, post


async def test_deleting_a_dm_answer_deletes_the_copy_and_takes_its_post_down(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    message_id, post = await answered_and_shared(discord_bot)
    before = len(server.dm_messages(ALICE))

    await server.message_delete(message_id)

    await eventually(said(discord_bot, before, COPY_DELETED))
    assert await stored_answers(discord_bot) == []
    assert server.is_deleted(post["id"]), "the PLN channel post is taken down"
    assert all(ANSWER not in _text(m) for m in server.dm_messages(ALICE)[before:])


async def test_a_delete_the_bot_has_no_cache_for_is_resolved_from_the_dm_channel(
    discord_bot: DiscordBot,
) -> None:
    """After a restart discord.py knows neither the message nor the DM channel: the bot asks
    Discord for the channel and finds the member from its recipient."""
    server = discord_bot.server
    message_id, post = await answered_and_shared(discord_bot)
    state: Any = discord_bot.service.client._connection
    state._messages.clear()
    state._private_channels.clear()
    state._private_channels_by_user.clear()
    before = len(server.dm_messages(ALICE))

    await server.message_delete(message_id)

    await eventually(said(discord_bot, before, COPY_DELETED))
    assert await stored_answers(discord_bot) == []
    assert server.is_deleted(post["id"])


def _text(message: JsonDict) -> str:
    parts = [str(message.get("content") or "")]
    for embed in message.get("embeds") or []:
        parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
    return "\n".join(parts)


def said(bot: DiscordBot, after: int, words: str) -> Callable[[], Awaitable[bool]]:
    """A check for `eventually`: the bot said `words` in alice's DM after its `after` first."""

    async def in_the_dm() -> bool:
        return any(words in _text(m) for m in bot.server.dm_messages(ALICE)[after:])

    return in_the_dm
