"""ISO weeks in the member's zone: the columns of the theme timelines and the weekly chart."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from math import ceil
from zoneinfo import ZoneInfo

Week = tuple[int, int]  # ISO (year, week)
MAX_CELLS = 26  # a timeline longer than this would wrap on a phone


def week_of(when: datetime, zone: ZoneInfo) -> Week:
    year, week, _ = when.astimezone(zone).date().isocalendar()
    return (year, week)


def week_label(week: Week) -> str:
    return f"{week[0]}-W{week[1]:02d}"


def week_start(week: Week) -> date:
    return date.fromisocalendar(week[0], week[1], 1)


def weeks_between(since: datetime, until: datetime, zone: ZoneInfo) -> list[Week]:
    """Every ISO week from the one holding `since` to the one holding `until`, in order."""
    first = week_start(week_of(since, zone))
    last = week_start(week_of(until, zone))
    count = (last - first).days // 7 + 1
    weeks: list[Week] = []
    for i in range(max(count, 1)):
        year, week, _ = (first + timedelta(weeks=i)).isocalendar()
        weeks.append((year, week))
    return weeks


def buckets(weeks: list[Week], max_cells: int = MAX_CELLS) -> list[list[Week]]:
    """Consecutive weeks grouped so that there are at most `max_cells` groups."""
    size = max(1, ceil(len(weeks) / max_cells))
    return [weeks[i : i + size] for i in range(0, len(weeks), size)]
