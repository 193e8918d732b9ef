"""The moderators' discussions and check-in pages' figures: titles and counts, newest first,
nobody's words and nobody's pairing (SQLite file and PostgreSQL; simulated clock from
Friday 20 November 2026, 10:00 UTC)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core import community_activity
from bot.core.clock import SimulatedClock
from bot.core.context import Context
from bot.core.page_access import ModeratorsOnly
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.checkin_history import RoundCounts
from tests.support.actors import member
from tests.support.checkins import opt_in
from tests.support.messenger import RecordingMessenger

MOD = member("mod")
PRIVATE = "the Quendrith staffing row"


async def _discussions(core: PlnCore, who: object = MOD) -> tuple[object, ...]:
    async def read(ctx: Context) -> tuple[object, ...]:
        return await community_activity.discussions(ctx)

    return await core.with_context(who, read)  # type: ignore[arg-type]


async def _rounds(core: PlnCore) -> tuple[RoundCounts, ...]:
    async def read(ctx: Context) -> tuple[RoundCounts, ...]:
        return await community_activity.checkin_rounds(ctx)

    return await core.with_context(MOD, read)


async def test_discussions_newest_first_with_what_their_recaps_counted(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    for words in (
        '"Trust and data" in #pln once 2026-11-24 16:00 UTC',
        '"Budget season" in #pln once 2026-11-25 16:00 UTC',
    ):
        await core.handle_command(MOD, f"schedule discussion {words} confirm")
    runner = Runner(core)
    await runner.advance(timedelta(days=5, hours=7))  # Wed 25 Nov 17:00: both posted
    first = next(p for p in messenger.channel_posts if p.message.kind == "discussion")
    messenger.reply_in_thread(first.ref, "U-dana", f"About {PRIVATE}.", clock.now())
    await runner.advance(timedelta(days=2))  # the first recap

    rows = await _discussions(core)

    assert [(r.title, r.recap) for r in rows] == [  # type: ignore[attr-defined]
        ("Budget season", "recap still to come"),
        ("Trust and data", "1 reply from 1 person"),
    ]
    assert rows[1].posted == "Tue 24 Nov 2026 16:00"  # type: ignore[attr-defined]
    assert "quendrith" not in repr(rows).casefold()


async def test_check_in_rounds_with_their_counts(core: PlnCore, clock: SimulatedClock) -> None:
    for name in ("ana", "ben", "cy", "dee", "eve"):
        await core.handle_command(member(name), "join")
        await opt_in(core.db, name, school_key=f"school-{name}", at=clock.now())
    await core.handle_command(
        MOD, "schedule checkins every 2 weeks on mon 10:00 Europe/London confirm"
    )
    await Runner(core).advance(timedelta(days=3, hours=1))

    (round_,) = await _rounds(core)

    assert round_.due_on == date(2026, 11, 23) and round_.status == "formed"
    assert (round_.opted_in, round_.placed, round_.groups) == (5, 5, 2)
    assert round_.meeting_rate is None and "ana" not in repr(round_)


async def test_a_member_is_refused_the_activity_pages(core: PlnCore) -> None:
    await core.handle_command(member("alice"), "join")

    with pytest.raises(ModeratorsOnly):
        await _discussions(core, member("alice"))
