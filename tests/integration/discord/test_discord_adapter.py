"""The Discord adapter over real sockets: commands, DMs, buttons, modals, faults, privacy."""

from __future__ import annotations

from tests.integration.discord.conftest import ALICE, BOB, CAROL, GUILD, MODERATOR, DiscordBot


async def test_the_bot_connects_and_registers_pln_for_the_guild(discord_bot: DiscordBot) -> None:
    commands = discord_bot.server.commands(GUILD)
    (pln,) = [command for command in commands if command["name"] == "pln"]
    names = {option["name"] for option in pln["options"]}
    assert {"help", "join", "tz", "digest", "history", "prompt", "pause"} <= names
    assert discord_bot.server.intents is not None
    assert discord_bot.server.intents & (1 << 15) == 0, "no message-content intent"


async def test_help_join_and_time_zones(discord_bot: DiscordBot) -> None:
    assert "Commands:" in await discord_bot.command(ALICE, "help")
    assert "Welcome to the PLN" in await discord_bot.command(ALICE, "join")
    welcome = await discord_bot.server.wait_for(lambda: discord_bot.server.dm_messages(ALICE))
    assert "weekly reflection prompt will arrive here" in welcome[0]["content"]
    assert "Europe/Berlin" in await discord_bot.command(ALICE, "tz", {"zone": "berlin"})
    assert "Mars" in await discord_bot.command(ALICE, "tz", {"zone": "Mars/Olympus"})


async def test_prompt_now_reaches_every_member_once_and_members_are_refused(
    discord_bot: DiscordBot,
) -> None:
    for user in (ALICE, BOB, CAROL):
        await discord_bot.command(user, "join")
    assert "Only moderators" in await discord_bot.command(ALICE, "prompt now")
    report = await discord_bot.command(MODERATOR, "prompt now")
    assert "3 members" in report
    for user in (ALICE, BOB, CAROL):
        prompts = [m for m in discord_bot.server.dm_messages(user) if m.get("embeds")]
        assert len(prompts) == 1, user
        ids = [c["custom_id"] for row in prompts[0]["components"] for c in row["components"]]
        assert [i.split(":")[0] for i in ids] == ["prompt.answer", "prompt.skip", "prompt.snooze"]
