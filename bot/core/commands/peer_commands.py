"""The peer half's commands: `/pln profile`, `/pln checkins` and `/pln mentor`.

Each is one command whose first word says what to do (`profile role teacher`), so Discord
shows it as one entry with a choice and a value under `/pln peers`, where `/pln` has room.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.checkins import optin, profile
from bot.core.checkins.model import Role
from bot.core.commands.shapes import Arguments, Option, OptionKind, Rejected
from bot.core.commands.spec import CommandSpec
from bot.core.context import Context
from bot.core.messages import OutgoingMessage


@dataclass(frozen=True)
class Profile:
    """`/pln profile`: the profile with the button that opens its form."""


@dataclass(frozen=True)
class ShowProfile:
    """`/pln profile show`."""


@dataclass(frozen=True)
class SetSchool:
    name: str


@dataclass(frozen=True)
class SetRole:
    role: Role


@dataclass(frozen=True)
class SetInterests:
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Checkins:
    """`/pln checkins join|leave|pause until <date>|status` (status when left out)."""

    verb: str
    until: date | None = None


def _verbs(
    usage: str,
    verbs: dict[str, Callable[[str], Any]],
    produces: tuple[type, ...],
    value: Option,
    when_empty: Callable[[], Any],
) -> Arguments:
    """A first word from `verbs`, whose converter reads the rest of the line."""

    def parse(words: Sequence[str]) -> Any:
        if not words:
            return when_empty()
        make = verbs.get(words[0].casefold())
        if make is None:
            raise Rejected()
        try:
            return make(" ".join(words[1:]))
        except ValueError as error:
            raise (Rejected(str(error)) if str(error) else Rejected()) from error

    takes = "takes " + ", ".join(verbs)
    action = Option("action", "What to do", OptionKind.CHOICE, choices=tuple(verbs))
    return Arguments(usage, takes, produces, parse, (action, value))


def _nothing_after(make: Callable[[], Any]) -> Callable[[str], Any]:
    def convert(rest: str) -> Any:
        if rest.strip():
            raise ValueError("")
        return make()

    return convert


_PROFILE_ARGUMENTS = _verbs(
    "[show|school <name>|role <it|teacher|leader>|interests <keys>]",
    {
        "show": _nothing_after(ShowProfile),
        "school": lambda rest: SetSchool(profile.parse_school(rest)),
        "role": lambda rest: SetRole(profile.parse_role(rest)),
        "interests": lambda rest: SetInterests(profile.parse_interests(rest)),
    },
    (Profile, ShowProfile, SetSchool, SetRole, SetInterests),
    Option("value", "The school's name, the role (it, teacher, leader) or element keys"),
    Profile,
)


def _pause(rest: str) -> Checkins:
    return Checkins("pause", optin.parse_until(rest))


_CHECKINS_ARGUMENTS = _verbs(
    "[join|leave|pause until <date>|status]",
    {
        "status": _nothing_after(lambda: Checkins("status")),
        "join": _nothing_after(lambda: Checkins("join")),
        "leave": _nothing_after(lambda: Checkins("leave")),
        "pause": _pause,
    },
    (Checkins,),
    Option("until", "For pause: the day you are back, as YYYY-MM-DD"),
    lambda: Checkins("status"),
)


async def _profile(ctx: Context, command: Any) -> list[OutgoingMessage]:
    match command:
        case ShowProfile():
            return await profile.show(ctx)
        case SetSchool(name=name):
            return await profile.set_school(ctx, name)
        case SetRole(role=role):
            return await profile.set_role(ctx, role)
        case SetInterests(keys=keys):
            return await profile.set_interests(ctx, keys)
    return await profile.offer_form(ctx)


async def _checkins(ctx: Context, command: Checkins) -> list[OutgoingMessage]:
    if command.verb == "join":
        return await optin.join(ctx)
    if command.verb == "leave":
        return await optin.leave(ctx)
    if command.verb == "pause" and command.until is not None:
        return await optin.pause(ctx, command.until)
    return await optin.status(ctx)


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="profile",
        arguments=_PROFILE_ARGUMENTS,
        summary="Your profile for check-ins and mentoring: school, role, interests.",
        description=(
            "On its own it shows your profile and a button for its form; `show` just shows "
            "it. Role: `it` (IT professional), `teacher` (teacher-integrator) or `leader` "
            "(senior administrator). Interests: framework/element keys (`/pln frameworks`). "
            "Members of one school are never grouped, however the name is spelled."
        ),
        example="profile role teacher",
        handler=_profile,
    ),
    CommandSpec(
        name="checkins",
        arguments=_CHECKINS_ARGUMENTS,
        summary="Peer check-ins: join, leave, pause until a date, or see your status.",
        description=(
            "Opt-in only: each round puts you with one or two peers from other schools. "
            "`pause until 2027-01-10` skips rounds until that day; `status` (or nothing) "
            "says whether you are in."
        ),
        example="checkins join",
        handler=_checkins,
    ),
)
