"""A member of two guilds has one DM with the bot, through the real discord.py client and
the gateway stand-in: a reply to a prompt goes to that prompt's guild, its buttons work
there, and a `/pln` command typed in the DM asks where to type it instead of guessing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor, CommunityRef
from bot.store.models import Answer, Community, Delivery, FreeNote, Member
from tests.integration.discord.conftest import ALICE, GUILD, DiscordBot
from tests.integration.discord.test_discord_adapter import prompted

OTHER_GUILD = CommunityRef("discord", "900000000000000099", "EdTech coaches")
ANSWER = "We moved the device sign-out to the library desk; fewer lost chargers."


async def _alice_prompted_then_joins_another_guild(bot: DiscordBot) -> dict[str, object]:
    prompt = (await prompted(bot, ALICE))[ALICE]
    bot.clock.advance(timedelta(hours=1))  # the other guild is joined later: her most recent
    await bot.service.app.core.handle_command(Actor(OTHER_GUILD, ALICE, "alice"), "join")
    return prompt


async def _guild_of_answers(bot: DiscordBot) -> list[str]:
    async def read(session: AsyncSession) -> list[str]:
        rows = await session.scalars(
            select(Community.external_id)
            .join(Member, Member.community_id == Community.id)
            .join(Answer, Answer.member_id == Member.id)
        )
        return list(rows)

    return await bot.service.app.db.run(read)


async def _guild_of_notes(bot: DiscordBot) -> list[str]:
    async def read(session: AsyncSession) -> list[str]:
        rows = await session.scalars(
            select(Community.external_id)
            .join(Member, Member.community_id == Community.id)
            .join(FreeNote, FreeNote.member_id == Member.id)
        )
        return list(rows)

    return await bot.service.app.db.run(read)


async def _skipped(bot: DiscordBot, delivery_id: int) -> bool:
    async def read(session: AsyncSession) -> bool:
        delivery = await session.get(Delivery, delivery_id)
        return delivery is not None and delivery.skipped_at is not None

    return await bot.service.app.db.run(read)


async def test_a_dm_button_and_a_later_reply_go_to_the_prompts_guild(
    discord_bot: DiscordBot,
) -> None:
    prompt = await _alice_prompted_then_joins_another_guild(discord_bot)
    server = discord_bot.server
    skip_id = prompt["components"][0]["components"][1]["custom_id"]  # type: ignore[index]
    press = await server.component_interaction(ALICE, skip_id, str(prompt["id"]))
    responses = await server.wait_for_responses(press, 2)
    assert "couldn't find" not in (responses[-1].content or "")
    assert await _skipped(discord_bot, int(str(skip_id).split(":")[1]))

    # a plain reply goes where that prompt is, as in a DM of that guild alone: there, the
    # skipped week's reply is kept as a note (the other guild never sent a prompt)
    before = len(server.dm_messages(ALICE))
    await server.message_create(ALICE, content=ANSWER)
    await server.wait_for(lambda: len(server.dm_messages(ALICE)) > before)
    assert "You skipped this week's prompt" in server.dm_messages(ALICE)[-1]["content"]
    assert await _guild_of_notes(discord_bot) == [GUILD]


async def test_a_plain_dm_reply_answers_the_prompt_of_its_guild(discord_bot: DiscordBot) -> None:
    await _alice_prompted_then_joins_another_guild(discord_bot)
    server = discord_bot.server
    before = len(server.dm_messages(ALICE))
    await server.message_create(ALICE, content=ANSWER)
    await server.wait_for(lambda: len(server.dm_messages(ALICE)) > before)
    assert "Saved as your answer" in server.dm_messages(ALICE)[-1]["content"]
    assert await _guild_of_answers(discord_bot) == [GUILD]


async def test_a_command_typed_in_the_dm_asks_which_guild_it_is_for(
    discord_bot: DiscordBot,
) -> None:
    await _alice_prompted_then_joins_another_guild(discord_bot)
    server = discord_bot.server
    asked = await server.slash_command_interaction(None, ALICE, "pln", "pause", {})
    responses = await server.wait_for_responses(asked, 2)
    reply = responses[-1].content or ""
    assert "2 PLNs" in reply and "EdTech coaches" in reply and "School PLN" in reply
    helped = await server.slash_command_interaction(None, ALICE, "pln", "help", {})
    assert (await server.wait_for_responses(helped, 2))[-1].content.startswith("Commands:")


async def test_a_dm_with_nothing_to_go_by_asks_which_guild_and_the_button_places_it(
    discord_bot: DiscordBot,
) -> None:
    """A member of two guilds who has had no prompt yet writes in the DM: the bot keeps the
    message, asks which PLN with a button each, and files it in the one pressed."""
    core, server = discord_bot.service.app.core, discord_bot.server
    await core.handle_command(
        Actor(CommunityRef("discord", GUILD, "School PLN"), ALICE, "a"), "join"
    )
    await core.handle_command(Actor(OTHER_GUILD, ALICE, "alice"), "join")
    before = len(server.dm_messages(ALICE))
    await server.message_create(ALICE, content=ANSWER)
    await server.wait_for(lambda: len(server.dm_messages(ALICE)) > before)
    question = server.dm_messages(ALICE)[-1]
    assert "2 PLNs" in question["content"] and ANSWER not in question["content"]
    buttons = {b["label"]: b for row in question["components"] for b in row["components"]}
    assert set(buttons) == {"School PLN", "EdTech coaches"}
    assert await _guild_of_notes(discord_bot) == []

    press = await server.component_interaction(
        ALICE, buttons["EdTech coaches"]["custom_id"], str(question["id"])
    )
    responses = await server.wait_for_responses(press, 2)
    assert "private note" in (responses[-1].content or "")
    assert await _guild_of_notes(discord_bot) == [OTHER_GUILD.external_id]
