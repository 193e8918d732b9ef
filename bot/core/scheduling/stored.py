"""A stored schedule row read back as a rule: what the claimer, the list and skips share."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.scheduling.rules import Recurrence
from bot.store.models import Schedule


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
