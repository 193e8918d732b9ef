"""The one command grammar every platform shares: the text after `/pln` becomes a Command.

Slack, Discord and the console all hand us the raw text, so members learn one syntax and the
core never sees platform details. The grammar is a table of CommandSpec entries and a single
generic parser: adding a command means adding its dataclass and one table entry, never another
branch of string comparisons. Help text is rendered from the same table, so it cannot drift.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.timezones import resolve_timezone

_PREFIXES = ("/pln", "pln")
_ECHO_LENGTH = 40
_ALL_COMMANDS_HINT = "Type `/pln help` to see all commands."
_T = TypeVar("_T")


# --- Commands: what a member asked for, already validated -------------------------------


@dataclass(frozen=True)
class Help:
    """List the commands, or explain one (`topic` is a command name such as "prompt now")."""

    topic: str | None = None


@dataclass(frozen=True)
class Join:
    """Start receiving reflection prompts and digests."""


@dataclass(frozen=True)
class Leave:
    """Stop receiving prompts and digests."""


@dataclass(frozen=True)
class SetTimezone:
    """Set the member's time zone; `zone` is already a canonical IANA name."""

    zone: str


@dataclass(frozen=True)
class ShowTimezone:
    """Show the member's current time zone."""


@dataclass(frozen=True)
class Pause:
    """Stop prompts for a while (holidays, a busy term) without leaving the PLN."""


@dataclass(frozen=True)
class Resume:
    """Start prompts again after a pause."""


@dataclass(frozen=True)
class Skip:
    """Skip the current prompt without answering."""


@dataclass(frozen=True)
class History:
    """Show the member's most recent reflections."""

    limit: int


@dataclass(frozen=True)
class Digest:
    """Show the community digest for "week", "month" or "all"."""

    period: str


@dataclass(frozen=True)
class PromptNow:
    """Send the next prompt right away instead of waiting for the schedule (moderators)."""


@dataclass(frozen=True)
class Mode:
    """How prompts reach members: "dm" (each by DM) or "channel" (one post); None shows it."""

    mode: str | None


@dataclass(frozen=True)
class SetChannel:
    """Choose the PLN channel: `here`, or a channel id taken from a platform's mention."""

    target: str | None


@dataclass(frozen=True)
class ChooseTrack:
    """Show the tracks (None), or choose one by id (moderators)."""

    name: str | None


@dataclass(frozen=True)
class AddPrompt:
    """A moderator's own prompt: `framework/element | question | follow-up`, validated.

    `parts` is (framework id, element id, question, follow-up).
    """

    parts: tuple[str, str, str, str]

    @property
    def framework_id(self) -> str:
        return self.parts[0]

    @property
    def element_id(self) -> str:
        return self.parts[1]

    @property
    def question(self) -> str:
        return self.parts[2]

    @property
    def follow_up(self) -> str:
        return self.parts[3]


@dataclass(frozen=True)
class ListPrompts:
    """The community's own prompts."""


@dataclass(frozen=True)
class RetirePrompt:
    """Stop using one of the community's own prompts (it stays in members' history)."""

    prompt_id: str


@dataclass(frozen=True)
class Schedules:
    """Show when this community gets prompts and digests."""


Command = (
    Help
    | Join
    | Leave
    | SetTimezone
    | ShowTimezone
    | Pause
    | Resume
    | Skip
    | History
    | Digest
    | PromptNow
    | Mode
    | SetChannel
    | ChooseTrack
    | AddPrompt
    | ListPrompts
    | RetirePrompt
    | Schedules
)


class CommandError(ValueError):
    """Text that is not a valid command; str() is a friendly reply that points to `/pln help`."""


# --- Argument shapes: how the words after a command's name become its value -------------


class _Rejected(Exception):
    """Arguments that don't fit, with an optional explanation; becomes a CommandError."""


