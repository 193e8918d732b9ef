"""Tracks: moderators choose where prompts come from; members see the list."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.prompts.library import default_library
from bot.prompts.tracks import term_plans
from bot.store.models import Delivery
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


async def prompt_ids(core: PlnCore) -> list[str]:
    async def load(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(Delivery.prompt_id).order_by(Delivery.due_at)))

    return await core.db.run(load)


async def test_members_see_the_tracks_and_only_moderators_choose(core: PlnCore) -> None:
    (listing,) = await core.handle_command(member("alice"), "track")
    assert "`all`" in listing.text and "`olf`" in listing.text and "`school-year`" in listing.text
    (refused,) = await core.handle_command(member("alice"), "track olf")
    assert "Only moderators" in refused.text
    (unknown,) = await core.handle_command(member("mod"), "track nonsense")
    assert "There is no track called nonsense" in unknown.text
    (chosen,) = await core.handle_command(member("mod"), "track olf")
    assert "Ontario Leadership Framework" in chosen.text
    assert "Using data:" in chosen.text, "the elements are described for the moderator"


async def test_a_framework_track_draws_only_from_that_framework(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(member("mod"), "track multipliers")
    await core.handle_command(member("alice"), "join")
    runner = Runner(core)
    for _ in range(8):
        await runner.advance(timedelta(days=7))
    library = default_library()
    ids = await prompt_ids(core)
    assert len(ids) == 8
    assert {library.by_id(i).framework_id for i in ids} == {"multipliers"}  # type: ignore[union-attr]


async def test_a_term_plan_walks_its_elements_week_by_week(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(member("mod"), "track school-year")
    await core.handle_command(member("alice"), "join")
    runner = Runner(core)
    for _ in range(4):
        await runner.advance(timedelta(days=7))
    library = default_library()
    plan = next(p for p in term_plans() if p.id == "school-year")
    walked = [
        f"{library.by_id(i).framework_id}/{library.by_id(i).element_id}"  # type: ignore[union-attr]
        for i in await prompt_ids(core)
    ]
    assert len(walked) == 4
    start = plan.elements.index(walked[0])
    assert walked == [plan.elements[(start + n) % len(plan.elements)] for n in range(4)]
