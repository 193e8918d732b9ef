"""Holidays: breaks in the community's calendar when nothing is sent on a schedule.

Moderators add, remove and import them (a school calendar, previewed before anything is
saved); every member may list them, because a member wants to know when no prompt comes.
The dates are calendar dates, applied at each member's local date: the claim
(`bot/core/delivery.py`) leaves out a weekly prompt whose local date falls in a holiday, so
that week has no prompt, and streaks, which only count weeks with a prompt, are not broken.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.calendar_import import CalendarError, HolidaySpan, read_calendar
from bot.core.context import Context
from bot.core.messages import Attachment, Button, ButtonStyle, OutgoingMessage, plain
from bot.core.schedule import WeeklyRule, next_fire_after
from bot.store import holidays as holiday_store
from bot.store.holiday_models import Holiday

QUOTES = "\"'\u201c\u201d\u2018\u2019"  # straight and typographic quotes around a name
CONFIRM_IMPORT_ACTION = "pln.holidays.confirm"
CANCEL_IMPORT_ACTION = "pln.holidays.cancel"
MAX_LENGTH = timedelta(days=366)  # a break longer than a year is a typo
PREVIEW_LINES = 25
LOOK_AHEAD_WEEKS = 53
ATTACH_HINT = (
    "Attach your school calendar (.ics): on the console, `/pln holidays import < "
    "path/to/calendar.ics`; on Discord, in the command's `import` option; on Slack, post "
    "the file in your DM with me with `/pln holidays import` as its message."
)


async def next_fire_outside_holidays(
    session: AsyncSession, community_id: int, rule: WeeklyRule, zone: ZoneInfo, after: datetime
) -> datetime:
    """The member's next weekly fire that no holiday holds back (what "your next prompt"
    should say); after a year of holidays, the plain next fire."""
    first = fire = next_fire_after(rule, zone, after)
    for _ in range(LOOK_AHEAD_WEEKS):
        if not await holiday_store.holiday_dates(session, community_id, {fire.local_date}):
            return fire.at
        fire = next_fire_after(rule, zone, fire.at)
    return first.at


def parse_days(text: str) -> tuple[date, date, str]:
    """`2026-12-21..2027-01-03 "Winter break"` (or one day) as (first, last, name).

    Raises ValueError with what to write instead.
    """
    days, _, rest = text.strip().partition(" ")
    first_text, dots, last_text = days.partition("..")
    try:
        first = date.fromisoformat(first_text)
        last = date.fromisoformat(last_text) if dots else first
    except ValueError as error:
        raise ValueError(
            f"`{days}` is not a date or range of dates: write them as "
            '`2026-12-21..2027-01-03 "Winter break"` (first and last day, YYYY-MM-DD).'
        ) from error
    if last < first:
        raise ValueError(f"The range ends ({last}) before it starts ({first}): swap the dates.")
    if last - first > MAX_LENGTH:
        raise ValueError("A holiday can last a year at most: split a longer break.")
    name = " ".join(rest.strip().strip(QUOTES).split())[:200] or "Holiday"
    return first, last, name


def describe(first: date, last: date) -> str:
    """`Mon 21 Dec 2026 to Sun 03 Jan 2027`, or one day."""
    if first == last:
        return first.strftime("%a %d %b %Y")
    return f"{first.strftime('%a %d %b %Y')} to {last.strftime('%a %d %b %Y')}"


def _line(holiday: Holiday | HolidaySpan, number: int | None = None) -> str:
    label = f"#{number} " if number is not None else ""
    return f"• {label}{describe(holiday.first_day, holiday.last_day)}: {holiday.name}"


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ctx.zone).date()


async def list_holidays(ctx: Context) -> list[OutgoingMessage]:
    """Current and coming holidays, with the ids moderators remove them by."""
    today = _today(ctx)
    coming = [
        h
        for h in await holiday_store.in_force(ctx.session, ctx.community.id)
        if h.last_day >= today
    ]
    if not coming:
        return [
            plain(
                "No holidays are planned: prompts come as usual. Moderators add one with "
                '`/pln holidays add 2026-12-21..2027-01-03 "Winter break"`.'
            )
        ]
    lines = "\n".join(_line(holiday, holiday.id) for holiday in coming)
    return [
        plain(
            f"Holidays (no prompts on these days, in your own time zone):\n{lines}\n"
            "Moderators remove one with `/pln holidays remove <id>`."
        )
    ]


async def add_holiday(ctx: Context, first: date, last: date, name: str) -> list[OutgoingMessage]:
    if last < _today(ctx):
        return [plain(f"{describe(first, last)} is already over: give dates still to come.")]
    (holiday,) = await holiday_store.add(
        ctx.session, ctx.community.id, [(first, last, name)], ctx.now
    )
    return [
        plain(
            f"Holiday #{holiday.id} added: {describe(first, last)}, {name}. No prompts are "
            "sent on those days (each member's local dates), and a week without a prompt "
            "breaks nobody's streak. `/pln holidays remove "
            f"{holiday.id}` takes it out again."
        )
    ]


async def remove_holiday(ctx: Context, holiday_id: int) -> list[OutgoingMessage]:
    holiday = await holiday_store.remove(ctx.session, ctx.community.id, holiday_id)
    if holiday is None:
        return [
            plain(f"There is no holiday #{holiday_id}. `/pln holidays` lists them with their ids.")
        ]
    return [
        plain(
            f"Holiday #{holiday_id} removed ({describe(holiday.first_day, holiday.last_day)}, "
            f"{holiday.name}): prompts come as usual on those days."
        )
    ]


async def preview_import(ctx: Context, files: Sequence[Attachment]) -> list[OutgoingMessage]:
    """Read the calendar and show what would be imported; saved (waiting) only for Confirm."""
    if len(files) != 1:
        many = "one file at a time. " if files else ""
        return [plain(f"To import holidays, send {many}{ATTACH_HINT}")]
    (calendar,) = files
    try:
        reading = read_calendar(calendar.content, calendar.filename)
    except CalendarError as error:
        return [plain(str(error))]
    today = _today(ctx)
    coming = [span for span in reading.holidays if span.last_day >= today]
    past = len(reading.holidays) - len(coming)
    notes = []
    if reading.left_out:
        notes.append(f"{reading.left_out} timed event(s) within one day left out")
    if past:
        notes.append(f"{past} holiday(s) already over left out")
    noted = f" ({'; '.join(notes)})" if notes else ""
    if not coming:
        return [
            plain(
                f"Every holiday in `{calendar.filename}` is already over{noted}: nothing to import."
            )
        ]
    batch = secrets.token_hex(8)
    await holiday_store.add(
        ctx.session,
        ctx.community.id,
        [(span.first_day, span.last_day, span.name) for span in coming],
        ctx.now,
        import_batch=batch,
    )
    shown = "\n".join(_line(span) for span in coming[:PREVIEW_LINES])
    more = f"\n… and {len(coming) - PREVIEW_LINES} more" if len(coming) > PREVIEW_LINES else ""
    return [
        OutgoingMessage(
            text=(
                f"`{calendar.filename}` has {len(coming)} holiday(s) to import{noted}:\n"
                f"{shown}{more}\nNothing is saved until you press Confirm."
            ),
            buttons=(
                Button("Confirm", CONFIRM_IMPORT_ACTION, batch, ButtonStyle.PRIMARY),
                Button("Cancel", CANCEL_IMPORT_ACTION, batch),
            ),
        )
    ]


async def confirm_import(ctx: Context, batch: str) -> list[OutgoingMessage]:
    count = await holiday_store.confirm_batch(ctx.session, ctx.community.id, batch)
    if not count:
        return [
            plain(
                "That import was already confirmed or cancelled. `/pln holidays` lists the "
                "holidays."
            )
        ]
    return [
        plain(
            f"Imported {count} holiday(s): no prompts on those days. `/pln holidays` lists "
            "them; `/pln holidays remove <id>` takes one out."
        )
    ]


async def cancel_import(ctx: Context, batch: str) -> list[OutgoingMessage]:
    await holiday_store.drop_batch(ctx.session, ctx.community.id, batch)
    return [plain("Import cancelled: no holidays were saved.")]