@dataclass(frozen=True)
class Arguments:
    """How the words after a command's name become the command; built by the functions below.

    `usage` is the arguments part of the usage line ("[week|month|all]"), `takes` completes
    error messages ("`/pln digest` takes week, month or all"), `produces` lists the command
    classes `parse` can return, so each command maps back to its spec.
    """

    usage: str
    takes: str
    produces: tuple[type, ...]
    parse: Callable[[Sequence[str]], Command]


def _classes(*makers: object) -> tuple[type, ...]:
    """The distinct classes among the constructors of a command's arguments."""
    return tuple(dict.fromkeys(maker for maker in makers if isinstance(maker, type)))


def _or_list(items: Sequence[str]) -> str:
    """ "a, b or c", for choices and suggestions."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" or {items[-1]}"


def no_arguments(make: Callable[[], Command]) -> Arguments:
    """A command that is just its name, like `/pln join`."""

    def parse(words: Sequence[str]) -> Command:
        if words:
            raise _Rejected()
        return make()

    return Arguments("", "takes no arguments", _classes(make), parse)


def optional_number(
    make: Callable[[int], Command], *, default: int, low: int, high: int, name: str = "n"
) -> Arguments:
    """At most one whole number from `low` to `high`, `default` when left out."""

    def parse(words: Sequence[str]) -> Command:
        if not words:
            return make(default)
        # isdecimal() rather than int(): int() also takes "1_0", "+5" and 5000-digit numbers.
        if len(words) > 1 or not words[0].isdecimal() or len(words[0]) > len(str(high)):
            raise _Rejected()
        if not low <= int(words[0]) <= high:
            raise _Rejected()
        return make(int(words[0]))

    return Arguments(f"[{name}]", f"takes a number from {low} to {high}", _classes(make), parse)


def optional_choice(
    make: Callable[[str], Command], *, choices: tuple[str, ...], default: str
) -> Arguments:
    """At most one word from `choices` (any case), `default` when left out."""

    def parse(words: Sequence[str]) -> Command:
        choice = words[0].casefold() if words else default
        if len(words) > 1 or choice not in choices:
            raise _Rejected()
        return make(choice)

    usage = "[" + "|".join(choices) + "]"
    return Arguments(usage, f"takes {_or_list(choices)}", _classes(make), parse)


def rest_of_line(
    make: Callable[[_T], Command],
    *,
    convert: Callable[[str], _T],
    name: str,
    when_empty: Callable[[], Command] | None = None,
) -> Arguments:
    """Free text to the end of the line (`tz new york`), required unless `when_empty` is set.

    `convert` raises ValueError with a friendly message when the text is unusable; a
    CommandError it raises is passed on untouched.
    """

    def parse(words: Sequence[str]) -> Command:
        if not words:
            if when_empty is None:
                raise _Rejected()
            return when_empty()
        try:
            return make(convert(" ".join(words)))
        except CommandError:
            raise
        except ValueError as error:
            raise _Rejected(str(error)) from error

    usage = f"[{name}]" if when_empty is not None else f"<{name}>"
    return Arguments(usage, f"takes a {name}", _classes(make, when_empty), parse)


# --- The table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandSpec:
    """One command of the grammar: its name, argument shape and the words help shows for it."""

    name: str
    arguments: Arguments
    summary: str
    description: str
    example: str
    moderator_only: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    @property
    def usage(self) -> str:
        return " ".join(part for part in ("/pln", self.name, self.arguments.usage) if part)


def channel_target(text: str) -> str:
    """`here`, or the channel id inside a Slack (`<#C123|name>`) or Discord (`<#123>`) mention."""
    cleaned = text.strip()
    if cleaned.casefold() == "here":
        return "here"
    match = re.fullmatch(r"<#([A-Za-z0-9]+)(?:\|[^>]*)?>", cleaned)
    if match is None:
        raise ValueError(
            "Type `/pln channel here` in the channel you want, or pick it with #channel-name."
        )
    return match.group(1)


def _track_name(text: str) -> str:
    name = text.strip().casefold()
    if not re.fullmatch(r"[a-z0-9-]{1,64}", name):
        raise ValueError("Track names are single words like `all`, `olf` or `school-year`.")
    return name


def _show_tracks() -> ChooseTrack:
    return ChooseTrack(None)


def _community_prompt(text: str) -> tuple[str, str, str, str]:
    from bot.prompts.library import default_library, validate_community_prompt

    return validate_community_prompt(default_library(), text)


def _prompt_id(text: str) -> str:
    cleaned = text.strip().casefold()
    if not re.fullmatch(r"c\d+-\d+", cleaned):
        raise ValueError("Community prompt ids look like `c1-2`: see `/pln prompts list`.")
    return cleaned


def _show_channel() -> SetChannel:
    return SetChannel(None)


def _help_topic(text: str) -> str:
    """Accept `help digest`, `help prompt` or `help /pln tz` and name the command they mean."""
    words = _without_prefix(text.split())
    if not words:
        raise CommandError(f"Which command should I explain? {_ALL_COMMANDS_HINT}")
    spec = _longest_match(words)
    if spec is not None:
        return spec.name
    related = _specs_starting_with(words[0])
    if related:
        return related[0].name
    raise CommandError(
        f"I have no help for {_echo(words[0])}.{_did_you_mean(words[0], prefix='/pln help ')} "
        + _ALL_COMMANDS_HINT
    )


_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="help",
        arguments=rest_of_line(Help, convert=_help_topic, name="command", when_empty=Help),
        summary="List the commands, or explain one.",
        description="On its own it lists every command; add a command name to see how it works.",
        example="help digest",
    ),
    CommandSpec(
        name="join",
        arguments=no_arguments(Join),
        summary="Join the network and start getting reflection prompts.",
        description=(
            "Once a week you'll get a short leadership reflection prompt; your answers "
            "are private to you."
        ),
        example="join",
    ),
    CommandSpec(
        name="leave",
        arguments=no_arguments(Leave),
        summary="Stop getting prompts.",
        description=(
            "Your past reflections stay, private to you; `/pln join` brings you back any time."
        ),
        example="leave",
    ),
    CommandSpec(
        name="tz",
        arguments=rest_of_line(
            SetTimezone, convert=resolve_timezone, name="zone or city", when_empty=ShowTimezone
        ),
        summary="Show your time zone, or set it.",
        description=(
            "Prompts arrive at the community's hour in your own zone. Give an IANA zone or a city."
        ),
        example="tz Europe/Berlin",
    ),
    CommandSpec(
        name="pause",
        arguments=no_arguments(Pause),
        summary="Pause your prompts (holidays, a busy term).",
        description=(
            "No prompts arrive while you're paused; you stay in the PLN and keep your "
            "reflections. `/pln resume` starts them again."
        ),
        example="pause",
    ),
    CommandSpec(
        name="resume",
        arguments=no_arguments(Resume),
        summary="Start your prompts again after a pause.",
        description="Your next prompt arrives at the usual time in your time zone.",
        example="resume",
    ),
    CommandSpec(
        name="skip",
        arguments=no_arguments(Skip),
        summary="Skip this week's prompt.",
        description="Marks the prompt you were last sent as skipped; the next one comes as usual.",
        example="skip",
    ),
    CommandSpec(
        name="history",
        arguments=optional_number(History, default=5, low=1, high=50),
        summary="Show your latest answers (5 unless you give a number up to 50).",
        description=(
            "Your most recent answers with their dates and prompts, newest first. Only "
            "you see them."
        ),
        example="history 10",
    ),
    CommandSpec(
        name="digest",
        arguments=optional_choice(Digest, choices=("week", "month", "all"), default="month"),
        summary="Your reflection digest for the last week, month (default) or all time.",
        description=(
            "Prompts received, answered and skipped, your streak, your answers and their "
            "key words. Only you see it."
        ),
        example="digest month",
    ),
    CommandSpec(
        name="schedules",
        arguments=no_arguments(Schedules),
        summary="Show when this community gets prompts.",
        description="Lists the community's prompt schedules and your next prompt time.",
        example="schedules",
    ),
    CommandSpec(
        name="prompt now",
        arguments=no_arguments(PromptNow),
        summary="Send this week's prompt to every member now.",
        description="Each use is a new occurrence: every active member gets it once, right away.",
        example="prompt now",
        moderator_only=True,
    ),
    CommandSpec(
        name="mode",
        arguments=optional_choice(Mode, choices=("dm", "channel", "show"), default="show"),
        summary="How prompts reach members: by DM, or one post in the PLN channel.",
        description=(
            "`dm` sends each member the prompt privately; `channel` posts it once in the PLN "
            "channel with an Answer privately button (answers stay private). Without a word "
            "it shows the current mode."
        ),
        example="mode channel",
        moderator_only=True,
    ),
    CommandSpec(
        name="track",
        arguments=rest_of_line(
            ChooseTrack, convert=_track_name, name="track", when_empty=_show_tracks
        ),
        summary="Show where prompts come from: the tracks.",
        description=(
            "A track is where prompts come from: every framework, one framework, or a term "
            "plan that walks chosen elements week by week. Moderators choose one with "
            "`/pln track <name>`."
        ),
        example="track school-year",
    ),
    CommandSpec(
        name="prompts add",
        arguments=rest_of_line(
            AddPrompt, convert=_community_prompt, name="framework/element | question | follow-up"
        ),
        summary="Add your community's own prompt, with its element and a follow-up.",
        description=(
            "Separate the three parts with `|`. It joins the rotation like the library's "
            "prompts; `pln-bot prompts list` shows the element ids."
        ),
        example=(
            "prompts add olf/using-data | Which number surprised you this term? | "
            "What will you do about it?"
        ),
        moderator_only=True,
    ),
    CommandSpec(
        name="prompts list",
        arguments=no_arguments(ListPrompts),
        summary="List your community's own prompts.",
        description="Each with its id, element and question; retired ones are not shown.",
        example="prompts list",
        moderator_only=True,
    ),
    CommandSpec(
        name="prompts retire",
        arguments=rest_of_line(RetirePrompt, convert=_prompt_id, name="prompt id"),
        summary="Retire one of your community's own prompts.",
        description="It is not sent again; answers to it stay with their authors.",
        example="prompts retire c1-2",
        moderator_only=True,
    ),
    CommandSpec(
        name="channel",
        arguments=rest_of_line(
            SetChannel, convert=channel_target, name="here or #channel", when_empty=_show_channel
        ),
        summary="Choose the PLN channel (type it in that channel: `/pln channel here`).",
        description="The channel where channel mode posts the weekly prompt.",
        example="channel here",
        moderator_only=True,
    ),
)

_SPEC_BY_NAME = {spec.name: spec for spec in _SPECS}
_SPEC_BY_CLASS: dict[type, CommandSpec] = {
    produced: spec for spec in _SPECS for produced in spec.arguments.produces
}


# --- Parsing -------------------------------------------------------------------------------


def parse_command(text: str) -> Command:
    """Parse what a member typed after `/pln` (a leading `/pln` or `pln` is tolerated).

    Empty text asks for help. Raises CommandError, and nothing else, for anything else.
    """
    words = _without_prefix(text.split())
    if not words:
        return Help()
    spec = _longest_match(words)
    if spec is None:
        raise CommandError(_unknown_command_message(words))
    try:
        return spec.arguments.parse(words[len(spec.words) :])
    except _Rejected as rejection:
        detail = str(rejection.args[0]) if rejection.args else None
        raise CommandError(_argument_message(spec, detail)) from None


def is_moderator_only(command: Command) -> bool:
    """Whether only the community's moderators may run this command."""
    return _SPEC_BY_CLASS[type(command)].moderator_only


