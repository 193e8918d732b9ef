"""`/pln checkins join | leave | pause until <date> | status`: check-ins are opt-in only.

A member is in the rounds while their `checkin_optin` row exists and is not paused; a
pause ends at the start of the chosen day in the member's own zone.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from bot.core.context import Context
from bot.core.formatting import local_date, local_datetime
from bot.core.messages import OutgoingMessage, plain
from bot.core.scheduling.listing import next_fire
from bot.store.checkin_models import CheckinOptIn, MemberProfile
from bot.store.models import Schedule, ScheduleKind

MAX_PAUSE_DAYS = 366


def parse_until(text: str) -> date:
    """`2027-01-10` or `until 2027-01-10`; ValueError with what to type otherwise."""
    words = text.split()
    if words and words[0].casefold() == "until":
        words = words[1:]
    try:
        if len(words) != 1:
            raise ValueError
        return date.fromisoformat(words[0])
    except ValueError:
        raise ValueError(
            "Say until when, as a date: `/pln checkins pause until 2027-01-10`."
        ) from None


def _start_of(ctx: Context, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ctx.zone)


async def join(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.require_member()
    found = await ctx.session.get(CheckinOptIn, member.id)
    if found is not None and found.paused_until is None:
        return [plain("You're already in the check-ins. `/pln checkins status` says more.")]
    if found is None:
        ctx.session.add(CheckinOptIn(member_id=member.id, joined_at=ctx.now))
        said = "You're in the check-ins: each round I'll put you with one or two peers."
    else:
        found.paused_until = None
        said = "Your check-in pause is over: you're in the next round."
    profile = await ctx.session.get(MemberProfile, member.id)
    if profile is None or profile.school_key is None:
        said += (
            ' Tell me your school, so you never meet a colleague: `/pln profile school "..."`'
            " (or `/pln profile` for the whole profile)."
        )
    return [plain(said)]


async def leave(ctx: Context) -> list[OutgoingMessage]:
    found = await ctx.session.get(CheckinOptIn, ctx.require_member().id)
    if found is None:
        return [plain("You're not in the check-ins. `/pln checkins join` puts you in.")]
    await ctx.session.delete(found)
    return [plain("You've left the check-ins: no more rounds for you. Rounds you were in stay.")]


async def pause(ctx: Context, until: date) -> list[OutgoingMessage]:
    found = await ctx.session.get(CheckinOptIn, ctx.require_member().id)
    if found is None:
        return [plain("You're not in the check-ins, so there is nothing to pause.")]
    today = ctx.now.astimezone(ctx.zone).date()
    if not today < until <= date.fromordinal(today.toordinal() + MAX_PAUSE_DAYS):
        return [plain(f"Choose a day after today and within a year (today is {today}).")]
    found.paused_until = _start_of(ctx, until)
    return [
        plain(
            f"Check-ins paused: no rounds for you until {local_date(found.paused_until, ctx.zone)}"
            ". `/pln checkins join` ends the pause sooner."
        )
    ]


async def status(ctx: Context) -> list[OutgoingMessage]:
    found = await ctx.session.get(CheckinOptIn, ctx.require_member().id)
    if found is None:
        return [plain("You're not in the check-ins. `/pln checkins join` puts you in.")]
    after = ctx.now
    if found.paused_until is not None and found.paused_until > ctx.now:
        said = f"You're in the check-ins, paused until {local_date(found.paused_until, ctx.zone)}."
        after = found.paused_until
    else:
        said = "You're in the check-ins."
    upcoming = await next_round(ctx, after)
    if upcoming is None:
        said += " No check-in rounds are planned yet: the moderators plan them."
    else:
        said += f" Your next round: {local_datetime(upcoming, ctx.zone)}."
    return [plain(said)]


async def next_round(ctx: Context, after: datetime) -> datetime | None:
    """The community's next check-in round after `after` (the first after a pause), of
    any active check-in schedule; None when none is planned."""
    schedules = await ctx.session.scalars(
        select(Schedule).where(
            Schedule.community_id == ctx.community.id,
            Schedule.kind == ScheduleKind.CHECKINS,
            Schedule.active.is_(True),
            Schedule.paused.is_(False),
        )
    )
    fires = [await next_fire(ctx, schedule, ctx.zone, after) for schedule in schedules]
    return min((at for at in fires if at is not None), default=None)
