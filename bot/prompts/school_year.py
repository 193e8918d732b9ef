"""A community's school year: when it starts, which week of it a date falls in, and its phase.

Prompts tagged `start`, `middle` or `end` of the year and term plans walked one element a
week read the year from here, so "start of the year" means the community's September (or
February, south of the equator), not the calendar's January. A moderator can set the first
day (`/pln term starts 2026-09-07`); otherwise it is the first Monday of September, or of
February when the community's default zone lies in the southern hemisphere.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal

Phase = Literal["start", "middle", "end"]
START_WEEKS = 8  # weeks 0-7 of the year: settling in, setting goals
END_FROM_WEEK = 34  # from week 34 (early May after a September start): looking back
NORTH_MONTH, SOUTH_MONTH = 9, 2

_COORDINATES = re.compile(r"^([+-])(\d{2})")


@cache
def _zone_latitudes() -> dict[str, int]:
    """Each zone's sign of latitude (+1 north, -1 south), from tzdata's zone tables."""
    signs: dict[str, int] = {}
    for table in ("zone.tab", "zone1970.tab"):
        try:
            text = resources.files("tzdata.zoneinfo").joinpath(table).read_text(encoding="utf-8")
        except (FileNotFoundError, ModuleNotFoundError):
            continue
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            match = _COORDINATES.match(fields[1]) if len(fields) > 2 else None
            if match is not None:
                signs[fields[2]] = -1 if match.group(1) == "-" else 1
    return signs


def in_southern_hemisphere(zone_name: str) -> bool:
    """Whether a zone (Australia/Sydney, America/Sao_Paulo) lies south of the equator."""
    return _zone_latitudes().get(zone_name, 1) < 0


def first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _same_day_in(year: int, start: date) -> date:
    """`start`'s month and day in another year (29 February becomes the 28th)."""
    try:
        return start.replace(year=year)
    except ValueError:
        return start.replace(year=year, day=28)


def year_start(on: date, term_start: date | None, zone_name: str) -> date:
    """The Monday of the week in which the school year containing `on` began.

    With a chosen start, each year begins on its anniversary; without one, on the first
    Monday of September (February in the south). Weeks of the year count from here.
    """
    if term_start is None:
        month = SOUTH_MONTH if in_southern_hemisphere(zone_name) else NORTH_MONTH
        candidate = first_monday(on.year, month)
        return candidate if candidate <= on else first_monday(on.year - 1, month)
    candidate = _monday_of(_same_day_in(on.year, term_start))
    return candidate if candidate <= on else _monday_of(_same_day_in(on.year - 1, term_start))


def week_of_year(on: date, start: date) -> int:
    """0 for the week the year starts in, 1 for the next, ..."""
    return (on - start).days // 7


def phase(on: date, start: date) -> Phase:
    week = week_of_year(on, start)
    if week < START_WEEKS:
        return "start"
    if week >= END_FROM_WEEK:
        return "end"
    return "middle"