def command_specs() -> tuple[CommandSpec, ...]:
    """Every command, in the order help lists them."""
    return _SPECS


def help_text(*, moderator: bool, topic: str | None = None) -> str:
    """Plain text help: one line per command, or usage, description and example for one.

    Moderator-only commands appear only for moderators, in their own part of the list. A topic
    may be any name `/pln help` accepts; an unknown one raises CommandError.
    """
    if topic is not None:
        spec = _SPEC_BY_NAME[_help_topic(topic)]
        lines = [_help_line(spec), spec.description, f"Example: `/pln {spec.example}`"]
        if spec.moderator_only and not moderator:
            lines.append("Only moderators can use this command.")
        return "\n".join(lines)
    lines = ["Commands:"]
    lines += [_help_line(spec) for spec in _SPECS if not spec.moderator_only]
    if moderator:
        lines += ["", "For moderators:"]
        lines += [_help_line(spec) for spec in _SPECS if spec.moderator_only]
    lines += ["", "Type `/pln help <command>` for details and an example."]
    return "\n".join(lines)


def _help_line(spec: CommandSpec) -> str:
    return f"`{spec.usage}` — {spec.summary}"


def _without_prefix(words: list[str]) -> list[str]:
    if words and words[0].casefold() in _PREFIXES:
        return words[1:]
    return words


