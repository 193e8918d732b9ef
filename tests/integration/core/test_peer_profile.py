"""The profile and the check-ins opt-in, stored as the commands say (SQLite file and the
real PostgreSQL server, the `db` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins import profile
from bot.core.events import FormSubmitted
from bot.core.service import NOT_JOINED, PlnCore
from bot.store.checkin_models import CheckinOptIn, MemberProfile
from bot.store.database import Database
from bot.store.models import Member
from tests.support.actors import member

ALICE = member("alice")


async def _said(core: PlnCore, text: str) -> str:
    return "\n".join(reply.text for reply in await core.handle_command(ALICE, text))


async def _row(db: Database, table: type, name: str = "alice") -> object | None:
    async def find(session: AsyncSession) -> object | None:
        from sqlalchemy import select

        member_id = await session.scalar(select(Member.id).where(Member.platform_user_id == name))
        return None if member_id is None else await session.get(table, member_id)

    return await db.run(find)


async def test_each_field_is_stored_with_the_school_folded(core: PlnCore, db: Database) -> None:
    await core.handle_command(ALICE, "join")
    await _said(core, 'profile school "St. Mary\'s  Academy"')
    await _said(core, "profile role Teacher")
    await _said(core, "profile interests olf/using-data,slict/shared-vision olf/using-data")
    found = await _row(db, MemberProfile)
    assert isinstance(found, MemberProfile)
    assert (found.school, found.school_key) == ("St. Mary's Academy", "saint marys academy")
    assert found.role == "teacher"
    assert found.interests == "olf/using-data slict/shared-vision"
    shown = await _said(core, "profile show")
    assert "Role: teacher-integrator" in shown and "St. Mary's Academy" in shown
    await _said(core, "profile interests none")
    found = await _row(db, MemberProfile)
    assert isinstance(found, MemberProfile) and found.interests == ""


async def test_a_wrong_value_says_what_is_valid_and_stores_nothing(
    core: PlnCore, db: Database
) -> None:
    await core.handle_command(ALICE, "join")
    said = await _said(core, "profile interests olf/using-dta")
    assert "I don't know olf/using-dta" in said
    assert "olf/using-data" in said and "multipliers/liberator" in said
    said = await _said(core, "profile role principal")
    assert "`it` (IT professional)" in said and "`leader` (senior administrator)" in said
    assert await _row(db, MemberProfile) is None


async def test_the_form_saves_all_three_and_refuses_a_bad_role(core: PlnCore, db: Database) -> None:
    await core.handle_command(ALICE, "join")
    (form,) = await core.handle_command(ALICE, "profile")
    assert form.form is not None and form.form.submit_action_id == profile.FORM_ACTION
    assert core.command_opens_form("profile") and not core.command_opens_form("profile show")
    (shown,) = await core.handle_command(ALICE, "profile show")
    assert [button.action_id for button in shown.buttons] == [profile.EDIT_ACTION]
    fields = {"school": "Northside Academy", "role": "boss", "interests": "none"}
    refused = await core.handle(FormSubmitted(ALICE, profile.FORM_ACTION, "0", fields))
    assert "`it` (IT professional)" in refused.replies[0].text
    assert await _row(db, MemberProfile) is None
    fields["role"] = "IT professional"
    await core.handle(FormSubmitted(ALICE, profile.FORM_ACTION, "0", fields))
    found = await _row(db, MemberProfile)
    assert isinstance(found, MemberProfile)
    assert (found.school_key, found.role, found.interests) == ("northside academy", "it", "")


async def test_profile_needs_joining_first(core: PlnCore) -> None:
    assert await core.handle_command(ALICE, "profile show") == [NOT_JOINED]


async def test_checkins_opt_in_pause_and_leave(core: PlnCore, db: Database) -> None:
    await core.handle_command(ALICE, "join")
    await core.handle_command(ALICE, "tz Europe/Berlin")
    assert "not in the check-ins" in await _said(core, "checkins status")
    assert await _row(db, CheckinOptIn) is None
    assert "Tell me your school" in await _said(core, "checkins join")
    assert "already in" in await _said(core, "checkins join")
    assert "after today" in await _said(core, "checkins pause until 2026-11-20")
    said = await _said(core, "checkins pause until 2026-12-07")
    assert "until Mon 07 Dec 2026" in said
    found = await _row(db, CheckinOptIn)
    assert isinstance(found, CheckinOptIn)
    # the start of that day in the member's own zone
    assert found.paused_until == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    said = await _said(core, "checkins")
    assert "paused until Mon 07 Dec 2026" in said and "No check-in rounds are planned" in said
    assert "pause is over" in await _said(core, "checkins join")
    assert "You've left" in await _said(core, "checkins leave")
    assert await _row(db, CheckinOptIn) is None
    assert "`/pln checkins pause until 2027-01-10`" in await _said(core, "checkins pause soon")


async def test_status_names_the_next_round_after_a_pause(core: PlnCore) -> None:
    moderator = member("mod")  # PLN_MODERATORS in the tests' config
    await core.handle_command(moderator, "join")
    said = "\n".join(
        r.text
        for r in await core.handle_command(
            moderator, "schedule checkins every 2 weeks on mon 10:00 Europe/London confirm"
        )
    )
    assert "Monday" in said or "Mon" in said, said
    await core.handle_command(ALICE, "join")
    await _said(core, "checkins join")
    assert "Your next round: Mon 23 Nov 10:00." in await _said(core, "checkins status")
    await _said(core, "checkins pause until 2026-12-01")
    said = await _said(core, "checkins status")
    assert "paused until Tue 01 Dec 2026. Your next round: Mon 07 Dec 10:00." in said
