"""Argument shapes: how the words after a command's name become the command's value.

Each shape parses for every platform (the text after `/pln`) and also describes itself as
typed options, so Discord's `/pln` group is generated from the same declaration instead of
being written by hand per subcommand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

_T = TypeVar("_T")

# The parse functions return the command classes declared in the command modules; the
# shapes do not need to know them, so a command here is any frozen dataclass instance.
Parsed = Any


class CommandError(ValueError):
    """Text that is not a valid command; str() is a friendly reply that points to `/pln help`."""


class Rejected(Exception):
    """Arguments that don't fit, with an optional explanation; becomes a CommandError."""


class OptionKind(StrEnum):
    """What a typed option holds, for platforms with typed command options (Discord)."""

    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    CHANNEL = "channel"  # a channel picker; the adapter turns it into its channel mention
    ZONE = "zone"  # free text with time zone names offered as the member types
    FILE = "file"  # an attached file; the adapter hands it in with the command, not as text
    MEMBER = "member"  # a member picker; the adapter turns it into that member's mention


@dataclass(frozen=True)
class Option:
    """One typed option of a command. `name` follows Discord's rules (lowercase, no spaces)."""

    name: str
    description: str
    kind: OptionKind = OptionKind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    suggestions: tuple[str, ...] = ()  # offered as the member types (autocomplete)


@dataclass(frozen=True)
class Arguments:
    """How the words after a command's name become the command.

    `usage` is the arguments part of the usage line ("[week|month|all]"), `takes` completes
    error messages ("`/pln digest` takes week, month or all"), `produces` lists the command
    classes `parse` can return, so each command maps back to its spec. `options` describe
    the same arguments as typed options; their values are joined with `joiner` back into
    the text that `parse` reads, so typed and typed-out commands meet in one parser.
    """

    usage: str
    takes: str
    produces: tuple[type, ...]
    parse: Callable[[Sequence[str]], Parsed]
    options: tuple[Option, ...] = ()
    joiner: str = " "

    def with_options(self, *options: Option, joiner: str = " ") -> Arguments:
        """The same parsing, described to typed platforms by `options`."""
        return Arguments(self.usage, self.takes, self.produces, self.parse, tuple(options), joiner)


def classes(*makers: object) -> tuple[type, ...]:
    """The distinct classes among the constructors of a command's arguments."""
    return tuple(dict.fromkeys(maker for maker in makers if isinstance(maker, type)))


def or_list(items: Sequence[str]) -> str:
    """ "a, b or c", for choices and suggestions."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" or {items[-1]}"


def no_arguments(make: Callable[[], Parsed]) -> Arguments:
    """A command that is just its name, like `/pln join`."""

    def parse(words: Sequence[str]) -> Parsed:
        if words:
            raise Rejected()
        return make()

    return Arguments("", "takes no arguments", classes(make), parse)


def optional_number(
    make: Callable[[int], Parsed],
    *,
    default: int,
    low: int,
    high: int,
    name: str = "n",
    description: str = "A number",
) -> Arguments:
    """At most one whole number from `low` to `high`, `default` when left out."""

    def parse(words: Sequence[str]) -> Parsed:
        if not words:
            return make(default)
        # isdecimal() rather than int(): int() also takes "1_0", "+5" and 5000-digit numbers.
        if len(words) > 1 or not words[0].isdecimal() or len(words[0]) > len(str(high)):
            raise Rejected()
        if not low <= int(words[0]) <= high:
            raise Rejected()
        return make(int(words[0]))

    option = Option(name, description, OptionKind.NUMBER, low=low, high=high)
    return Arguments(
        f"[{name}]", f"takes a number from {low} to {high}", classes(make), parse, (option,)
    )


def optional_choice(
    make: Callable[[str], Parsed],
    *,
    choices: tuple[str, ...],
    default: str,
    name: str = "choice",
    description: str = "Leave empty to see the current setting",
) -> Arguments:
    """At most one word from `choices` (any case), `default` when left out."""

    def parse(words: Sequence[str]) -> Parsed:
        choice = words[0].casefold() if words else default
        if len(words) > 1 or choice not in choices:
            raise Rejected()
        return make(choice)

    usage = "[" + "|".join(choices) + "]"
    offered = tuple(choice for choice in choices if choice != default)
    option = Option(name, description, OptionKind.CHOICE, choices=offered)
    return Arguments(usage, f"takes {or_list(choices)}", classes(make), parse, (option,))


def rest_of_line(
    make: Callable[[_T], Parsed],
    *,
    convert: Callable[[str], _T],
    name: str,
    when_empty: Callable[[], Parsed] | None = None,
    produces: tuple[type, ...] = (),
    option: Option | None = None,
) -> Arguments:
    """Free text to the end of the line (`tz new york`), required unless `when_empty` is set.

    `convert` raises ValueError with a friendly message when the text is unusable; a
    CommandError it raises is passed on untouched. `option` describes the text to typed
    platforms (by default a text option named after the first word of `name`).
    """

    def parse(words: Sequence[str]) -> Parsed:
        if not words:
            if when_empty is None:
                raise Rejected()
            return when_empty()
        try:
            return make(convert(" ".join(words)))
        except CommandError:
            raise
        except ValueError as error:
            raise Rejected(str(error)) from error

    usage = f"[{name}]" if when_empty is not None else f"<{name}>"
    article = "an" if name[:1] in "aeiou" else "a"
    described = option or Option(
        _option_name(name), name[:1].upper() + name[1:], required=when_empty is None
    )
    return Arguments(
        usage,
        f"takes {article} {name}",
        classes(make, when_empty, *produces),
        parse,
        (described,),
    )


def _option_name(words: str) -> str:
    """`answer id` -> `answer`, `days|off` -> `days`: a valid option name from a usage word."""
    first = words.replace("|", " ").replace("/", " ").split()[0]
    return "".join(char for char in first.casefold() if char.isalnum() or char in "-_") or "text"