def _longest_match(words: Sequence[str]) -> CommandSpec | None:
    """The spec matching the most leading words, so `digest schedule` can coexist with `digest`."""
    folded = tuple(word.casefold() for word in words)
    matches = [spec for spec in _SPECS if folded[: len(spec.words)] == spec.words]
    return max(matches, key=lambda spec: len(spec.words), default=None)


def _specs_starting_with(word: str) -> list[CommandSpec]:
    return [spec for spec in _SPECS if spec.words[0] == word.casefold()]


def _unknown_command_message(words: Sequence[str]) -> str:
    related = _specs_starting_with(words[0])
    # `prompt` or `prompt later`: the first word is right, so echo the words the member tried.
    width = len(related[0].words) if related else 1
    tried = " ".join(words[:width])
    return f"I don't know the command {_echo(tried)}.{_did_you_mean(words[0])} {_ALL_COMMANDS_HINT}"


def _did_you_mean(word: str, *, prefix: str = "/pln ") -> str:
    """ " Did you mean `/pln digest`?" for the closest command, or "" when none is close."""
    related = _specs_starting_with(word)
    if not related:
        firsts = list(dict.fromkeys(spec.words[0] for spec in _SPECS))
        close = difflib.get_close_matches(word.casefold()[:_ECHO_LENGTH], firsts, n=1)
        related = _specs_starting_with(close[0]) if close else []
    if not related:
        return ""
    # Prefer the bare command (`digest`) over its longer relatives (`digest schedule`).
    shortest = min(len(spec.words) for spec in related)
    names = [f"`{prefix}{spec.name}`" for spec in related if len(spec.words) == shortest]
    return f" Did you mean {_or_list(names)}?"


def _argument_message(spec: CommandSpec, detail: str | None) -> str:
    if detail is None:
        detail = f"`/pln {spec.name}` {spec.arguments.takes}"
        if spec.example != spec.name:
            detail += f" — for example `/pln {spec.example}`"
        detail += "."
    return f"{detail} See `/pln help {spec.name}`."


def _echo(text: str) -> str:
    """Quote member input briefly: a long paste should not be repeated back to the channel."""
    printable = "".join(char for char in text if char.isprintable())
    if len(printable) > _ECHO_LENGTH:
        printable = printable[: _ECHO_LENGTH - 1] + "…"
    return f"'{printable}'"
