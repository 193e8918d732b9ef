"""A simulated school year for a community that starts on Monday 7 September 2026.

The clock is injected and moved a week at a time; prompts go out on Mondays at 09:00. The
term plan starts at its first element in the first week of the year, start-of-year prompts
come in September and end-of-year ones in June, and a member who says they are experienced
never gets a prompt meant for newcomers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.prompts.library import LibraryPrompt, default_library
from bot.prompts.tracks import term_plans
from bot.store.models import Community, Delivery, Schedule, ScheduleKind
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

FIRST_DAY = date(2026, 9, 7)


@pytest.fixture
def clock() -> SimulatedClock:
    """Tuesday 1 September 2026: the week before the school year starts."""
    return SimulatedClock(datetime(2026, 9, 1, 10, 0, tzinfo=UTC))


async def weekly_prompts(core: PlnCore) -> list[tuple[date, LibraryPrompt]]:
    async def load(session: AsyncSession) -> list[tuple[str, datetime]]:
        rows = await session.execute(
            select(Delivery.prompt_id, Delivery.due_at)
            .join(Schedule, Schedule.id == Delivery.schedule_id)
            .where(Schedule.kind == ScheduleKind.WEEKLY_PROMPT)
            .order_by(Delivery.due_at)
        )
        return [(prompt_id, due) for prompt_id, due in rows]

    library = default_library()
    found = []
    for prompt_id, due in await core.db.run(load):
        prompt = library.by_id(prompt_id)
        assert prompt is not None and not prompt.retired, prompt_id
        found.append((due.date(), prompt))
    return found


async def live_a_school_year(core: PlnCore, track: str) -> list[tuple[date, LibraryPrompt]]:
    mod, alice = member("mod"), member("alice")
    (set_start,) = await core.handle_command(mod, "term starts 2026-09-07")
    assert "starts on Mon 07 Sep 2026" in set_start.text
    await core.handle_command(mod, f"track {track}")
    await core.handle_command(alice, "join")
    (chosen,) = await core.handle_command(alice, "prompts for experienced")
    assert "experienced in the role" in chosen.text
    runner = Runner(core)
    for week in range(43):  # to the end of June 2027
        await runner.advance(timedelta(days=7))
        await core.handle_message(alice, f"Week {week}: what I noticed and what I will try.")
    return await weekly_prompts(core)


@pytest.mark.sqlite_only
async def test_the_term_plan_starts_at_its_first_element_on_the_first_day(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    sent = await live_a_school_year(core, "school-year")
    plan = next(p for p in term_plans() if p.id == "school-year").elements
    first_day, first = sent[0]
    assert first_day == FIRST_DAY
    assert f"{first.framework_id}/{first.element_id}" == plan[0] == "slict/shared-vision"
    walked = [f"{prompt.framework_id}/{prompt.element_id}" for _, prompt in sent]
    assert walked == [plan[week % len(plan)] for week in range(len(sent))]
    september = [prompt for day, prompt in sent if day.month == 9]
    assert all("end" not in prompt.term for prompt in september)
    assert any("start" in prompt.term for prompt in september)


@pytest.mark.sqlite_only
async def test_start_of_year_prompts_come_in_september_and_end_of_year_ones_in_june(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    sent = await live_a_school_year(core, "all")
    assert len(sent) == 43 and len({prompt.id for _, prompt in sent}) == 43
    september = [prompt for day, prompt in sent if day.month == 9]
    june = [prompt for day, prompt in sent if day.month == 6]
    assert len(september) == 4 and len(june) == 4
    assert all("start" in prompt.term for prompt in september), "start-of-year prompts"
    assert all("end" in prompt.term for prompt in june), "end-of-year prompts"
    for day, prompt in sent:
        if "start" in prompt.term and "end" not in prompt.term:
            assert day < date(2026, 11, 2), (day, prompt.id)  # the first eight weeks
        if "end" in prompt.term and "start" not in prompt.term:
            assert day >= date(2027, 5, 3), (day, prompt.id)  # the last part of the year
        assert "new" not in prompt.audience or "experienced" in prompt.audience, prompt.id


async def test_without_a_chosen_start_the_year_begins_on_the_first_monday_of_september(
    core: PlnCore, clock: SimulatedClock
) -> None:
    await core.handle_command(member("alice"), "join")
    (shown,) = await core.handle_command(member("alice"), "term")
    assert "week of Mon 01 Sep 2025" in shown.text  # 1 Sep 2026 is before this year's start
    assert "the default: the first Monday of September" in shown.text
    assert "term starts" not in shown.text, "only moderators are told how to change it"
    (refused,) = await core.handle_command(member("alice"), "term starts 2026-09-07")
    assert "Only moderators" in refused.text or "moderators" in refused.text
    (bad,) = await core.handle_command(member("mod"), "term starts 7/9/2026")
    assert "year-month-day" in bad.text

    async def term_start(session: AsyncSession) -> date | None:
        return await session.scalar(select(Community.term_start))

    assert await core.db.run(term_start) is None
    await core.handle_command(member("mod"), "term starts 2026-09-07")
    assert await core.db.run(term_start) == FIRST_DAY
    clock.advance(timedelta(days=7))
    (shown,) = await core.handle_command(member("mod"), "term")
    assert "week of Mon 07 Sep 2026 (set by a moderator (2026-09-07))" in shown.text
    assert "This is week 1, the start of the year" in shown.text
