"""Commands about taking part: join, leave, time zone, pause, skip, history, frameworks."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import audience, history, home, membership, quiet_members, reflections
from bot.core.commands.shapes import (
    Option,
    OptionKind,
    no_arguments,
    optional_choice,
    optional_number,
    rest_of_line,
)
from bot.core.commands.spec import ButtonAction, CommandSpec
from bot.core.context import Context
from bot.core.frameworks import frameworks_reply
from bot.core.messages import OutgoingMessage
from bot.core.scheduling import listing
from bot.core.timezones import resolve_timezone, zone_or_choice
from bot.prompts.library import default_library


@dataclass(frozen=True)
class Join:
    """Start receiving reflection prompts and digests."""


@dataclass(frozen=True)
class Leave:
    """Stop receiving prompts and digests."""


@dataclass(frozen=True)
class SetTimezone:
    """Set the member's time zone. `zone` is an IANA name, or an abbreviation or offset
    (`IST`, `UTC+05:30`) that the handler answers with a question instead."""

    zone: str


def _picked_zone(value: str) -> SetTimezone | None:
    """A zone button's command: only an exact zone name, as the bot's buttons carry."""
    try:
        zone = resolve_timezone(value)
    except ValueError:
        return None
    return SetTimezone(zone) if zone == value else None


@dataclass(frozen=True)
class ShowTimezone:
    """Show the member's current time zone."""


@dataclass(frozen=True)
class Pause:
    """Stop prompts (holidays, a busy term) without leaving the PLN: until `/pln resume`,
    or for a while (`length`), after which they start again by themselves."""

    length: membership.PauseLength | None = None


@dataclass(frozen=True)
class Resume:
    """Start prompts again after a pause."""


@dataclass(frozen=True)
class Rhythm:
    """How often the member's prompts come: "weekly", "fortnightly", or "show"."""

    choice: str


@dataclass(frozen=True)
class Skip:
    """Skip the current prompt without answering."""


@dataclass(frozen=True)
class History:
    """Show the member's most recent reflections."""

    limit: int


@dataclass(frozen=True)
class Frameworks:
    """The leadership frameworks and their elements, each with a short description."""


@dataclass(frozen=True)
class Schedules:
    """Show when this community gets prompts and digests."""


@dataclass(frozen=True)
class ChooseAudience:
    """Whether the member's prompts suit someone new to the role, experienced, or everyone."""

    choice: str


async def _time_zone(ctx: Context, command: SetTimezone | ShowTimezone) -> list[OutgoingMessage]:
    if isinstance(command, SetTimezone):
        return await membership.set_timezone(ctx, command.zone)
    return await membership.show_timezone(ctx)


