"""The web page's "my settings": what it shows, read in one unit of work, follows what the
chat commands change (the page changes them by those same commands).

Real core on a real SQLite file and the real PostgreSQL server (the `db` fixture).
"""

from __future__ import annotations

from bot.core.my_settings import MySettings, my_settings
from bot.core.service import PlnCore
from tests.support.actors import member

ALICE = member("alice")


async def settings(core: PlnCore) -> MySettings | None:
    return await core.with_context(ALICE, my_settings)


async def test_settings_follow_the_chat_commands(core: PlnCore) -> None:
    assert await settings(core) is None  # not a member: nothing to show
    await core.handle_command(ALICE, "join")
    before = await settings(core)
    assert before is not None
    assert (before.zone, before.zone_chosen, before.paused) == ("UTC", False, False)
    assert before.next_prompt is not None
    assert (before.digest_cadence, before.in_checkins, before.role_name) == (
        "monthly",
        False,
        "not set",
    )

    await core.handle_command(ALICE, "tz Europe/London")
    await core.handle_command(ALICE, "pause 2w")
    await core.handle_command(ALICE, "digest schedule termly")
    await core.handle_command(ALICE, "checkins join")
    await core.handle_command(ALICE, 'profile school "Northside Academy"')
    await core.handle_command(ALICE, "profile role teacher")
    after = await settings(core)

    assert after is not None
    assert (after.zone, after.zone_chosen) == ("Europe/London", True)
    assert after.paused and after.paused_until is not None and after.next_prompt is None
    assert after.digest_cadence == "termly" and after.in_checkins
    assert (after.school, after.role) == ("Northside Academy", "teacher")

    await core.handle_command(ALICE, "resume")
    await core.handle_command(ALICE, "leave")
    assert await settings(core) is None  # left: the page says so instead
