"""Holidays in the claim: each member's local date decides, and channel mode posts nothing
on a holiday either (SQLite file and PostgreSQL; the clock moved by `Runner.advance`).

The clock starts on Friday 20 November 2026, 10:00 UTC; the weekly prompt is Monday 09:00.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

MOD = member("mod")


async def test_a_holiday_is_applied_at_each_members_local_date(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """Sunday 22 November is a holiday. Monday 09:00 in Kiritimati (UTC+14) is Sunday 19:00
    in UTC, but Monday where Kiri lives: she gets her prompt. Nobody gets one on the 23rd
    when the 23rd itself is a holiday."""
    for name in ("uta", "kiri"):
        await core.handle_command(member(name), "join")
    await core.handle_command(member("kiri"), "tz Pacific/Kiritimati")
    await core.handle_command(MOD, 'holidays add 2026-11-22 "Sunday off"')
    await core.handle_command(MOD, 'holidays add 2026-11-30 "Staff day"')

    await Runner(core).advance(timedelta(days=10, hours=1))  # to Monday 30 Nov, 11:00 UTC

    assert messenger.counts() == {"uta": 1, "kiri": 1}, "the 23rd for both; the 30th for none"


async def test_channel_mode_posts_nothing_on_a_holiday(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(member("alice"), "join")
    await core.handle_command(MOD, "channel #pln")
    await core.handle_command(MOD, "mode channel")
    await core.handle_command(MOD, 'holidays add 2026-11-23..2026-11-27 "Half term"')

    await Runner(core).advance(timedelta(days=10, hours=1))

    assert len(messenger.channel_posts) == 1, "the 30th only"


async def test_a_discussion_is_not_posted_on_a_holiday(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """A fortnightly discussion on Tuesdays 24 Nov, 8 Dec and 22 Dec: the winter break
    holds back the third."""
    (saved,) = await core.handle_command(
        MOD,
        'schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 '
        'Europe/London text "Who do your families trust with their data?" confirm',
    )
    assert saved.text.startswith("Saved as schedule "), saved.text
    await core.handle_command(MOD, 'holidays add 2026-12-21..2027-01-03 "Winter break"')

    await Runner(core).advance(timedelta(days=35))

    posted = [post.message.text.splitlines()[0] for post in messenger.channel_posts]
    assert posted == ["Discussion: Trust and data", "Recap: Trust and data"] * 2
