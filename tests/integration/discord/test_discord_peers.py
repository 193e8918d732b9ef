"""The peer half on Discord: `/pln peers profile` answers with the profile's modal at once,
its submission is stored; `/pln peers checkins` and `/pln peers mentor` run with their
choices, and a mentee's introduction reaches the mentor by DM."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinOptIn, MemberProfile
from bot.store.database import Database
from bot.store.models import Member
from tests.integration.discord.conftest import ALICE, BOB, CAROL, GUILD, DiscordBot


async def _profile_of(db: Database, user_id: str) -> MemberProfile | None:
    async def find(session: AsyncSession) -> MemberProfile | None:
        member_id = await session.scalar(
            select(Member.id).where(Member.platform_user_id == user_id)
        )
        return None if member_id is None else await session.get(MemberProfile, member_id)

    return await db.run(find)


async def test_profile_opens_its_modal_and_the_submission_is_stored(
    discord_bot: DiscordBot, db: Database
) -> None:
    server = discord_bot.server
    await discord_bot.command(ALICE, "join")
    typed = await server.slash_command_interaction(GUILD, ALICE, "pln", "peers profile", {})
    (callback,) = await server.wait_for_responses(typed, 1)
    assert callback.type == 9, "a modal, as the first answer"
    modal = server.modal(typed)
    assert modal is not None and str(modal["custom_id"]).startswith("pln.form.profile")
    fields = {"school": "St Mary's", "role": "leader", "interests": "olf/using-data"}
    submit = await server.modal_submit_interaction(ALICE, str(modal["custom_id"]), fields)
    responses = await server.wait_for_responses(submit, 2)
    assert "senior administrator" in "\n".join(r.content or str(r.data) for r in responses)
    found = await _profile_of(db, ALICE)
    assert found is not None and (found.school_key, found.role) == ("saint marys", "leader")


async def test_checkins_and_mentoring_by_their_choices(
    discord_bot: DiscordBot, db: Database
) -> None:
    for user in (ALICE, BOB):
        await discord_bot.command(user, "join")
    said = await discord_bot.command(ALICE, "peers checkins", {"action": "join"})
    assert "You're in the check-ins" in said
    said = await discord_bot.command(
        ALICE, "peers checkins", {"action": "pause", "until": "2026-12-07"}
    )
    assert "paused" in said
    assert await db.run(lambda session: session.scalar(select(CheckinOptIn.paused_until)))
    await discord_bot.command(BOB, "peers profile", {"action": "role", "value": "leader"})
    await discord_bot.command(BOB, "peers profile", {"action": "school", "value": "Northside"})
    await discord_bot.command(BOB, "peers mentor", {"action": "offer", "value": "2"})
    said = await discord_bot.command(
        BOB, "peers mentor", {"action": "assess", "value": "5 5 5 5 5"}
    )
    assert "Saved your self-assessment" in said
    await discord_bot.command(ALICE, "peers profile", {"action": "role", "value": "it"})
    await discord_bot.command(ALICE, "peers mentor", {"action": "request"})
    said = await discord_bot.command(
        ALICE, "peers mentor", {"action": "assess", "value": "1 1 2 2 1"}
    )
    assert "Meet your mentor, bob." in said
    told = [str(m.get("content")) for m in discord_bot.server.dm_messages(BOB)]
    assert any("Meet your new mentee, alice." in text for text in told), told


async def test_a_mentor_ends_one_match_with_the_member_option(discord_bot: DiscordBot) -> None:
    """`/pln peers mentor action:end member:@alice`: the picker's user becomes `<@id>`."""
    for user in (ALICE, BOB, CAROL):
        await discord_bot.command(user, "join")
    await discord_bot.command(BOB, "peers profile", {"action": "role", "value": "leader"})
    await discord_bot.command(BOB, "peers mentor", {"action": "offer", "value": "2"})
    await discord_bot.command(BOB, "peers mentor", {"action": "assess", "value": "5 5 5 5 5"})
    for user in (ALICE, CAROL):
        await discord_bot.command(user, "peers profile", {"action": "role", "value": "it"})
        await discord_bot.command(user, "peers mentor", {"action": "request"})
        await discord_bot.command(user, "peers mentor", {"action": "assess", "value": "1 1 2 2 1"})

    said = await discord_bot.command(BOB, "peers mentor", {"action": "end", "member": ALICE})

    assert "Ended your mentoring match with alice. I've told them." in said
    assert "Your other 1 match(es) go on. Your offer to mentor stays open." in said

    def alice_told() -> bool:
        told = [str(m.get("content")) for m in discord_bot.server.dm_messages(ALICE)]
        return any("bob ended your mentoring match" in text for text in told)

    await discord_bot.server.wait_for(alice_told)
    said = await discord_bot.command(BOB, "peers mentor", {"action": "status"})
    assert "Your mentee: carol" in said and "alice" not in said
    said = await discord_bot.command(BOB, "peers mentor", {"action": "end", "member": ALICE})
    assert "Your matches: carol (your mentee)." in said
