"""Joining, leaving, pausing (for good or for a while) and choosing a time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core import zone_questions
from bot.core.audience import should_ask as should_ask_audience
from bot.core.audience import with_audience_question
from bot.core.context import Context
from bot.core.formatting import local_date, local_datetime
from bot.core.messages import Button, OutgoingMessage, plain
from bot.core.timezones import describe_zone, resolve_timezone
from bot.store.models import Member

ZONE_PICK_ACTION = "pln.tz.pick"  # one candidate zone of an abbreviation or offset


async def join(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.member
    if member is not None and member.active:
        return [plain("You're already in the PLN. Type `/pln help` to see what you can do.")]
    if member is None:
        member = Member(
            community_id=ctx.community.id,
            platform=ctx.actor.community.platform,
            platform_user_id=ctx.actor.user_id,
            display_name=ctx.actor.display_name,
            timezone=_platform_zone(ctx.actor.platform_timezone),
            active=True,
            joined_at=ctx.now,
        )
        ctx.session.add(member)
        greeting = f"Welcome to the PLN, {ctx.actor.display_name}!"
    else:
        member.active = True
        member.joined_at = ctx.now
        member.left_at = None
        member.unreachable_at = None
        member.paused_at = None  # joining again starts the prompts, as the welcome says
        member.paused_until = None
        member.resumed_at = None
        greeting = f"Welcome back, {ctx.actor.display_name}!"
    await ctx.session.flush()
    ctx.member = member
    next_time = await ctx.next_prompt_time()
    zone_name = member.timezone or ctx.config.default_timezone
    when = f" Your first one arrives {local_datetime(next_time, ctx.zone)}." if next_time else ""
    welcome = plain(
        f"{greeting} Once a week I'll send you a short leadership reflection prompt; "
        f"reply here to answer. Your answers are private to you.{when}\n"
        f"I'm using the time zone {zone_name}: change it with `/pln tz <zone>`, "
        "for example `/pln tz Europe/Berlin` or `/pln tz toronto`."
    )
    if should_ask_audience(member.audience):
        return [with_audience_question(welcome)]
    return [welcome]


async def leave(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.require_member()
    member.active = False
    member.left_at = ctx.now
    return [
        plain(
            "You've left the PLN: no more prompts. Your reflections stay private and kept; "
            "type `/pln join` any time to come back."
        )
    ]


async def set_timezone(ctx: Context, zone: str) -> list[OutgoingMessage]:
    """Store the zone; an abbreviation or offset gets the question with a button per
    candidate zone instead (nothing is stored until one is pressed)."""
    member = ctx.require_member()
    typed = zone_questions.needs_question(zone)
    if typed is not None:
        question = zone_questions.ask(typed, ctx.now)
        buttons = tuple(
            Button(zone_questions.button_label(candidate, ctx.now), ZONE_PICK_ACTION, candidate)
            for candidate in question.candidates
        )
        return [OutgoingMessage(text=question.text, buttons=buttons)]
    member.timezone = zone
    next_time = await ctx.next_prompt_time()
    after = f" Your next prompt: {local_datetime(next_time, ctx.zone)}." if next_time else ""
    return [plain(f"Time zone set to {describe_zone(zone, ctx.now)}.{after}")]


async def show_timezone(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.require_member()
    zone = member.timezone or ctx.config.default_timezone
    return [
        plain(
            f"Your time zone is {describe_zone(zone, ctx.now)}. "
            "Change it with `/pln tz <zone>`, for example `/pln tz America/New_York`."
        )
    ]


def _platform_zone(name: str | None) -> str | None:
    """A time zone the platform reported, if it is one we know."""
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):
        return None
    try:
        return resolve_timezone(name)
    except ValueError:
        return None


@dataclass(frozen=True)
class PauseLength:
    """How long a pause lasts: until a date (the member's local midnight), or for a number
    of days; neither: until `/pln resume`."""

    until: date | None = None
    days: int | None = None


MAX_PAUSE_DAYS = 366
_LENGTH = re.compile(r"(\d{1,3})\s*(d|days?|w|wks?|weeks?)", re.IGNORECASE)


def parse_pause(text: str) -> PauseLength:
    """`until 2027-01-10`, `2w`, `10d`, `3 weeks`; ValueError says what to write instead."""
    words = text.strip()
    if words.casefold().startswith("until"):
        day_text = words[5:].strip()
        try:
            return PauseLength(until=date.fromisoformat(day_text))
        except ValueError as error:
            raise ValueError(
                f"`{day_text}` is not a date: write `/pln pause until 2027-01-10` (YYYY-MM-DD)."
            ) from error
    match = _LENGTH.fullmatch(words)
    if match is None:
        raise ValueError(
            "Write how long: `/pln pause 2w` (weeks), `/pln pause 10d` (days), "
            "`/pln pause until 2027-01-10`, or just `/pln pause`."
        )
    count = int(match.group(1))
    days = count * 7 if match.group(2).casefold().startswith("w") else count
    if not 1 <= days <= MAX_PAUSE_DAYS:
        raise ValueError("A timed pause lasts from a day to a year; `/pln pause` has no end.")
    return PauseLength(days=days)


async def pause(ctx: Context, length: PauseLength | None = None) -> list[OutgoingMessage]:
    """Pause the prompts; a timed pause ends by itself (the claim resumes the member)."""
    member = ctx.require_member()
    until = _pause_end(ctx, length) if length is not None else None
    if until is not None and until <= ctx.now:
        return [plain("That date has already begun: give a day still to come.")]
    if until is None:
        if member.paused_at is not None and member.paused_until is None:
            return [plain("Your prompts are already paused. `/pln resume` starts them again.")]
        member.paused_at = member.paused_at or ctx.now
        member.paused_until = None
        return [
            plain(
                "Paused: no prompts until you type `/pln resume`. You're still in the PLN and "
                "your reflections stay private and kept."
            )
        ]
    member.paused_at = member.paused_at or ctx.now
    member.paused_until = until
    return [
        plain(
            f"Paused until {local_date(until, ctx.zone)}: prompts start again by themselves "
            "then (`/pln resume` any time sooner). You're still in the PLN and your "
            "reflections stay private and kept."
        )
    ]


def _pause_end(ctx: Context, length: PauseLength) -> datetime | None:
    if length.until is not None:
        return datetime.combine(length.until, time(0), tzinfo=ctx.zone).astimezone(UTC)
    if length.days is not None:
        return ctx.now + timedelta(days=length.days)
    return None


async def resume(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.require_member()
    if member.paused_at is None:
        return [plain("Your prompts aren't paused. `/pln pause` pauses them.")]
    member.paused_at = None
    member.paused_until = None
    member.resumed_at = ctx.now
    next_time = await ctx.next_prompt_time()
    when = f" Your next prompt arrives {local_datetime(next_time, ctx.zone)}." if next_time else ""
    return [plain(f"Welcome back: prompts are on again.{when}")]
