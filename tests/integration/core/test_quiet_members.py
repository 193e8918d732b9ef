"""A member who stops answering gets one offer of fewer prompts, then a pause, never
prompts forever (issue 14: ten simulated years without answers sent 522 prompts).

Runs on a real SQLite file and the real PostgreSQL server; time moves on the runner.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.quiet_members import RHYTHM_FORTNIGHTLY_ACTION
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.models import Member
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

QUIET = member("quinn")
KEEN = member("kai")
WEEKLY = "This week's reflection"


def prompts_to(messenger: RecordingMessenger, user: str) -> list[str]:
    return [m.text for r, m in messenger.sent if r.platform_user_id == user and m.heading == WEEKLY]


async def paused(core: PlnCore, user: str) -> bool:
    async def read(session: AsyncSession) -> bool:
        found = await session.scalar(select(Member).where(Member.platform_user_id == user))
        return found is not None and found.paused_at is not None

    return await core.db.run(read)


@pytest.mark.sqlite_only
async def test_a_year_without_answers_brings_one_offer_then_a_pause(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(QUIET, "join")
    await core.handle_command(KEEN, "join")
    runner = Runner(core)
    for _ in range(52):
        await runner.advance(timedelta(weeks=1))
        await core.handle_message(KEEN, "Kai answers every week.")

    quiet = prompts_to(messenger, "quinn")
    assert len(quiet) == 8, "four prompts, the offer with the fifth, three more: then a pause"
    offers = [text for text in quiet if "Would fewer prompts help?" in text]
    assert offers == [quiet[4]]
    assert await paused(core, "quinn")
    assert len(prompts_to(messenger, "kai")) == 52, "those who answer are never nudged"
    assert not any("Would fewer prompts help?" in t for t in prompts_to(messenger, "kai"))


async def test_the_offers_every_two_weeks_button_brings_a_prompt_every_other_week(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(QUIET, "join")
    runner = Runner(core)
    await runner.advance(timedelta(weeks=5))
    offer = next(m for r, m in messenger.sent if "Would fewer prompts help?" in m.text)
    labels = [b.label for b in offer.buttons]
    assert labels == ["Answer", "Every two weeks", "Pause prompts", "Keep weekly", "Skip this week"]
    button = next(b for b in offer.buttons if b.action_id == RHYTHM_FORTNIGHTLY_ACTION)
    (done,) = await core.handle_action(QUIET, button.action_id, button.value)
    assert done.text.startswith("Done: a prompt every two weeks")
    before = len(prompts_to(messenger, "quinn"))
    for _ in range(8):
        await runner.advance(timedelta(weeks=1))
        await core.handle_message(QUIET, "Answering again, now and then.")
    assert len(prompts_to(messenger, "quinn")) - before == 4
    assert not await paused(core, "quinn")


async def test_an_answer_starts_the_count_again(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await core.handle_command(QUIET, "join")
    runner = Runner(core)
    for week in range(12):
        await runner.advance(timedelta(weeks=1))
        if week % 3 == 2:  # answers every third week: never four misses in a row
            await core.handle_message(QUIET, "A short answer this week.")
    assert len(prompts_to(messenger, "quinn")) == 12
    assert not any("Would fewer prompts help?" in t for t in prompts_to(messenger, "quinn"))
