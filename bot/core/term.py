"""The community's school year: `/pln term` shows it, `/pln term starts DATE` sets it.

Rotation reads the year for its start/middle/end prompts and term plans start at their
first element in the week it begins (bot/prompts/school_year.py); this module is what a
member or moderator sees and types.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.prompts.library import default_library
from bot.prompts.school_year import in_southern_hemisphere, phase, week_of_year, year_start
from bot.prompts.tracks import find_track, track_elements

PHASE_WORDS = {"start": "the start of the year", "middle": "mid-year", "end": "the end of the year"}
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def term_start_date(text: str) -> date:
    """`2026-09-07` (ISO, as every platform types it alike) -> a date; ValueError says how."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
        year, month, day = (int(part) for part in cleaned.split("-"))
        try:
            chosen = date(year, month, day)
        except ValueError:
            chosen = None
        if chosen is not None and EARLIEST <= chosen <= LATEST:
            return chosen
    raise ValueError(
        "Give the first day of the school year as year-month-day, for example "
        "`/pln term starts 2026-09-07`."
    )


def _day(value: date) -> str:
    return value.strftime("%a %d %b %Y")


async def show_term(ctx: Context) -> list[OutgoingMessage]:
    """Where the community's school year is, and where its start comes from."""
    today = ctx.now.astimezone(ctx.zone).date()
    zone = ctx.config.default_timezone
    start = year_start(today, ctx.community.term_start, zone)
    if ctx.community.term_start is not None:
        origin = f"set by a moderator ({ctx.community.term_start.isoformat()})"
    else:
        month = "February" if in_southern_hemisphere(zone) else "September"
        origin = f"the default: the first Monday of {month}"
    lines = [
        f"This community's school year began in the week of {_day(start)} ({origin}). "
        f"This is week {week_of_year(today, start) + 1}, {PHASE_WORDS[phase(today, start)]}: "
        "prompts for that part of the year come first."
    ]
    if ctx.is_moderator:
        lines.append("Change it with `/pln term starts 2026-09-07` (the first day of the year).")
    return [plain("\n".join(lines))]


async def set_term_start(ctx: Context, first_day: date) -> list[OutgoingMessage]:
    """Moderators: the school year starts on `first_day` (and on that day every year)."""
    ctx.community.term_start = first_day
    lines = [
        f"The school year now starts on {_day(first_day)}, and on the same day each year. "
        "Start-of-year prompts come in its first weeks and end-of-year ones in its last."
    ]
    library = default_library()
    track = find_track(library, ctx.community.track or "all")
    if track is not None and track.elements:
        elements = track_elements(library, track)
        first = elements[0].name if elements else track.elements[0]
        lines.append(f"Your track, {track.name}, starts at {first} in that week.")
    return [plain("\n".join(lines))]
