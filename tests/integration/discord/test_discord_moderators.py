"""Discord: `/pln prompt moderators add:` with a member mention and `/pln prompt stats` with
its chart, through discord.py over real sockets to the gateway stand-in (the moderator has
Manage Guild). SQLite file and PostgreSQL (the `discord_bot` fixture)."""

from __future__ import annotations

from tests.integration.discord.conftest import ALICE, GUILD, MODERATOR, DiscordBot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_a_member_added_by_mention_gets_stats_with_the_chart(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.command(ALICE, "join")
    assert "Only moderators" in await discord_bot.command(ALICE, "prompt stats")

    added = await discord_bot.command(MODERATOR, "prompt moderators", {"add": f"<@{ALICE}>"})

    assert f"({ALICE}) is now a moderator" in added
    interaction = await discord_bot.server.slash_command_interaction(
        GUILD, ALICE, "pln", "prompt stats", {"period": "month"}, permissions="0"
    )
    _, follow_up = await discord_bot.server.wait_for_responses(interaction, 2, timeout=30.0)
    assert "Members: 1 active, 0 paused, 0 left." in (follow_up.content or "")
    (chart,) = follow_up.files
    assert chart.filename == "pln-stats-month.png" and chart.data.startswith(PNG_SIGNATURE)
    log = await discord_bot.command(ALICE, "prompt audit")
    assert f"{MODERATOR} ran `/pln moderators add`" in log
