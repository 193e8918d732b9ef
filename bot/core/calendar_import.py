"""A school calendar (.ics) read into holidays: all-day and multi-day events become breaks.

Uses the `icalendar` library to read the file; which events count as a holiday is decided
here. A single timed event (a meeting, a parents' evening) is not a holiday, so it is left
out and counted in the preview. A file that cannot be read gets one error that says what
to send instead; nothing is saved before the moderator confirms the preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import icalendar

MAX_BYTES = 1_000_000  # a school year's calendar is a few kilobytes
MAX_HOLIDAYS = 200
NAME_LENGTH = 200
FIX = (
    "Send an iCalendar file (.ics), for example your school calendar exported from "
    "Google Calendar or Outlook, with the holidays as all-day events."
)


class CalendarError(ValueError):
    """A calendar file that cannot be imported; str() is the one reply the member sees."""


@dataclass(frozen=True)
class HolidaySpan:
    """One holiday read from a calendar: first and last day included."""

    first_day: date
    last_day: date
    name: str


@dataclass(frozen=True)
class CalendarReading:
    """What a calendar file gave: its holidays (earliest first) and the events left out."""

    holidays: tuple[HolidaySpan, ...]
    left_out: int


def read_calendar(data: bytes, file_name: str = "") -> CalendarReading:
    """The holidays in an .ics file, or CalendarError with one clear message."""
    label = f"`{file_name}`" if file_name else "That file"
    if not data.strip():
        raise CalendarError(f"{label} is empty. {FIX}")
    if len(data) > MAX_BYTES:
        raise CalendarError(f"{label} is larger than a school calendar can be (1 MB). {FIX}")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarError(f"{label} is not a calendar I can read. {FIX}") from error
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise CalendarError(f"{label} is not a calendar I can read. {FIX}")
    holidays: list[HolidaySpan] = []
    left_out = 0
    for event in calendar.walk("VEVENT"):
        span = _span(event)
        if span is None:
            left_out += 1
        else:
            holidays.append(span)
    if not holidays:
        raise CalendarError(
            f"{label} has no all-day or multi-day events, so there is no holiday to import. {FIX}"
        )
    if len(holidays) > MAX_HOLIDAYS:
        raise CalendarError(
            f"{label} has {len(holidays)} holidays; I import at most {MAX_HOLIDAYS} at once. "
            "Export one school year, or split the file."
        )
    holidays.sort(key=lambda span: (span.first_day, span.last_day, span.name))
    return CalendarReading(tuple(holidays), left_out)


def _span(event: icalendar.cal.Component) -> HolidaySpan | None:
    """An all-day or multi-day event as a holiday; None for a timed event within a day."""
    start = _when(event, "DTSTART")
    if start is None:
        return None
    end = _when(event, "DTEND")
    if end is None and "DURATION" in event:
        duration = event.get("DURATION").dt
        end = start + duration if isinstance(duration, timedelta) else None
    name = " ".join(str(event.get("SUMMARY", "") or "").split())[:NAME_LENGTH] or "Holiday"
    if not isinstance(start, datetime):  # an all-day event: DTEND is the day after it
        last = end - timedelta(days=1) if isinstance(end, date) and end > start else start
        return HolidaySpan(start, _as_date(last), name)
    if not isinstance(end, datetime):
        return None
    first_day = start.date()
    last_day = end.date() if end.time() != time(0) else end.date() - timedelta(days=1)
    if last_day <= first_day:
        return None  # a timed event within one day: a meeting, not a break
    return HolidaySpan(first_day, last_day, name)


def _when(event: icalendar.cal.Component, key: str) -> date | None:
    value = event.get(key)
    moment = getattr(value, "dt", None)
    return moment if isinstance(moment, date) else None


def _as_date(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment
