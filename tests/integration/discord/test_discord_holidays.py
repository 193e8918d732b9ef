"""Holidays on Discord: a school calendar attached to `/pln prompts holidays import:`,
previewed, then confirmed with the button; a bad file and a member are refused. discord.py
reads the attachment from the stand-in's CDN address, as from Discord's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.holiday_models import Holiday
from tests.integration.discord.conftest import ALICE, GUILD, MANAGE_GUILD, MODERATOR, DiscordBot
from tests.support.discord_standin import InteractionResponse

CALENDAR = Path(__file__).parents[2] / "fixtures" / "calendars" / "school-year.ics"


async def _import(bot: DiscordBot, user: str, name: str, data: bytes) -> list[InteractionResponse]:
    interaction = await bot.server.slash_command_interaction(
        GUILD,
        user,
        "pln",
        "prompts holidays",
        {"import": (name, data)},
        permissions=str(MANAGE_GUILD if user == MODERATOR else 0),
    )
    return await bot.server.wait_for_responses(interaction, 2, timeout=30.0)


async def _holidays(bot: DiscordBot) -> list[tuple[str, str | None]]:
    async def read(session: AsyncSession) -> list[tuple[str, str | None]]:
        rows = await session.scalars(select(Holiday).order_by(Holiday.first_day))
        return [(h.name, h.import_batch) for h in rows]

    return await bot.service.app.db.run(read)


async def test_an_attached_calendar_is_previewed_and_saved_on_confirm(
    discord_bot: DiscordBot,
) -> None:
    _defer, preview = await _import(discord_bot, MODERATOR, "term.ics", CALENDAR.read_bytes())

    assert "`term.ics` has 3 holiday(s) to import" in str(preview.data.get("content"))
    buttons = [c for row in preview.data["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Confirm", "Cancel"]
    assert {name for name, _ in await _holidays(discord_bot)} == {
        "Winter break",
        "Staff training day",
        "Residential trip",
    }
    assert all(batch is not None for _, batch in await _holidays(discord_bot)), "not yet"

    press = await discord_bot.server.component_interaction(
        MODERATOR, buttons[0]["custom_id"], str(preview.message_id), guild_id=GUILD
    )
    responses = await discord_bot.server.wait_for_responses(press, 2, timeout=30.0)

    assert "Imported 3 holiday(s)" in str(responses[-1].data.get("content"))
    assert all(batch is None for _, batch in await _holidays(discord_bot))


async def test_a_bad_file_gets_one_error_and_a_member_is_refused(discord_bot: DiscordBot) -> None:
    _defer, bad = await _import(discord_bot, MODERATOR, "notes.ics", b"Minutes of the meeting")
    await discord_bot.command(ALICE, "join")
    _defer, refused = await _import(discord_bot, ALICE, "term.ics", CALENDAR.read_bytes())

    assert "`notes.ics` is not a calendar I can read" in str(bad.data.get("content"))
    assert "Only moderators can do that" in str(refused.data.get("content"))
    assert await _holidays(discord_bot) == []
