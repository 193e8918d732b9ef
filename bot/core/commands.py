"""The one command grammar every platform shares: the text after `/pln` becomes a Command.

Slack, Discord and the console all hand us the raw text, so members learn one syntax and the
core never sees platform details. The grammar is a table of CommandSpec entries and a single
generic parser: adding a command means adding its dataclass and one table entry, never another
branch of string comparisons. Help text is rendered from the same table, so it cannot drift.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.timezones import resolve_timezone

_PREFIXES = ("/pln", "pln")
_ECHO_LENGTH = 40
_ALL_COMMANDS_HINT = "Type `/pln help` to see all commands."


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
class Schedules:
    """Show when this community gets prompts and digests."""


Command = (
    Help
    | Join
    | Leave
    | SetTimezone
    | ShowTimezone
    | Skip
    | History
    | Digest
    | PromptNow
    | Schedules
)


class CommandError(ValueError):
    """Text that is not a valid command; str() is a friendly reply that points to `/pln help`."""


# --- Argument shapes: how the words after a command's name become its value -------------


class _Rejected(Exception):
    """Raised by an argument shape, with an optional explanation; the parser turns it into a
    CommandError that names the command."""


class Arguments(Protocol):
    """An argument shape: how the words after a command's name become the command.

    `usage` is the arguments part of the usage line ("[week|month|all]"), `takes` completes
    error messages ("`/pln digest` takes week, month or all"), `produces` lists the command
    classes parse() can return so each command maps back to its spec, and parse() raises
    _Rejected when the words don't fit.
    """

    @property
    def usage(self) -> str: ...
    @property
    def takes(self) -> str: ...
    @property
    def produces(self) -> tuple[type, ...]: ...
    def parse(self, words: Sequence[str]) -> Command: ...


def _classes(*makers: object) -> tuple[type, ...]:
    """The distinct classes among an argument shape's constructors (help's are both Help)."""
    return tuple(dict.fromkeys(maker for maker in makers if isinstance(maker, type)))


@dataclass(frozen=True)
class NoArguments:
    """A command that is just its name, like `/pln join`."""

    make: Callable[[], Command]
    usage = ""
    takes = "takes no arguments"

    @property
    def produces(self) -> tuple[type, ...]:
        return _classes(self.make)

    def parse(self, words: Sequence[str]) -> Command:
        if words:
            raise _Rejected()
        return self.make()


@dataclass(frozen=True)
class OptionalNumber:
    """At most one whole number within a range, with a default when it is left out."""

    make: Callable[[int], Command]
    default: int
    low: int
    high: int
    name: str = "n"

    @property
    def usage(self) -> str:
        return f"[{self.name}]"

    @property
    def takes(self) -> str:
        return f"takes a number from {self.low} to {self.high}"

    @property
    def produces(self) -> tuple[type, ...]:
        return _classes(self.make)

    def parse(self, words: Sequence[str]) -> Command:
        if not words:
            return self.make(self.default)
        # isdecimal() rather than int(): int() also takes "1_0", " +5" and 5000-digit numbers.
        if len(words) > 1 or not words[0].isdecimal() or len(words[0]) > len(str(self.high)):
            raise _Rejected()
        number = int(words[0])
        if not self.low <= number <= self.high:
            raise _Rejected()
        return self.make(number)


@dataclass(frozen=True)
class OptionalChoice:
    """At most one word from a fixed list (any case), with a default when it is left out."""

    make: Callable[[str], Command]
    choices: tuple[str, ...]
    default: str

    @property
    def usage(self) -> str:
        return "[" + "|".join(self.choices) + "]"

    @property
    def takes(self) -> str:
        return f"takes {_or_list(self.choices)}"

    @property
    def produces(self) -> tuple[type, ...]:
        return _classes(self.make)

    def parse(self, words: Sequence[str]) -> Command:
        if not words:
            return self.make(self.default)
        choice = words[0].casefold()
        if len(words) > 1 or choice not in self.choices:
            raise _Rejected()
        return self.make(choice)


@dataclass(frozen=True)
class RestOfLine:
    """Free text up to the end of the line (`tz new york`), checked by `convert`.

    `convert` raises ValueError with a friendly message when the text is unusable; a
    CommandError it raises is passed on untouched. Without `when_empty` the text is required.
    """

    make: Callable[[str], Command]
    convert: Callable[[str], str]
    name: str
    when_empty: Callable[[], Command] | None = None

    @property
    def usage(self) -> str:
        return f"[{self.name}]" if self.when_empty is not None else f"<{self.name}>"

    @property
    def takes(self) -> str:
        return f"takes a {self.name}"

    @property
    def produces(self) -> tuple[type, ...]:
        return _classes(self.make, self.when_empty)

    def parse(self, words: Sequence[str]) -> Command:
        if not words:
            if self.when_empty is None:
                raise _Rejected()
            return self.when_empty()
        try:
            return self.make(self.convert(" ".join(words)))
        except CommandError:
            raise
        except ValueError as error:
            raise _Rejected(str(error)) from error


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
        arguments=RestOfLine(Help, convert=_help_topic, name="command", when_empty=Help),
        summary="List the commands, or explain one.",
        description="On its own it lists every command; add a command name to see how it works.",
        example="help digest",
    ),
    CommandSpec(
        name="join",
        arguments=NoArguments(Join),
        summary="Join the network and start getting reflection prompts.",
        description="You'll get a reflection prompt on the community's schedule, and digests.",
        example="join",
    ),
    CommandSpec(
        name="leave",
        arguments=NoArguments(Leave),
        summary="Stop getting prompts and digests.",
        description="Your past reflections stay; `/pln join` brings you back any time.",
        example="leave",
    ),
    CommandSpec(
        name="tz",
        arguments=RestOfLine(
            SetTimezone, convert=resolve_timezone, name="zone or city", when_empty=ShowTimezone
        ),
        summary="Show your time zone, or set it.",
        description="Prompts arrive at a sensible local hour. Give an IANA zone or a city.",
        example="tz Europe/Berlin",
    ),
    CommandSpec(
        name="skip",
        arguments=NoArguments(Skip),
        summary="Skip the current prompt.",
        description="Pass on the prompt you were sent; the next one comes as usual.",
        example="skip",
    ),
    CommandSpec(
        name="history",
        arguments=OptionalNumber(History, default=5, low=1, high=50),
        summary="Show your latest reflections (5 unless you give a number up to 50).",
        description="Lists your most recent reflections, newest first.",
        example="history 10",
    ),
    CommandSpec(
        name="digest",
        arguments=OptionalChoice(Digest, choices=("week", "month", "all"), default="month"),
        summary="Show the community digest for the last week, month (default) or all time.",
        description="Collects what members reflected on, so you can see themes and reply.",
        example="digest month",
    ),
    CommandSpec(
        name="schedules",
        arguments=NoArguments(Schedules),
        summary="Show when this community gets prompts and digests.",
        description="Lists the community's prompt and digest schedules.",
        example="schedules",
    ),
    CommandSpec(
        name="prompt now",
        arguments=NoArguments(PromptNow),
        summary="Send the next prompt right away.",
        description="Sends the community's next prompt now instead of waiting for its schedule.",
        example="prompt now",
        moderator_only=True,
    ),
)

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
        spec = _spec_named(_help_topic(topic))
        lines = [f"`{spec.usage}` — {spec.summary}", spec.description]
        lines.append(f"Example: `/pln {spec.example}`")
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


def _spec_named(name: str) -> CommandSpec:
    return next(spec for spec in _SPECS if spec.name == name)


def _without_prefix(words: list[str]) -> list[str]:
    if words and words[0].casefold() in _PREFIXES:
        return words[1:]
    return words


def _longest_match(words: Sequence[str]) -> CommandSpec | None:
    """The spec whose name matches the most leading words, so `digest schedule` can coexist
    with `digest`."""
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


def _or_list(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" or {items[-1]}"
