"""The moderators' overview page's figures: the same counts as `/pln stats`, over the last
26 weeks, and nothing anyone wrote (SQLite file and PostgreSQL; simulated clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import community_overview, stats
from bot.core.community_overview import CommunityOverview
from bot.core.context import Context
from bot.core.page_access import ModeratorsOnly
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.core.stats_chart import stats_figure
from bot.web.inline_svg import figure_svg
from tests.support.actors import member

ALICE, BOB, DARA, QUILL = member("alice"), member("bob"), member("dara"), member("quill")
MOD = member("mod")
PLANTED = "the Zorbulax procurement fiasco"


async def _overview(core: PlnCore, who: object = MOD) -> CommunityOverview:
    async def read(ctx: Context) -> CommunityOverview:
        return await community_overview.gather(ctx)

    return await core.with_context(who, read)  # type: ignore[arg-type]


async def _two_weeks(core: PlnCore) -> None:
    """Four join; week 48 alice and bob answer, quill skips; week 49 alice answers; then
    dara leaves and quill pauses."""
    runner = Runner(core)
    for actor in (ALICE, BOB, QUILL, DARA):
        await core.handle_command(actor, "join")
    await runner.advance(timedelta(days=3, hours=1))
    await core.handle_message(ALICE, f"Week one: {PLANTED} again.")
    await core.handle_message(BOB, "Inventory done.")
    await core.handle_command(QUILL, "skip")
    await runner.advance(timedelta(days=7))
    await core.handle_message(ALICE, f"Week two, and {PLANTED} is still with us.")
    await core.handle_command(DARA, "leave")
    await core.handle_command(QUILL, "pause")
    await runner.advance(timedelta(days=2))


async def test_members_rates_and_coverage_in_counts(core: PlnCore) -> None:
    await _two_weeks(core)

    overview = await _overview(core)

    members = overview.figures.members
    assert (members.active, members.paused, members.left) == (2, 1, 1)
    assert len(overview.week_rates) == 26
    shown = {w.label: (w.sent, w.answered, w.skipped, w.rate) for w in overview.week_rates}
    assert shown["2026-W48"] == (4, 2, 1, 50)
    assert shown["2026-W49"] == (4, 1, 0, 25)
    assert overview.rate == 38
    assert 0 < overview.elements_touched <= 3 < overview.elements

    async def all_time(ctx: Context) -> stats.CommunityStats:
        return await stats.gather(ctx, "all")

    assert overview.figures.coverage == (await core.with_context(MOD, all_time)).coverage
    assert overview.figures.checkins is not None and overview.figures.checkins.joined == 0


async def test_the_chart_is_inline_svg_without_words_or_names(core: PlnCore) -> None:
    await _two_weeks(core)
    overview = await _overview(core)

    svg = figure_svg(stats_figure(overview.figures), "Response rate", "Two weeks", "rate")

    assert svg.startswith("<svg") and 'role="img"' in svg and "style=" not in svg
    assert '<title id="rate-title">Response rate</title>' in svg
    for secret in ("zorbulax", "quill", "dara", "alice", "bob"):
        assert secret not in svg.casefold()


async def test_a_member_is_refused_the_overview(core: PlnCore) -> None:
    await core.handle_command(ALICE, "join")

    with pytest.raises(ModeratorsOnly):
        await _overview(core, ALICE)
