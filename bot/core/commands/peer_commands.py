"""The peer half's commands: `/pln profile`, `/pln checkins` and `/pln mentor`.

Each is one command whose first word says what to do (`profile role teacher`), so Discord
shows it as one entry with a choice and a value under `/pln peers`, where `/pln` has room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.core.checkins import assessment, mentor_end, mentor_flow, notices, optin, profile
from bot.core.checkins.mentoring import match_mentors
from bot.core.checkins.model import Role
from bot.core.commands.shapes import Arguments, Option, OptionKind, Rejected
from bot.core.commands.spec import CommandSpec, CoreServices
from bot.core.context import Context
from bot.core.messages import OutgoingMessage
from bot.core.moderators import Target, platform_mention
from bot.core.replies import NOT_JOINED

if TYPE_CHECKING:
    from bot.core.actors import Actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """`/pln profile`: the profile's form (a modal; one question at a time on the console)."""


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


@dataclass(frozen=True)
class Mentor:
    """`/pln mentor offer [n]|request|assess <5 ratings>|status|end [member]` (status when
    left out)."""

    verb: str
    capacity: int = 1
    ratings: assessment.Ratings | None = None
    partner: Target | None = None  # `end @sam`: only the match with them


def _capacity(rest: str) -> Mentor:
    words = rest.casefold().split()
    if words[:2] == ["up", "to"]:
        words = words[2:]
    if words and words[-1] in ("mentee", "mentees"):
        words = words[:-1]
    if not words:
        return Mentor("offer")
    if len(words) != 1 or words[0] not in {str(n) for n in range(1, mentor_flow.MAX_MENTEES + 1)}:
        raise ValueError(
            f"Offer up to 1 to {mentor_flow.MAX_MENTEES} mentees: `/pln mentor offer 2`."
        )
    return Mentor("offer", capacity=int(words[0]))


def _end(rest: str) -> Mentor:
    """`end` alone ends everything; `end @sam` (a mention, or on the console a name) one."""
    named = rest.strip()
    if not named:
        return Mentor("end")
    mentioned = platform_mention(named)
    if mentioned is not None:
        return Mentor("end", partner=Target(mentioned, mentioned=True))
    if len(named) > 200:
        raise ValueError("Name one of your matches: `/pln mentor end @sam`.")
    return Mentor("end", partner=Target(named, mentioned=False))


def _verbs(
    usage: str,
    verbs: dict[str, Callable[[str], Any]],
    produces: tuple[type, ...],
    value: Option,
    when_empty: Callable[[], Any],
    *more: Option,
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
    return Arguments(usage, takes, produces, parse, (action, value, *more))


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


_MENTOR_ARGUMENTS = _verbs(
    "[offer [n]|request|assess <ratings>|status|end [@member]]",
    {
        "status": _nothing_after(lambda: Mentor("status")),
        "offer": _capacity,
        "request": _nothing_after(lambda: Mentor("request")),
        "assess": lambda rest: Mentor("assess", ratings=assessment.parse_ratings(rest)),
        "end": _end,
    },
    (Mentor,),
    Option("value", "offer: up to how many mentees (1-5); assess: five ratings 1-5"),
    lambda: Mentor("status"),
    Option("member", "end: only your match with this member", OptionKind.MEMBER),
)


async def _mentor(services: CoreServices, actor: Actor, command: Mentor) -> list[OutgoingMessage]:
    """One unit of work (store, match, word the introductions), then the DMs to the other
    members after the commit."""

    async def unit(ctx: Context) -> mentor_flow.Result:
        if not ctx.is_active_member:
            return mentor_flow.Result((NOT_JOINED,))
        match command.verb:
            case "offer":
                result = await mentor_flow.offer(ctx, command.capacity, match_mentors)
            case "request":
                result = await mentor_flow.request(ctx, match_mentors)
            case "assess" if command.ratings is not None:
                result = await mentor_flow.assess(ctx, command.ratings, match_mentors)
            case "end" if command.partner is not None:
                result = await mentor_end.end_with(ctx, command.partner, match_mentors)
            case "end":
                result = await mentor_end.end(ctx)
            case _:
                return await mentor_flow.status(ctx)
        for notice in result.notices:  # owed with the match; the pipeline sends and retries
            text = notice.message.text
            notices.owe(ctx.session, notice.recipient, ctx.community.id, text, ctx.now)
        return result

    result = await services.with_context(actor, unit)
    if result.notices:  # owed from now: sent at once, retried by the alarm if refused
        await services.send_notices()
    return list(result.replies)


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
    return [profile.profile_form()]


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
        opens_form=lambda command: isinstance(command, Profile),
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
    CommandSpec(
        name="mentor",
        arguments=_MENTOR_ARGUMENTS,
        summary="Mentoring: offer to mentor, ask for a mentor, your status, or end a match.",
        description=(
            "`offer [n]` mentors up to n members at once (1 by default, at most 5); "
            "`request` asks for a mentor; both need your role (`/pln profile role`) and a "
            "short self-assessment (a form, or `assess` and five ratings 1-5: setting "
            "directions, building relationships, developing the organization, improving "
            "the instructional program, securing accountability). Each mentee gets a mentor "
            "from another school whose strengths cover their lower ratings, with working "
            "hours that overlap; both get an introduction. `end @member` ends only your match "
            "with them (they are told; your offer or request stays, and a freed place is "
            "matched again); `end` alone ends all your matches and withdraws your offer or "
            "request."
        ),
        example="mentor offer 2",
        outside=_mentor,
        changes_schedule=True,
    ),
)
