"""Weekly fire times in a member's own time zone, correct across daylight-saving changes.

A weekly rule says "Monday 09:00 local". Each local date gets at most one fire time:
on a spring-forward day a wall time inside the gap moves forward by the gap, and on a
fall-back day an ambiguous wall time fires at its first occurrence. The unique key on
(schedule, member, local date) in the store backs this up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WeeklyRule:
    weekday: int  # 0 = Monday
    local_time: time

    def describe(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]}s at {self.local_time:%H:%M}"


@dataclass(frozen=True)
class FireTime:
    at: datetime  # aware UTC
    local_date: date


def fire_on(rule: WeeklyRule, local_date: date, zone: ZoneInfo) -> FireTime:
    """When `rule` fires on `local_date` in `zone` (the date must be the rule's weekday)."""
    wall = datetime.combine(local_date, rule.local_time, tzinfo=zone)  # fold=0: first occurrence
    # zoneinfo maps a wall time in a spring-forward gap with the pre-transition offset,
    # which lands it after the gap: 02:30 becomes 03:30 local. That is the shift we want.
    return FireTime(at=wall.astimezone(UTC), local_date=local_date)


def fire_times_between(
    rule: WeeklyRule, zone: ZoneInfo, after: datetime, until: datetime
) -> list[FireTime]:
    """Every fire time t with after < t <= until, oldest first."""
    first = after.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    offset = (rule.weekday - first.weekday()) % 7
    result: list[FireTime] = []
    day = first + timedelta(days=offset)
    while day <= last:
        fire = fire_on(rule, day, zone)
        if after < fire.at <= until:
            result.append(fire)
        day += timedelta(days=7)
    return result


def latest_fire_at_or_before(rule: WeeklyRule, zone: ZoneInfo, when: datetime) -> FireTime:
    """The most recent fire time not after `when`."""
    return fire_times_between(rule, zone, when - timedelta(days=8), when)[-1]


def next_fire_after(rule: WeeklyRule, zone: ZoneInfo, when: datetime) -> FireTime:
    """The first fire time strictly after `when`."""
    return fire_times_between(rule, zone, when, when + timedelta(days=8))[0]
