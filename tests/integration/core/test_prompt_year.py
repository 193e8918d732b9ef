"""A simulated year for one member: library prompts, no repeats, every element reflected on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.prompts.library import default_library
from bot.store.models import Delivery, Schedule, ScheduleKind
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


async def sent_prompt_ids(core: PlnCore) -> list[str]:
    async def load(session: AsyncSession) -> list[str]:
        rows = await session.scalars(
            select(Delivery.prompt_id)
            .join(Schedule, Schedule.id == Delivery.schedule_id)
            .where(Schedule.kind == ScheduleKind.WEEKLY_PROMPT)  # revisits come on top
            .order_by(Delivery.due_at)
        )
        return list(rows)

    return await core.db.run(load)


@pytest.mark.sqlite_only
async def test_a_year_of_answered_prompts_never_repeats_and_covers_every_element(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    alice = member("alice")
    await core.handle_command(alice, "join")
    runner = Runner(core)
    library = default_library()
    follow_ups = 0
    for week in range(52):
        await runner.advance(timedelta(days=7))
        replies = await core.handle_message(
            alice, f"Week {week}: what I noticed and what I'll try."
        )
        follow_ups += sum("A follow-up, if you like:" in reply.text for reply in replies)

    ids = await sent_prompt_ids(core)
    assert len(ids) == 52
    assert len(set(ids)) == 52, "no prompt twice in a year"
    assert all(library.by_id(prompt_id) is not None for prompt_id in ids), "library prompts"
    elements = {library.by_id(prompt_id).element_id for prompt_id in ids}  # type: ignore[union-attr]
    all_elements = {prompt.element_id for prompt in library.prompts}
    assert elements == all_elements, "every element reflected on within the year"
    assert follow_ups == 52, "every first answer is offered the prompt's follow-up"
    revisits = [m for _, m in messenger.sent if m.heading == "Looking back"]
    assert len([m for _, m in messenger.sent if m.kind != "digest"]) == 52 + len(revisits)
    assert revisits, "some answers were quoted back weeks later"