async def _frameworks(_ctx: Context, _command: Frameworks) -> list[OutgoingMessage]:
    return [frameworks_reply(default_library())]


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="join",
        arguments=no_arguments(Join),
        summary="Join the network and start getting reflection prompts.",
        description=(
            "Once a week you'll get a short leadership reflection prompt; your answers "
            "are private to you."
        ),
        example="join",
        handler=lambda ctx, _: membership.join(ctx),
        before_joining=True,
        changes_schedule=True,
        refreshes_home=True,
        buttons=(ButtonAction(home.JOIN_ACTION, lambda _value: Join()),),
    ),
    CommandSpec(
        name="leave",
        arguments=no_arguments(Leave),
        summary="Stop getting prompts.",
        description=(
            "Your past reflections stay, private to you; `/pln join` brings you back any time."
        ),
        example="leave",
        handler=lambda ctx, _: membership.leave(ctx),
        changes_schedule=True,
        refreshes_home=True,
    ),
    CommandSpec(
        name="tz",
        arguments=rest_of_line(
            SetTimezone,
            convert=zone_or_choice,
            name="zone or city",
            when_empty=ShowTimezone,
            option=Option("zone", "An IANA zone such as Europe/Berlin, or a city", OptionKind.ZONE),
        ),
        summary="Show your time zone, or set it.",
        description=(
            "Prompts arrive at the community's hour in your own zone. Give an IANA zone or a city."
        ),
        example="tz Europe/Berlin",
        handler=_time_zone,
        changes_schedule=True,
        refreshes_home=True,
        buttons=(ButtonAction(membership.ZONE_PICK_ACTION, _picked_zone),),
    ),
    CommandSpec(
        name="pause",
        arguments=rest_of_line(
            Pause,
            convert=membership.parse_pause,
            name="until date|length",
            when_empty=Pause,
            option=Option("length", "2w, 10d or until 2027-01-10; empty: until you resume"),
        ),
        summary="Pause your prompts (holidays, a busy term), for good or a while.",
        description=(
            "No prompts arrive while you're paused; you stay in the PLN and keep your "
            "reflections. `pause 2w` or `pause until 2027-01-10` resumes by itself; "
            "`/pln resume` starts them again any time."
        ),
        example="pause 2w",
        handler=lambda ctx, command: membership.pause(ctx, command.length),
        changes_schedule=True,
        refreshes_home=True,
        buttons=(ButtonAction(home.PAUSE_ACTION, lambda _value: Pause()),),
    ),
    CommandSpec(
        name="resume",
        arguments=no_arguments(Resume),
        summary="Start your prompts again after a pause.",
        description="Your next prompt arrives at the usual time in your time zone.",
        example="resume",
        handler=lambda ctx, _: membership.resume(ctx),
        changes_schedule=True,
        refreshes_home=True,
        buttons=(ButtonAction(home.RESUME_ACTION, lambda _value: Resume()),),
    ),
    CommandSpec(
        name="skip",
        arguments=no_arguments(Skip),
        summary="Skip this week's prompt.",
        description="Marks the prompt you were last sent as skipped; the next one comes as usual.",
        example="skip",
        handler=lambda ctx, _: reflections.skip(ctx),
    ),
    CommandSpec(
        name="history",
        arguments=optional_number(
            History,
            default=5,
            low=1,
            high=50,
            description="How many answers to show (5 unless you say)",
        ),
        summary="Show your latest answers (5 unless you give a number up to 50).",
        description=(
            "Your most recent answers with their dates and prompts, newest first. Only "
            "you see them."
        ),
        example="history 10",
        handler=lambda ctx, command: history.history(ctx, command.limit),
    ),
)

# Listed after the reflection and data commands in help, as before.
LATER_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="frameworks",
        arguments=no_arguments(Frameworks),
        summary="The leadership frameworks the prompts come from.",
        description="Each framework and its elements, with a short description.",
        example="frameworks",
        handler=_frameworks,
        before_joining=True,
        any_community=True,
    ),
    CommandSpec(
        name="rhythm",
        arguments=optional_choice(
            Rhythm,
            choices=("weekly", "fortnightly", "show"),
            default="show",
            name="every",
            description="weekly, or fortnightly (every other week). Empty: show it",
        ),
        summary="How often your prompts come: weekly (default) or fortnightly.",
        description=(
            "Fortnightly sends your prompt every other week; `/pln pause` stops them for a "
            "while. Empty shows your rhythm."
        ),
        example="rhythm fortnightly",
        handler=lambda ctx, command: quiet_members.set_rhythm(ctx, command.choice),
        changes_schedule=True,
        refreshes_home=True,
        buttons=(
            ButtonAction(quiet_members.RHYTHM_WEEKLY_ACTION, lambda _value: Rhythm("weekly")),
            ButtonAction(
                quiet_members.RHYTHM_FORTNIGHTLY_ACTION, lambda _value: Rhythm("fortnightly")
            ),
        ),
    ),
    CommandSpec(
        name="prompts for",
        arguments=optional_choice(
            ChooseAudience,
            choices=("new", "experienced", "everyone", "show"),
            default="show",
            name="who",
            description="new or experienced in the role, or everyone. Empty: show it",
        ),
        summary="Prompts for someone new to the role, experienced, or everyone.",
        description=(
            "Some prompts suit a newcomer, some a seasoned leader; this leaves out the ones "
            "meant for the other. Asked once after you join; empty shows your choice."
        ),
        example="prompts for experienced",
        handler=lambda ctx, command: audience.choose_audience(ctx, command.choice),
        buttons=(
            ButtonAction(
                audience.AUDIENCE_ACTION,
                lambda value: ChooseAudience(value) if value in audience.CHOICES else None,
            ),
        ),
    ),
    CommandSpec(
        name="schedules",
        arguments=no_arguments(Schedules),
        summary="Show when your next prompt comes.",
        description=(
            "Members see when their own next prompt comes. Moderators see every schedule: "
            "its number, the rule in words, the next fire time and whether it is paused."
        ),
        example="schedules",
        handler=lambda ctx, _: listing.show_schedules(ctx),
        before_joining=True,
    ),
)
