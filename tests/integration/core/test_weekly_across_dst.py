"""The weekly prompt through the whole core, across the spring and fall clock changes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.models import Delivery, Member, Schedule, ScheduleKind
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

ZONES = {"berlin": "Europe/Berlin", "newyork": "America/New_York", "sydney": "Australia/Sydney"}


@pytest.mark.sqlite_only
async def test_one_prompt_a_week_at_nine_local_through_a_year_of_clock_changes(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    for name, zone in ZONES.items():
        await core.handle_command(member(name), "join")
        await core.handle_command(member(name), f"tz {zone}")
    runner = Runner(core)
    for _ in range(53):  # a year, a week at a time; each member skips (a member who
        await runner.advance(timedelta(days=7))  # never responds would be paused)
        for name in ZONES:
            await core.handle_command(member(name), "skip")

    async def deliveries(session: AsyncSession) -> list[tuple[str, datetime, str]]:
        rows = await session.execute(
            select(Member.platform_user_id, Delivery.due_at, Delivery.status)
            .join(Member, Member.id == Delivery.member_id)
            .join(Schedule, Schedule.id == Delivery.schedule_id)
            .where(Schedule.kind == ScheduleKind.WEEKLY_PROMPT)
        )
        return list(rows.tuples())

    rows = await core.db.run(deliveries)
    weekly = Counter(
        r.platform_user_id for r, m in messenger.sent if m.heading == "This week's reflection"
    )
    assert weekly == {name: 53 for name in ZONES}
    for name, due_at, status in rows:
        local = due_at.astimezone(ZoneInfo(ZONES[name]))
        assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)
        assert status == "sent"
    for name in ZONES:
        weeks = [
            due.astimezone(ZoneInfo(ZONES[name])).isocalendar()[:2]
            for n, due, _ in rows
            if n == name
        ]
        assert len(weeks) == len(set(weeks)) == 53
