"""The Discord `/pln` group, generated from the core's command registry.

Each core command becomes a subcommand whose typed options come from its argument shape
(numbers as ranges, choices as fixed lists, channels as a picker, time zones and periods
offered as the member types). A two-word command whose first word is also a command
(`digest schedule` beside `digest`) becomes an option of that command, since Discord cannot
have a name be both a command and a group; other two-word commands (`prompt now`,
`prompts add`) are grouped under their first word. Discord allows 25 entries in `/pln`, all
taken, so a later command family is given a home in an existing group (`HOMES`: `/pln term`
is `/pln prompts term` there). Whatever the member fills in is turned back into the text
after `/pln`, so replies and errors read as on Slack and the console.
"""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Callable, Coroutine
from typing import Any, Literal, Optional
from zoneinfo import available_timezones

import discord
from discord import app_commands

from bot.core.commands import CommandSpec, Option, OptionKind, command_specs

MAX_CHOICES = 25
# command families placed inside an existing group, because `/pln` holds 25 entries at most
HOMES = {
    "term": "prompts",
    "rhythm": "prompts",
    "holidays": "prompts",
    "schedules": "schedule",
    # the moderators' overview lives beside `prompt now`, a group for moderators only
    "stats": "prompt",
    "audit": "prompt",
    "moderators": "prompt",
    # the framework list beside the prompts, which leaves room for the peer half's group
    "frameworks": "prompts",
    "profile": "peers",
    "checkins": "peers",
    "mentor": "peers",
    # the web page's sign-in link, beside the member's other prompt settings
    "web": "prompts",
}
MAX_DESCRIPTION = 100
ZONES = sorted(available_timezones())


def pln_group(bridge: Any) -> app_commands.Group:
    """`/pln` with every core command, grouped where Discord's shape needs it."""
    group = app_commands.Group(name="pln", description="Weekly leadership reflections")
    specs = command_specs()
    names = {spec.name for spec in specs}
    subgroups: dict[str, app_commands.Group] = {}
    for spec in specs:
        first, *rest = spec.words
        if rest and first in names:
            continue  # folded into `first` as an option
        folded = tuple(s for s in specs if len(s.words) == 2 and s.words[0] == spec.name)
        parent = group
        if rest or first in HOMES:
            word = HOMES.get(first, first)
            parent = subgroups.get(word) or _subgroup(group, word, specs)
            subgroups[word] = parent
        parent.add_command(_subcommand(bridge, spec, folded))
    return group


def _subgroup(
    group: app_commands.Group, word: str, specs: tuple[CommandSpec, ...]
) -> app_commands.Group:
    members = [spec for spec in specs if spec.words[0] == word]
    homed = [spec for spec in specs if len(spec.words) == 1 and HOMES.get(spec.name) == word]
    who = " (moderators)" if all(spec.moderator_only for spec in members + homed) else ""
    verbs = ", ".join([spec.words[1] for spec in members] + [spec.name for spec in homed])
    description = _fit(f"{word.capitalize()}: {verbs}{who}")
    return app_commands.Group(name=word, description=description, parent=group)


