"""Check-in rounds on Discord: planned with the preview's Confirm button; each member gets
a DM naming the others in their group; "Did you meet?" comes five days later and its
button, pressed in the DM (no guild), is routed by the seat to the right community."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinSeat
from tests.integration.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    GUILD,
    MANAGE_GUILD,
    MODERATOR,
    DiscordBot,
)
from tests.support.checkins import opt_in

SCHOOLS = {ALICE: "northside", BOB: "saint marys", CAROL: "northside"}
NAMES = {ALICE: "alice", BOB: "bob", CAROL: "carol"}


async def test_rounds_dm_each_member_naming_the_others_and_the_button_records_the_meeting(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    for user in (MODERATOR, *SCHOOLS):
        await discord_bot.command(user, "join")
    for user, school in SCHOOLS.items():
        await opt_in(
            discord_bot.service.app.db, user, school_key=school, at=discord_bot.clock.now()
        )
    asked = await server.slash_command_interaction(
        GUILD,
        MODERATOR,
        "pln",
        "schedule checkins",
        {"rule": "every 2 weeks on mon 10:00 UTC"},
        permissions=MANAGE_GUILD,
    )
    _defer, preview = await server.wait_for_responses(asked, 2, timeout=30.0)
    confirm = preview.data["components"][0]["components"][0]
    press = await server.component_interaction(
        MODERATOR, confirm["custom_id"], str(preview.message_id), guild_id=GUILD
    )
    await server.wait_for_responses(press, 2, timeout=30.0)

    # Mon 23 Nov 10:00 has passed. alice and carol share a school, so only a pair can be
    # formed with bob; the other is told kindly and is first in line next time
    await discord_bot.advance(days=4)
    intros = {
        u: [m for m in server.dm_messages(u) if "this round's group" in str(m)] for u in SCHOOLS
    }
    (paired,) = [u for u in (ALICE, CAROL) if intros[u]]
    (left,) = {ALICE, CAROL} - {paired}
    assert NAMES[BOB] in str(intros[paired][0]) and NAMES[paired] in str(intros[BOB][0])
    assert any("first in line next round" in str(m) for m in server.dm_messages(left))

    await discord_bot.advance(days=5)
    assert not any("Did you meet" in str(m) for m in server.dm_messages(left))
    (question,) = [m for m in server.dm_messages(BOB) if "Did you meet" in str(m)]
    yes = question["components"][0]["components"][0]
    assert yes["label"] == "Yes"
    pressed = await server.component_interaction(BOB, yes["custom_id"], str(question["id"]))
    answered = await server.wait_for_responses(pressed, 2, timeout=30.0)
    assert "noted that you met" in str([r.data for r in answered]), answered

    async def met(session: AsyncSession) -> list[str | None]:
        return list(await session.scalars(select(CheckinSeat.met).order_by(CheckinSeat.id)))

    assert (await discord_bot.service.app.db.run(met)).count("yes") == 1
