"""Joining, leaving and choosing a time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import zone_questions
from bot.core.audience import should_ask as should_ask_audience
from bot.core.audience import with_audience_question
from bot.core.context import Context
from bot.core.formatting import local_datetime
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


async def pause(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.require_member()
    if member.paused_at is not None:
        return [plain("Your prompts are already paused. `/pln resume` starts them again.")]
    member.paused_at = ctx.now
    return [
        plain(
            "Paused: no prompts until you type `/pln resume`. You're still in the PLN and "
            "your reflections stay private and kept."
        )
    ]


async def resume(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.require_member()
    if member.paused_at is None:
        return [plain("Your prompts aren't paused. `/pln pause` pauses them.")]
    member.paused_at = None
    member.resumed_at = ctx.now
    next_time = await ctx.next_prompt_time()
    when = f" Your next prompt arrives {local_datetime(next_time, ctx.zone)}." if next_time else ""
    return [plain(f"Welcome back: prompts are on again.{when}")]
