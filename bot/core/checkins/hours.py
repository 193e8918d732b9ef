"""Working hours (09:00-17:00 in each member's own zone) and where two or three overlap.

Peers are told when they can meet during the working day, so every figure here is made of
real instants: 09:00 in Europe/London and 09:00 in America/New_York are compared as UTC
instants on the round's date, which keeps the answer right across daylight-saving changes
(the two zones change on different dates, and the overlap moves by an hour in between).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)
# the overlap we prefer a group to have: long enough for a half-hour call on a busy day
GOOD_OVERLAP = timedelta(hours=2)

Window = tuple[datetime, datetime]


@lru_cache(maxsize=4096)
def working_hours(zone: str, on: date) -> Window:
    """09:00-17:00 on `on` in `zone`, as UTC instants (cached: a round asks per zone)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(on, WORKDAY_START, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(on, WORKDAY_END, tzinfo=tz).astimezone(UTC)
    return start, end


def common_window(windows: Iterable[Window]) -> Window | None:
    """The instants inside every window, or None when they do not all meet."""
    start: datetime | None = None
    end: datetime | None = None
    for window_start, window_end in windows:
        start = window_start if start is None else max(start, window_start)
        end = window_end if end is None else min(end, window_end)
    if start is None or end is None or start >= end:
        return None
    return start, end


def overlap(zones: Iterable[str], on: date) -> Window | None:
    """The working hours two or three people share on the local date `on` (UTC instants)."""
    return common_window(working_hours(zone, on) for zone in zones)


def hours_of(window: Window | None) -> float:
    """The length of a window in hours (0.0 for none)."""
    if window is None:
        return 0.0
    return (window[1] - window[0]).total_seconds() / 3600


def overlap_hours(zones: Iterable[str], on: date) -> float:
    """How many working hours two or three people share on `on`."""
    return hours_of(overlap(zones, on))


def window_in_zone(start: datetime, end: datetime, zone: str) -> str:
    """The window as a member reads it: "14:00-16:00 your time" (their zone, 24-hour clock).

    The window is always inside the member's own working day, so one date covers it.
    """
    tz = ZoneInfo(zone)
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    return f"{local_start:%H:%M}-{local_end:%H:%M} your time"
