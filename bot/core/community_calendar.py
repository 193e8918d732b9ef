"""The moderators' calendar: the next weeks of weekly prompts, discussions, check-in rounds
and holidays, week by week, as the claimers will see them.

Read from the same rules the claimers use (`stored.recurrence_of`, `rules.fires_between`,
skipped dates, confirmed holidays), so the page shows what will happen, not a second guess.
A fire that will not happen stays on the calendar with why (paused, skipped, a holiday):
a moderator planning a term wants to see the gap. Titles and channels only; nothing any
member wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.page_access import require_moderator
from bot.core.scheduling.rules import fires_between
from bot.core.scheduling.stored import anchor_of, recurrence_of
from bot.store import holidays as holiday_store
from bot.store import schedules as schedule_store
from bot.store.models import Schedule, ScheduleKind

WEEKS = 12
KIND_WORDS = {
    ScheduleKind.WEEKLY_PROMPT: "prompt",
    ScheduleKind.DISCUSSION: "discussion",
    ScheduleKind.CHECKINS: "checkins",
}


@dataclass(frozen=True)
class PlannedSchedule:
    """A schedule still on, with what the page's pause / resume / cancel buttons need."""

    schedule_id: int
    kind: str  # "prompt", "discussion" or "checkins"
    label: str
    rule: str  # the rule in words, as `/pln schedules` says it
    paused: bool
    next_at: datetime | None


@dataclass(frozen=True)
class CalendarHoliday:
    holiday_id: int
    first_day: date
    last_day: date
    name: str


@dataclass(frozen=True)
class CalendarEvent:
    """One fire of a schedule. `held_back` says why it will not happen (None: it will)."""

    at: datetime  # UTC
    day: date  # the date it falls on, in the moderator's zone
    kind: str
    label: str
    schedule_id: int
    held_back: str | None = None


@dataclass(frozen=True)
class CalendarWeek:
    start: date  # Monday
    events: tuple[CalendarEvent, ...]
    holidays: tuple[CalendarHoliday, ...]  # those overlapping the week

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass(frozen=True)
class CommunityCalendar:
    zone: str  # the moderator's zone: every date and time on the page is in it
    today: date
    weeks: tuple[CalendarWeek, ...]
    schedules: tuple[PlannedSchedule, ...]
    holidays: tuple[CalendarHoliday, ...]  # current and coming, earliest first


async def gather(ctx: Context, weeks: int = WEEKS) -> CommunityCalendar:
    """This week and the `weeks - 1` after it (moderators only), in one unit of work."""
    require_moderator(ctx)
    zone = ctx.zone
    today = ctx.now.astimezone(zone).date()
    first = today - timedelta(days=today.weekday())
    until = datetime.combine(first + timedelta(weeks=weeks), time(0), zone)
    holidays = tuple(
        CalendarHoliday(h.id, h.first_day, h.last_day, h.name)
        for h in await holiday_store.in_force(ctx.session, ctx.community.id)
        if h.last_day >= today
    )
    planned, events = [], []
    for schedule in await schedule_store.planned_schedules(ctx.session, ctx.community.id):
        label = await _label(ctx, schedule)
        fires = await _events(ctx, schedule, label, zone, until, holidays)
        upcoming = (e.at for e in fires if e.held_back is None)
        planned.append(
            PlannedSchedule(
                schedule.id,
                KIND_WORDS[ScheduleKind(schedule.kind)],
                label,
                recurrence_of(schedule).describe(),
                schedule.paused,
                None if schedule.paused else next(upcoming, None),
            )
        )
        events += fires
    events.sort(key=lambda e: (e.at, e.schedule_id))
    return CommunityCalendar(
        zone.key,
        today,
        tuple(_week(first + timedelta(weeks=i), events, holidays) for i in range(weeks)),
        tuple(planned),
        holidays,
    )


def _week(
    start: date, events: list[CalendarEvent], holidays: tuple[CalendarHoliday, ...]
) -> CalendarWeek:
    end = start + timedelta(days=6)
    return CalendarWeek(
        start,
        tuple(e for e in events if start <= e.day <= end),
        tuple(h for h in holidays if h.first_day <= end and h.last_day >= start),
    )


async def _label(ctx: Context, schedule: Schedule) -> str:
    if schedule.kind == ScheduleKind.WEEKLY_PROMPT:
        return "Weekly prompt"
    if schedule.kind == ScheduleKind.CHECKINS:
        return "Check-in round"
    discussion = await schedule_store.discussion_of(ctx.session, schedule.id)
    if discussion is None:
        return "Discussion"
    return f'Discussion "{discussion.title}" in #{discussion.channel_id}'


async def _events(
    ctx: Context,
    schedule: Schedule,
    label: str,
    zone: ZoneInfo,
    until: datetime,
    holidays: tuple[CalendarHoliday, ...],
) -> list[CalendarEvent]:
    """The schedule's fires from now to `until`. A prompt in each member's own zone is
    placed in the moderator's zone (the same wall time everywhere)."""
    rule = recurrence_of(schedule)
    rule_zone = ZoneInfo(rule.zone) if rule.zone else zone
    skipped = await schedule_store.skipped_dates(ctx.session, schedule.id)
    after = max(ctx.now, schedule.resumed_at or ctx.now)
    kind = KIND_WORDS[ScheduleKind(schedule.kind)]
    found = []
    for at, rule_day in fires_between(rule, rule_zone, anchor_of(schedule), after, until):
        held_back = None
        holiday = next((h for h in holidays if h.first_day <= rule_day <= h.last_day), None)
        if schedule.paused:
            held_back = "paused"
        elif rule_day in skipped:
            held_back = "skipped"
        elif holiday is not None:
            held_back = f"holiday: {holiday.name}"
        day = at.astimezone(zone).date()
        found.append(CalendarEvent(at, day, kind, label, schedule.id, held_back))
    return found
