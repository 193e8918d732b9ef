"""When a schedule fires: every N weeks on a weekday at a wall time, or once at a date.

The recurrence is dateutil's rrule over wall times; each wall time is then placed in its
zone with fold=0, so an ambiguous fall-back time fires at its first occurrence and a time
in a spring-forward gap moves forward by the gap, exactly as `bot.core.schedule` does for
the member-local weekly rule. A one-off in a gap is refused by the parser instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_WORDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Recurrence:
    """A rule in wall-clock terms. `zone` None: each member's own zone (prompts only)."""

    local_time: time
    weekday: int | None = None  # 0 = Monday; None for a one-off
    every_weeks: int = 1
    once_on: date | None = None
    zone: str | None = None

    @property
    def is_once(self) -> bool:
        return self.once_on is not None

    def describe(self) -> str:
        """The rule in words, as the schedules list and the preview say it."""
        where = f"{self.zone} time" if self.zone else "each member's own time zone"
        if self.once_on is not None:
            return f"once, on {self.once_on:%a %d %b %Y} at {self.local_time:%H:%M} ({where})"
        assert self.weekday is not None
        day = WEEKDAY_NAMES[self.weekday]
        every = "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        return f"{every} on {day} at {self.local_time:%H:%M} ({where})"

    def words(self) -> str:
        """The rule as it is typed, so a stored rule can be shown as a command again."""
        zone = f" {self.zone}" if self.zone else ""
        if self.once_on is not None:
            return f"once {self.once_on.isoformat()} {self.local_time:%H:%M}{zone}"
        assert self.weekday is not None
        day = DAY_WORDS[self.weekday]
        if self.every_weeks == 1:
            return f"weekly {day} {self.local_time:%H:%M}{zone}"
        return f"every {self.every_weeks} weeks on {day} {self.local_time:%H:%M}{zone}"


def first_date(rule: Recurrence, zone: ZoneInfo, now: datetime) -> date:
    """The date of the first fire strictly after `now`: the anchor of an every-N-weeks rule."""
    if rule.once_on is not None:
        return rule.once_on
    assert rule.weekday is not None
    today = now.astimezone(zone).date()
    day = today + timedelta(days=(rule.weekday - today.weekday()) % 7)
    if place(day, rule.local_time, zone) <= now:
        day += timedelta(days=7)
    return day


def place(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall time on a date in a zone, as aware UTC (fold=0, gaps move forward)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def is_skipped_wall_time(day: date, at: time, zone: ZoneInfo) -> bool:
    """Whether the clocks jump over this wall time on that date (a daylight-saving gap)."""
    wall = datetime.combine(day, at, tzinfo=zone)
    back = wall.astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) != wall.replace(tzinfo=None)


def fires_between(
    rule: Recurrence, zone: ZoneInfo, anchor: date, after: datetime, until: datetime
) -> list[tuple[datetime, date]]:
    """Every (UTC fire time, local date) with after < time <= until, oldest first.

    `anchor` is a date the rule fires on (its first fire): every-N-weeks counts from it.
    """
    if rule.once_on is not None:
        at = place(rule.once_on, rule.local_time, zone)
        return [(at, rule.once_on)] if after < at <= until else []
    assert rule.weekday is not None
    start = datetime.combine(anchor, rule.local_time)
    recurrence = rrule(
        WEEKLY, interval=rule.every_weeks, byweekday=rule.weekday, dtstart=start, cache=False
    )
    lower = max(after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1), start)
    upper = until.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    result = []
    for wall in recurrence.between(lower, upper, inc=True):
        at = place(wall.date(), wall.time(), zone)
        if after < at <= until:
            result.append((at, wall.date()))
    return result


def next_fires(
    rule: Recurrence, zone: ZoneInfo, anchor: date, now: datetime, count: int = 3
) -> list[datetime]:
    """The next `count` fire times strictly after `now` (fewer for a one-off)."""
    horizon = now + timedelta(weeks=rule.every_weeks * (count + 1) + 1)
    return [at for at, _ in fires_between(rule, zone, anchor, now, horizon)][:count]
