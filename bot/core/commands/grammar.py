"""The one command grammar every platform shares: the text after `/pln` becomes a Command.

Slack, Discord and the console all hand us the raw text, so members learn one syntax and the
core never sees platform details. The grammar is the table of CommandSpecs (assembled from
the command modules) and a single generic parser; help and "did you mean" are rendered from
the same table, so they cannot drift.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.commands import (
    data_commands,
    holiday_commands,
    member_commands,
    moderator_commands,
    oversight_commands,
    peer_commands,
    web_commands,
)
from bot.core.commands.shapes import CommandError, Rejected, or_list, rest_of_line
from bot.core.commands.spec import CommandSpec
from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain

_PREFIXES = ("/pln", "pln")
_ECHO_LENGTH = 40
_ALL_COMMANDS_HINT = "Type `/pln help` to see all commands."


@dataclass(frozen=True)
class Help:
    """List the commands, or explain one (`topic` is a command name such as "prompt now")."""

    topic: str | None = None


async def _help(ctx: Context, command: Help) -> list[OutgoingMessage]:
    return [plain(help_text(moderator=ctx.is_moderator, topic=command.topic))]


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


HELP_SPEC = CommandSpec(
    name="help",
    arguments=rest_of_line(Help, convert=_help_topic, name="command", when_empty=Help),
    summary="List the commands, or explain one.",
    description="On its own it lists every command; add a command name to see how it works.",
    example="help digest",
    handler=_help,
    before_joining=True,
    any_community=True,
)

_SPECS: tuple[CommandSpec, ...] = (
    HELP_SPEC,
    *member_commands.SPECS,
    *data_commands.SPECS,
    *member_commands.LATER_SPECS,
    *peer_commands.SPECS,
    *moderator_commands.SPECS,
    *holiday_commands.SPECS,
    *oversight_commands.SPECS,
    *web_commands.SPECS,
)
_SPEC_BY_NAME = {spec.name: spec for spec in _SPECS}
_SPEC_BY_CLASS: dict[type, CommandSpec] = {
    produced: spec for spec in _SPECS for produced in spec.arguments.produces
}


def parse_command(text: str) -> Any:
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
    except Rejected as rejection:
        detail = str(rejection.args[0]) if rejection.args else None
        raise CommandError(_argument_message(spec, detail)) from None


def spec_of(command: object) -> CommandSpec:
    """The spec a parsed command came from (KeyError for something that is not a command)."""
    return _SPEC_BY_CLASS[type(command)]


def is_moderator_only(command: object) -> bool:
    """Whether only the community's moderators may run this command."""
    return spec_of(command).moderator_only


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
    return f" Did you mean {or_list(names)}?"


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
