"""`/pln schedules` and `/pln schedule pause|resume|cancel|skip <id>`.

Moderators see every schedule with its id, rule, next fire time and state; a member sees
only when their own next prompt comes (the plan is the moderators' business).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.formatting import local_datetime
from bot.core.messages import OutgoingMessage, plain
from bot.core.scheduling.rules import fires_between
from bot.core.scheduling.stored import anchor_of, recurrence_of
from bot.store import communities as community_store
from bot.store import schedules as store
from bot.store.models import Schedule, ScheduleKind

HORIZON = timedelta(weeks=60)


@dataclass(frozen=True)
class ChangeSchedule:
    """`/pln schedule pause|resume|cancel <id>` (moderators): one class per verb."""

    schedule_id: int
    verb: ClassVar[str] = ""


@dataclass(frozen=True)
class PauseSchedule(ChangeSchedule):
    verb: ClassVar[str] = "pause"


@dataclass(frozen=True)
class ResumeSchedule(ChangeSchedule):
    verb: ClassVar[str] = "resume"


@dataclass(frozen=True)
class CancelSchedule(ChangeSchedule):
    verb: ClassVar[str] = "cancel"


@dataclass(frozen=True)
class SkipDate:
    """`/pln schedule skip <id> <date>`: that date's fire does not happen (moderators)."""

    schedule_id: int
    on: date


async def next_fire(
    ctx: Context, schedule: Schedule, zone: ZoneInfo, after: datetime
) -> datetime | None:
    """The schedule's next fire after `after` that is not skipped, in `zone` unless the rule
    has its own."""
    rule = recurrence_of(schedule)
    rule_zone = ZoneInfo(rule.zone) if rule.zone else zone
    skipped = await store.skipped_dates(ctx.session, schedule.id)
    earliest = max(after, schedule.resumed_at or after)
    fires = fires_between(rule, rule_zone, anchor_of(schedule), earliest, after + HORIZON)
    return next((at for at, day in fires if day not in skipped), None)


async def show_schedules(ctx: Context) -> list[OutgoingMessage]:
    if not ctx.is_moderator:
        return [await _members_view(ctx)]
    lines = ["Schedules in this community:"]
    for schedule in await store.planned_schedules(ctx.session, ctx.community.id):
        lines.append(await _line(ctx, schedule))
    if len(lines) == 1:
        lines.append("None. Plan one with `/pln schedule prompt weekly mon 09:00`.")
    lines.append(
        "Change one with `/pln schedule pause|resume|cancel <id>` or "
        "`/pln schedule skip <id> <date>`."
    )
    members = await community_store.count_active_members(ctx.session, ctx.community.id)
    lines.append(f"Active members: {members}.")
    grace_hours = ctx.config.grace.total_seconds() / 3600
    lines.append(f"Prompts missed while the bot was down are still sent within {grace_hours:g} h.")
    return [plain("\n".join(lines))]


async def _members_view(ctx: Context) -> OutgoingMessage:
    if not ctx.is_active_member:
        return plain("Join with `/pln join` to get the weekly prompt.")
    if ctx.member is not None and ctx.member.paused_at is not None:
        return plain("Your prompts are paused: `/pln resume` starts them again.")
    at = await ctx.next_prompt_time()
    if at is None:
        return plain("No weekly prompt is planned right now; your moderators will say when.")
    return plain(f"Your next prompt: {local_datetime(at, ctx.zone)} ({ctx.zone.key}).")


async def _line(ctx: Context, schedule: Schedule) -> str:
    rule = recurrence_of(schedule)
    if schedule.kind == ScheduleKind.WEEKLY_PROMPT:
        what = "Weekly prompt"
    elif schedule.kind == ScheduleKind.CHECKINS:
        what = "Check-in rounds"
    else:
        discussion = await store.discussion_of(ctx.session, schedule.id)
        title = discussion.title if discussion else "?"
        channel = discussion.channel_id if discussion else "?"
        what = f'Discussion "{title}" in #{channel}'
    if schedule.paused:
        state = "paused"
    else:
        at = await next_fire(ctx, schedule, ctx.zone, ctx.now)
        state = f"next {local_datetime(at, ctx.zone)} your time" if at else "nothing more to fire"
    return f"• {schedule.id}: {what}, {rule.describe()}. {state[:1].upper()}{state[1:]}."


async def change_schedule(ctx: Context, command: ChangeSchedule) -> list[OutgoingMessage]:
    schedule = await store.find_planned(ctx.session, ctx.community.id, command.schedule_id)
    if schedule is None:
        return [plain(_no_such(command.schedule_id))]
    if command.verb == "pause":
        if schedule.paused:
            return [plain(f"Schedule {schedule.id} is already paused.")]
        schedule.paused = True
        return [plain(f"Paused schedule {schedule.id}: it fires nothing until you resume it.")]
    if command.verb == "resume":
        if not schedule.paused:
            return [plain(f"Schedule {schedule.id} is not paused.")]
        schedule.paused = False
        schedule.resumed_at = ctx.now  # what fell due while paused is not owed
        at = await next_fire(ctx, schedule, ctx.zone, ctx.now)
        when = f" Next: {local_datetime(at, ctx.zone)} your time." if at else ""
        return [plain(f"Resumed schedule {schedule.id}.{when}")]
    schedule.active = False
    if schedule.kind == ScheduleKind.WEEKLY_PROMPT:
        return [
            plain(
                f"Cancelled schedule {schedule.id}: no weekly prompt goes out until you plan "
                "one with `/pln schedule prompt weekly mon 09:00`."
            )
        ]
    return [plain(f"Cancelled schedule {schedule.id}: it will not fire again.")]


async def skip_date(ctx: Context, command: SkipDate) -> list[OutgoingMessage]:
    schedule = await store.find_planned(ctx.session, ctx.community.id, command.schedule_id)
    if schedule is None:
        return [plain(_no_such(command.schedule_id))]
    rule = recurrence_of(schedule)
    zone = ZoneInfo(rule.zone) if rule.zone else ctx.zone
    if command.on < ctx.now.astimezone(zone).date():
        return [plain(f"{command.on.isoformat()} is in the past: choose a date from today on.")]
    start = datetime.combine(command.on, datetime.min.time(), tzinfo=zone) - timedelta(days=1)
    fires = fires_between(rule, zone, anchor_of(schedule), start, start + timedelta(days=3))
    if command.on not in {day for _, day in fires}:
        return [
            plain(
                f"Schedule {schedule.id} does not fire on {command.on:%a %d %b %Y} "
                f"({rule.describe()}): choose one of its dates (`/pln schedules`)."
            )
        ]
    await store.skip(ctx.session, schedule.id, command.on)
    return [plain(f"Schedule {schedule.id} will not fire on {command.on:%a %d %b %Y}.")]


def _no_such(schedule_id: int) -> str:
    return f"There is no schedule {schedule_id} here: `/pln schedules` lists them with their ids."