def _subcommand(
    bridge: Any, spec: CommandSpec, folded: tuple[CommandSpec, ...]
) -> app_commands.Command[Any, ..., None]:
    options = spec.arguments.options
    extra = {sub.words[1]: _folded_option(sub) for sub in folded}

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        for word, sub in zip(extra, folded, strict=True):
            chosen = values.pop(_parameter(word), None)
            if isinstance(chosen, discord.Attachment):  # `holidays import` with its file
                await bridge.command(interaction, sub.name, files=(chosen,))
                return
            if chosen is not None:
                argument = "" if chosen == "show" else str(chosen)
                await bridge.command(interaction, f"{sub.name} {argument}".strip())
                return
        attached = tuple(v for v in values.values() if isinstance(v, discord.Attachment))
        parts = [_as_text(option, values.get(_parameter(option.name))) for option in options]
        typed = spec.arguments.joiner.join(part for part in parts if part)
        await bridge.command(interaction, f"{spec.name} {typed}".strip(), files=attached)

    every = (*options, *extra.values())
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    # Python wants required parameters first; Discord lists them first anyway
    for option in sorted(every, key=lambda option: not option.required):
        parameters.append(
            inspect.Parameter(
                _parameter(option.name),
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_annotation(option),
                default=inspect.Parameter.empty if option.required else None,
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__qualname__ = callback.__name__ = spec.words[-1].replace("-", "_")
    described = app_commands.describe(
        **{_parameter(option.name): _fit(option.description) for option in every}
    )(callback)
    renamed = {_parameter(o.name): o.name for o in every if _parameter(o.name) != o.name}
    if renamed:  # an option named like a Python keyword (`import`) keeps its name on Discord
        described = app_commands.rename(**renamed)(described)
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.words[-1], description=_fit(spec.summary), callback=described
    )
    for option in every:
        suggest = _suggester(option)
        if suggest is not None:
            command.autocomplete(_parameter(option.name))(suggest)
    return command


def _parameter(name: str) -> str:
    """The callback's parameter for an option: its name, or `import_` for a keyword."""
    return f"{name}_" if keyword.iskeyword(name) else name


def _folded_option(sub: CommandSpec) -> Option:
    """`digest schedule [monthly|termly|off]` as the option `schedule` of `digest`."""
    (inner,) = sub.arguments.options
    if inner.kind is OptionKind.FILE:
        return Option(sub.words[1], inner.description, OptionKind.FILE)
    choices = (*inner.choices, "show") if not inner.required else inner.choices
    return Option(sub.words[1], inner.description, OptionKind.CHOICE, choices=choices)


def _annotation(option: Option) -> Any:
    if option.choices:
        base: Any = Literal[option.choices]
    elif option.kind is OptionKind.NUMBER:
        base = app_commands.Range[int, option.low or 0, option.high or 2**31 - 1]
    elif option.kind is OptionKind.CHANNEL:
        base = discord.TextChannel
    elif option.kind is OptionKind.FILE:
        base = discord.Attachment
    elif option.kind is OptionKind.MEMBER:
        base = discord.User  # a Member in a server, a User otherwise: both have the id
    else:
        base = str
    return base if option.required else Optional[base]  # noqa: UP045 (built at run time)


def _as_text(option: Option, value: Any) -> str:
    """A typed value as the member would have typed it after the command's name."""
    if option.kind is OptionKind.CHANNEL:
        # an empty channel picker means the channel the command was typed in
        return "here" if value is None else f"<#{value.id}>"
    if option.kind is OptionKind.FILE:
        return ""  # handed in as a file, never as text
    if option.kind is OptionKind.MEMBER:
        return "" if value is None else f"<@{value.id}>"
    return "" if value is None else str(value)


Suggest = Callable[
    [discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


def _suggester(option: Option) -> Suggest | None:
    if option.kind is OptionKind.ZONE:
        offered: Callable[[str], list[str]] = zone_matches
    elif option.suggestions:

        def offered(current: str) -> list[str]:
            typed = current.strip().casefold()
            return [s for s in option.suggestions if s.startswith(typed)][:MAX_CHOICES]

    else:
        return None

    async def suggest(
        _interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=value, value=value) for value in offered(current)]

    return suggest


def zone_matches(current: str) -> list[str]:
    """Zone names containing what was typed (any case), best-known first, at most 25."""
    needle = current.strip().replace(" ", "_").casefold()
    if not needle:
        return ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore"]
    starts = [zone for zone in ZONES if zone.casefold().startswith(needle)]
    inside = [zone for zone in ZONES if needle in zone.casefold() and zone not in starts]
    return (starts + inside)[:MAX_CHOICES]


def _fit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
