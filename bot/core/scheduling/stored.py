"""A stored schedule row read back as a rule: what the claimer, the list and skips share."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.scheduling.rules import Recurrence, fires_between
from bot.store import holidays as holiday_store
from bot.store import schedules as schedule_store
from bot.store.models import Schedule

AHEAD = timedelta(weeks=60)  # skips and every N weeks can put the next fire weeks away


def recurrence_of(schedule: Schedule) -> Recurrence:
    """The rule of a weekly prompt or discussion schedule."""
    assert schedule.local_time is not None
    at = time.fromisoformat(schedule.local_time)
    if schedule.weekday is None:  # a one-off discussion: its date is fire_at's, in its zone
        assert schedule.fire_at is not None and schedule.zone is not None
        on = schedule.fire_at.astimezone(ZoneInfo(schedule.zone)).date()
        return Recurrence(at, None, 1, on, schedule.zone)
    return Recurrence(at, schedule.weekday, schedule.every_weeks, None, schedule.zone)


def anchor_of(schedule: Schedule) -> date:
    """The date every-N-weeks counts from. Rules made before moderators could set one fire
    every week, so any earlier date on their weekday serves."""
    if schedule.starts_on is not None:
        return schedule.starts_on
    assert schedule.weekday is not None
    day = schedule.created_at.date() - timedelta(days=14)
    return day + timedelta(days=(schedule.weekday - day.weekday()) % 7)


async def next_weekly_prompt(
    session: AsyncSession, community_id: int, member_zone: ZoneInfo, now: datetime
) -> datetime | None:
    """When a member's next weekly prompt falls due: the rule's own zone or the member's,
    every N weeks from its first date, skipped dates and holidays left out; None when it is
    paused or there is none."""
    schedule = await schedule_store.weekly_prompt_schedule(session, community_id)
    if schedule is None or schedule.paused or schedule.weekday is None:
        return None
    rule = recurrence_of(schedule)
    zone = ZoneInfo(rule.zone) if rule.zone else member_zone
    skipped = await schedule_store.skipped_dates(session, schedule.id)
    earliest = max(now, schedule.resumed_at or now)
    fires = fires_between(rule, zone, anchor_of(schedule), earliest, now + AHEAD)
    fires = [(at, day) for at, day in fires if day not in skipped]
    off = await holiday_store.holiday_dates(session, community_id, {day for _, day in fires})
    return next((at for at, day in fires if day not in off), None)
